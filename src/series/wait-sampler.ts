// Samples what the load's backends are waiting for, many times a second, from pg_stat_activity on the main thread's
// monitoring connection: the database's own answer to "where did the time go" (CPU, IO:WALSync, Lock, LWLock, …).
import type pg from 'pg';
import { epochNowMs } from '../load/clock.js';
import { intervalIndexAt, type IntervalGrid } from '../metrics/intervals.js';
import type { WaitPoint } from './types.js';

/** 20 samples a second: a 20 ms wait shows up in a few seconds of load; one query costs the server well under 1 ms. */
export const WAIT_SAMPLE_HZ = 20;

const WAIT_QUERY = `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS event, count(*)::int AS n
  FROM pg_stat_activity
 WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
   AND application_name ~ '^authbench-w[0-9]+$' AND state IN ('active', 'idle in transaction')
 GROUP BY 1`;

interface Bucket {
  samples: number;
  counts: Map<string, number>;
}

export class WaitSampler {
  private readonly buckets = new Map<number, Bucket>();
  private timer: NodeJS.Timeout | undefined;
  private startAtMs = Number.NaN;
  private busy = false;
  private lastError: string | undefined;

  constructor(
    private readonly client: pg.Client,
    private readonly grid: IntervalGrid,
    private readonly hz = WAIT_SAMPLE_HZ,
  ) {}

  start(startAtMs: number): void {
    this.startAtMs = startAtMs;
    this.timer = setInterval(() => void this.sample(), Math.round(1000 / this.hz));
  }

  private async sample(): Promise<void> {
    // A slow or frozen server must not stack up samples on the shared monitoring connection.
    if (this.busy) return;
    this.busy = true;
    const atMs = epochNowMs() - this.startAtMs;
    try {
      const { rows } = await this.client.query<{ event: string; n: number }>(WAIT_QUERY);
      if (atMs < 0) return;
      const index = intervalIndexAt(this.grid, atMs);
      let bucket = this.buckets.get(index);
      if (!bucket) this.buckets.set(index, (bucket = { samples: 0, counts: new Map() }));
      bucket.samples += 1;
      for (const r of rows) bucket.counts.set(r.event, (bucket.counts.get(r.event) ?? 0) + r.n);
    } catch (err) {
      // A missed sample is a gap, not a failure of the run.
      this.lastError = (err as Error)?.message ?? String(err);
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling (waiting at most `graceMs` for a sample in flight); the points by interval index. */
  async stop(graceMs = 2000): Promise<Map<number, WaitPoint>> {
    clearInterval(this.timer);
    const until = Date.now() + graceMs;
    while (this.busy && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return waitPoints(this.buckets);
  }

  get error(): string | undefined {
    return this.lastError;
  }
}

export function waitPoints(buckets: ReadonlyMap<number, { samples: number; counts: ReadonlyMap<string, number> }>): Map<number, WaitPoint> {
  const out = new Map<number, WaitPoint>();
  for (const [index, b] of buckets) {
    const byEvent: Record<string, number> = {};
    for (const [event, n] of [...b.counts].sort((x, y) => y[1] - x[1])) byEvent[event] = n / b.samples;
    out.set(index, { samples: b.samples, byEvent });
  }
  return out;
}
