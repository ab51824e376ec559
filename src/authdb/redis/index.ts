// The Redis layer of the auth database: session cache, denylist, rate limiter and permission cache on one client.
// Every hot-path call is one round trip and reports an unreachable Redis as a result the caller counts.
import type { Redis } from 'ioredis';
import { UnavailableCounter } from './availability.js';
import { createInvalidationReplay } from './invalidation-replay.js';
import { createKeySpace, defaultPrefix, type KeySpace, type UserId } from './keys.js';
import { createPermissionCache, type PermissionCache, type PermissionLoader } from './permission-cache.js';
import { createRateLimiter, type RateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { createTokenCache, type CachedSession, type TokenCache } from './token-cache.js';
import { warmPermissions, warmSessions, type WarmOptions, type WarmReport } from './warming.js';

export interface RedisLayerOptions {
  /** Prepended to every key; give each run or test its own. Default `ab:`. */
  prefix?: string;
  rateLimits?: RateLimitOptions;
  /** Safety-net expiry of a cached permission mask (ms). Default 15 minutes. */
  permissionTtlMs?: number;
  /** How long a log-out-everywhere mark is kept (ms); must cover the longest token lifetime. Default 7 days. */
  revokedBeforeTtlMs?: number;
  /** Failed invalidations kept for replay before falling back to purging the caches. Default 100 000. */
  maxPendingInvalidations?: number;
  /** Wall clock (ms since the epoch); tests may pin it. Default Date.now. */
  now?: () => number;
}

export interface RedisLayer extends TokenCache, PermissionCache {
  readonly keys: KeySpace;
  readonly rateLimiter: RateLimiter;
  warmPermissions(userIds: readonly UserId[], loader: PermissionLoader, opts?: WarmOptions): Promise<WarmReport>;
  warmSessions(sessions: readonly CachedSession[], opts?: WarmOptions): Promise<WarmReport>;
  /** Drops the user's cached permission mask and bumps its version (call after the role change commits). */
  invalidateUser(userId: UserId): ReturnType<PermissionCache['invalidateUsers']>;
  /** Checks answered `unavailable` so far, per operation. */
  unavailableCounts(): Record<string, number>;
  /** Invalidations waiting for Redis to come back (Infinity once the queue overflowed into a purge). */
  pendingInvalidations(): number;
  /** Replays pending invalidations now; they are also replayed on every reconnect. */
  flushInvalidations(): Promise<void>;
  /** Detaches from the client (the caller still owns and closes the client). */
  dispose(): void;
}

export function createRedisLayer(redis: Redis, opts: RedisLayerOptions = {}): RedisLayer {
  const keys = createKeySpace(opts.prefix ?? defaultPrefix);
  const counter = new UnavailableCounter();
  const replay = createInvalidationReplay(redis, keys, opts.maxPendingInvalidations);
  const onLostInvalidation = replay.add;
  const now = opts.now ?? Date.now;
  const tokens = createTokenCache(redis, keys, counter, {
    revokedBeforeTtlMs: opts.revokedBeforeTtlMs ?? 7 * 24 * 3_600_000,
    now,
    onLostInvalidation,
  });
  const permissions = createPermissionCache(redis, keys, counter, {
    ttlMs: opts.permissionTtlMs ?? 15 * 60_000,
    now,
    onLostInvalidation,
  });
  const rateLimiter = createRateLimiter(redis, keys, counter, opts.rateLimits);

  return {
    ...tokens,
    ...permissions,
    keys,
    rateLimiter,
    warmPermissions: (userIds, loader, warmOpts) => warmPermissions(permissions, userIds, loader, warmOpts),
    warmSessions: (sessions, warmOpts) => warmSessions(redis, keys, counter, sessions, { ...warmOpts, now }),
    invalidateUser: (userId) => permissions.invalidateUsers([userId]),
    unavailableCounts: () => counter.snapshot(),
    pendingInvalidations: replay.pending,
    flushInvalidations: replay.flush,
    dispose: replay.dispose,
  };
}

export { connectRedis, fastFailOptions, redactRedisUrl, type ConnectRedisOptions } from './connect.js';
export { isUnavailable, type Unavailable } from './availability.js';
export type { KeySpace, UserId } from './keys.js';
export type { CachedSession, TokenCheck, WriteResult } from './token-cache.js';
export type { PermissionGrant, PermissionLoader, PermissionLookup, PermissionCheck } from './permission-cache.js';
export type {
  RateLimiter,
  RateLimitOptions,
  RateLimitRule,
  RateLimitRequest,
  RateLimitResult,
  RateLimitDecision,
  RateLimitUnavailable,
} from './rate-limiter.js';
export type { WarmOptions, WarmReport } from './warming.js';
