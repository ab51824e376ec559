// The command line's shard flags, checked once at the edge: `--shard K/N`, `--shards N` and `--start-at TIME`
// (ISO 8601 or epoch ms). Bad values are InvalidInputError (exit 2) naming the flag, before anything starts.
import { InvalidInputError } from '../errors.js';
import type { ShardOf } from '../scenario/plan.js';

/** More shards than this is almost surely a typo (each is a process with its own connections). */
export const MAX_SHARDS = 1024;

function usage(flag: string, message: string, hint: string): InvalidInputError {
  return new InvalidInputError([{ path: flag, message }], { code: 'AB_ERR_USAGE', hint });
}

/** `K/N` with 0 ≤ K < N ≤ MAX_SHARDS. */
export function parseShardFlag(text: string): ShardOf {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const hint = 'Write --shard K/N with K counted from 0, e.g. --shard 0/3, --shard 1/3 and --shard 2/3 for three shards.';
  if (!m) throw usage('--shard', `expected K/N (shard K of N, K from 0), got ${JSON.stringify(text)}`, hint);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS) throw usage('--shard', `N must be 1..${MAX_SHARDS}, got ${JSON.stringify(text)}`, hint);
  if (index >= count) throw usage('--shard', `shard ${index} of ${count} does not exist: K counts from 0, so the last of ${count} shards is ${count - 1}/${count}`, hint);
  return { index, count };
}

/** `--shards N`: N local shard processes. */
export function parseShardsFlag(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARDS) {
    throw usage('--shards', `expected a whole number of shards 1..${MAX_SHARDS}, got ${JSON.stringify(value)}`, 'e.g. --shards 3 runs three shard processes on this machine and merges them.');
  }
  return n;
}

/**
 * `--start-at`: an ISO 8601 instant with a time zone (`2026-12-01T23:30:00Z`) or epoch milliseconds. An instant more
 * than `warmupMs` in the past is refused: the shard would join after the warm-up, so its measured window would be
 * cut short (a shard that joins within the warm-up starts late, and its first arrivals count as warm-up).
 */
export function parseStartAt(text: string, nowMs: number, warmupMs: number): number {
  const hint = 'Give one instant to every shard, a little in the future: --start-at 2026-12-01T23:30:00Z or --start-at 1796167800000 (epoch ms).';
  const trimmed = text.trim();
  let ms: number;
  if (/^\d{10,}$/.test(trimmed)) ms = Number(trimmed);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)) ms = Date.parse(trimmed);
  else throw usage('--start-at', `expected an ISO 8601 instant with a time zone or epoch milliseconds, got ${JSON.stringify(text)}`, hint);
  if (!Number.isFinite(ms)) throw usage('--start-at', `${JSON.stringify(text)} is not a valid instant`, hint);
  const late = lateStartError(ms, nowMs, warmupMs);
  if (late) throw late;
  return ms;
}

/** The error of a start instant more than the warm-up in the past at `nowMs`, or undefined. */
export function lateStartError(startAtMs: number, nowMs: number, warmupMs: number): InvalidInputError | undefined {
  const lateMs = nowMs - startAtMs;
  if (lateMs <= warmupMs) return undefined;
  return usage(
    '--start-at',
    `${new Date(startAtMs).toISOString()} is ${(lateMs / 1000).toFixed(1)} s in the past, more than the warm-up (${(warmupMs / 1000).toFixed(1)} s): this shard would miss part of the measured window`,
    'Start every shard again with a later --start-at.',
  );
}
