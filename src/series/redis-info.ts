// The two Redis INFO counters the series needs per interval: commands processed and the server's own CPU seconds.
import type { Redis } from 'ioredis';
import { withDeadline } from '../target/redis-ready.js';

export interface RedisCpuReading {
  readonly commands: number;
  readonly cpuSec: number;
  readonly runId: string;
}

export function parseRedisInfo(info: string): RedisCpuReading | null {
  const field = (name: string): number | null => {
    const m = new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info);
    return m ? Number(m[1]) : null;
  };
  const commands = field('total_commands_processed');
  const user = field('used_cpu_user');
  const sys = field('used_cpu_sys');
  if (commands === null || user === null || sys === null) return null;
  return { commands, cpuSec: user + sys, runId: /^run_id:(\w+)/m.exec(info)?.[1] ?? '' };
}

/** Null when Redis does not answer within `timeoutMs` (a hung server must not hold the series). */
export async function readRedisCpu(redis: Redis, timeoutMs = 500): Promise<RedisCpuReading | null> {
  try {
    return parseRedisInfo(await withDeadline(redis.info(), timeoutMs, () => new Error('INFO timed out')));
  } catch {
    return null;
  }
}
