// Reads Redis INFO once a second during the load on the main thread's own client, so the Redis evidence survives a
// Redis that dies mid-run: what it counted up to its last reading is kept (server-evidence.ts, redisEvidence).
import type { Redis } from 'ioredis';
import { readRedis, type RedisCounters } from './server-evidence.js';

const SAMPLE_EVERY_MS = 1000;

export class RedisSampler {
  private readonly readings: RedisCounters[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly redis: Redis) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
  }

  private async sample(): Promise<void> {
    // A down or hung Redis must not stack up readings (each one gives up after a second).
    if (this.busy) return;
    this.busy = true;
    try {
      const reading = await readRedis(this.redis);
      if (reading) this.readings.push(reading);
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling; the readings taken, in time order. */
  async stop(): Promise<readonly RedisCounters[]> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    return this.readings;
  }
}
