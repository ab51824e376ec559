// Fills the session and permission caches for the hottest users before a run, in batched round trips,
// so the first seconds of a run measure a warm cache rather than a cold start.
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { guarded, isUnavailable, type UnavailableCounter } from './availability.js';
import type { KeySpace, UserId } from './keys.js';
import type { PermissionCache, PermissionLoader } from './permission-cache.js';
import { encodeSession, type CachedSession } from './token-cache.js';

export interface WarmOptions {
  /** Users or sessions per round trip. Default 1000. */
  batchSize?: number;
}

export interface WarmReport {
  /** Users or sessions given. */
  requested: number;
  /** Entries written to the cache. */
  cached: number;
  /** Given but not cached: unknown to the loader, already expired, or invalidated during the load. */
  skipped: number;
  batches: number;
  elapsedMs: number;
  /** 'unavailable' when Redis stopped answering; warming stops at the first such batch. */
  cache: 'ok' | 'unavailable';
}

export const defaultWarmBatchSize = 1_000;

function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batchSize must be an integer >= 1, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Per batch: read versions, call the loader once, one guarded fill. Three steps, two Redis round trips. */
export async function warmPermissions(
  permissions: PermissionCache,
  userIds: readonly UserId[],
  loader: PermissionLoader,
  opts: WarmOptions = {},
): Promise<WarmReport> {
  const started = performance.now();
  const ids = [...new Set(userIds)];
  const report: WarmReport = { requested: ids.length, cached: 0, skipped: 0, batches: 0, elapsedMs: 0, cache: 'ok' };
  for (const batch of batchesOf(ids, opts.batchSize ?? defaultWarmBatchSize)) {
    const versions = await permissions.readVersions(batch);
    if (isUnavailable(versions)) {
      report.cache = 'unavailable';
      break;
    }
    const masks = await loader(batch);
    const written = await permissions.fill(masks, versions);
    report.batches++;
    if (isUnavailable(written)) {
      report.cache = 'unavailable';
      break;
    }
    report.cached += written;
  }
  report.skipped = report.requested - report.cached;
  report.elapsedMs = performance.now() - started;
  return report;
}

/** One pipeline of `SET ... PXAT exp` per batch; sessions already expired are skipped. */
export async function warmSessions(
  redis: Redis,
  keys: KeySpace,
  counter: UnavailableCounter,
  sessions: readonly CachedSession[],
  opts: WarmOptions & { now?: () => number } = {},
): Promise<WarmReport> {
  const started = performance.now();
  const now = (opts.now ?? Date.now)();
  const live = sessions.filter((s) => s.expiresAtMs > now);
  const report: WarmReport = { requested: sessions.length, cached: 0, skipped: 0, batches: 0, elapsedMs: 0, cache: 'ok' };
  for (const batch of batchesOf(live, opts.batchSize ?? defaultWarmBatchSize)) {
    const pipeline = redis.pipeline();
    for (const s of batch) pipeline.set(keys.session(s.jti), encodeSession(s), 'PXAT', s.expiresAtMs);
    const replies = await guarded('warmSessions', counter, async () => {
      const results = (await pipeline.exec()) ?? [];
      const failure = results.find(([err]) => err)?.[0];
      if (failure) throw failure;
      return results;
    });
    report.batches++;
    if (isUnavailable(replies)) {
      report.cache = 'unavailable';
      break;
    }
    report.cached += replies.length;
  }
  report.skipped = report.requested - report.cached;
  report.elapsedMs = performance.now() - started;
  return report;
}
