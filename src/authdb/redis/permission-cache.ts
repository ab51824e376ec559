// Read-through cache of each user's effective permission bitmask, invalidated by a per-user version counter.
// A fill is written only if the version it was loaded under is still current, so a stale load never wins.
import type { Redis } from 'ioredis';
import { guarded, isUnavailable, type Unavailable, type UnavailableCounter } from './availability.js';
import type { KeySpace, UserId } from './keys.js';

/** A mask that must not be trusted past `validUntilMs` (a time-limited role grant expires then). */
export interface PermissionGrant {
  mask: bigint;
  /** ms since the epoch; null/undefined = no grant expires. */
  validUntilMs?: number | null;
}

/** The application's database read: effective permission bitmask per user; absent users are left out. */
export type PermissionLoader = (userIds: readonly UserId[]) => Promise<Map<UserId, bigint | PermissionGrant>>;

const maskOf = (loaded: bigint | PermissionGrant): bigint => (typeof loaded === 'bigint' ? loaded : loaded.mask);

export interface PermissionLookup {
  masks: Map<UserId, bigint>;
  /** Users answered from the cache. */
  hits: number;
  /** Users passed to the loader (misses, or all of them when Redis is unavailable). */
  loaded: number;
  cache: 'ok' | 'unavailable';
}

export interface PermissionCheck {
  allowed: boolean;
  source: 'cache' | 'loader';
  cache: 'ok' | 'unavailable';
}

export interface PermissionCacheOptions {
  /** Safety-net expiry of a cached mask (ms); invalidation, not this, is what keeps it fresh. */
  ttlMs: number;
  now: () => number;
  onLostInvalidation: (replay: (redis: Redis) => Promise<unknown>) => void;
}

export interface PermissionCache {
  /** One MGET for all ids, then one loader call for the misses, then one guarded fill. */
  getPermissions(userIds: readonly UserId[], loader: PermissionLoader): Promise<PermissionLookup>;
  /** rbac.check: is bit `permissionBit` set in the user's mask? */
  hasPermission(userId: UserId, permissionBit: number, loader: PermissionLoader): Promise<PermissionCheck>;
  /** Call after the role change is committed: bumps the version and drops the cached mask. */
  invalidateUsers(userIds: readonly UserId[]): Promise<{ status: 'ok' } | Unavailable>;
  /** Writes masks loaded under `versions` (as read by `readVersions`) unless a newer invalidation happened. */
  fill(masks: Map<UserId, bigint | PermissionGrant>, versions: Map<UserId, string>): Promise<number | Unavailable>;
  /** Current version per user ('0' when never invalidated); read BEFORE calling the loader. */
  readVersions(userIds: readonly UserId[]): Promise<Map<UserId, string> | Unavailable>;
}

/** KEYS: (perm, permv) pairs. ARGV: (version, mask, expireAtMs) per pair. Returns how many were written. */
export const fillIfVersionScript = `
local written = 0
for i = 1, #KEYS, 2 do
  local current = redis.call('GET', KEYS[i + 1]) or '0'
  local j = (i - 1) / 2 * 3 + 1
  if current == ARGV[j] then
    redis.call('SET', KEYS[i], ARGV[j + 1], 'PXAT', ARGV[j + 2])
    written = written + 1
  end
end
return written
`;

/** KEYS: (perm, permv) pairs. The version key has no TTL: an expiring counter could come back to an old value. */
export const invalidateScript = `
for i = 1, #KEYS, 2 do
  redis.call('INCR', KEYS[i + 1])
  redis.call('DEL', KEYS[i])
end
return #KEYS / 2
`;

interface PermissionCommands {
  authbenchPermFill(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  authbenchPermInvalidate(numKeys: number, ...keys: string[]): Promise<number>;
}

export function createPermissionCache(
  redis: Redis,
  keys: KeySpace,
  counter: UnavailableCounter,
  opts: PermissionCacheOptions,
): PermissionCache {
  redis.defineCommand('authbenchPermFill', { lua: fillIfVersionScript });
  redis.defineCommand('authbenchPermInvalidate', { lua: invalidateScript });
  const scripted = redis as Redis & PermissionCommands;

  const pairKeys = (userIds: readonly UserId[]): string[] =>
    userIds.flatMap((id) => [keys.permissions(id), keys.permissionVersion(id)]);

  const invalidateWrite = (userIds: readonly UserId[]) => (r: Redis) => {
    const pairs = pairKeys(userIds);
    return (r as Redis & PermissionCommands).authbenchPermInvalidate(pairs.length, ...pairs);
  };

  const cache: PermissionCache = {
    async getPermissions(userIds, loader) {
      const ids = [...new Set(userIds)];
      const masks = new Map<UserId, bigint>();
      if (ids.length === 0) return { masks, hits: 0, loaded: 0, cache: 'ok' };
      const reply = await guarded('permissions', counter, () => redis.mget(pairKeys(ids)));
      if (isUnavailable(reply)) {
        const loaded = await loader(ids);
        for (const [id, grant] of loaded) masks.set(id, maskOf(grant));
        return { masks, hits: 0, loaded: ids.length, cache: 'unavailable' };
      }
      const missing: UserId[] = [];
      const versions = new Map<UserId, string>();
      ids.forEach((id, i) => {
        const mask = reply[2 * i];
        if (mask !== null && mask !== undefined) masks.set(id, BigInt(mask));
        else {
          missing.push(id);
          versions.set(id, reply[2 * i + 1] ?? '0');
        }
      });
      if (missing.length === 0) return { masks, hits: ids.length, loaded: 0, cache: 'ok' };
      const loaded = await loader(missing);
      for (const [id, grant] of loaded) masks.set(id, maskOf(grant));
      // A failed fill costs one more load later, nothing else; it is counted, not reported.
      await cache.fill(loaded, versions);
      return { masks, hits: ids.length - missing.length, loaded: missing.length, cache: 'ok' };
    },

    async hasPermission(userId, permissionBit, loader) {
      const lookup = await cache.getPermissions([userId], loader);
      const mask = lookup.masks.get(userId) ?? 0n;
      return {
        allowed: (mask & (1n << BigInt(permissionBit))) !== 0n,
        source: lookup.hits === 1 ? 'cache' : 'loader',
        cache: lookup.cache,
      };
    },

    async invalidateUsers(userIds) {
      if (userIds.length === 0) return { status: 'ok' };
      const write = invalidateWrite([...userIds]);
      const reply = await guarded('invalidateUsers', counter, () => write(redis));
      if (!isUnavailable(reply)) return { status: 'ok' };
      opts.onLostInvalidation(write);
      return reply;
    },

    async fill(masks, versions) {
      const args: (string | number)[] = [];
      const values: string[] = [];
      const now = opts.now();
      for (const [id, grant] of masks) {
        const version = versions.get(id);
        // Without the version read before the load, the fill cannot be proven fresh: skip it.
        if (version === undefined) continue;
        const validUntil = typeof grant === 'bigint' ? undefined : grant.validUntilMs;
        const expireAt = Math.min(now + opts.ttlMs, validUntil ?? Number.POSITIVE_INFINITY);
        if (expireAt <= now) continue;
        args.push(keys.permissions(id), keys.permissionVersion(id));
        values.push(version, maskOf(grant).toString(), String(Math.floor(expireAt)));
      }
      if (args.length === 0) return 0;
      return guarded('permissionFill', counter, () => scripted.authbenchPermFill(args.length, ...args, ...values));
    },

    async readVersions(userIds) {
      const reply = await guarded('permissionVersions', counter, () =>
        redis.mget(userIds.map((id) => keys.permissionVersion(id))),
      );
      if (isUnavailable(reply)) return reply;
      return new Map(userIds.map((id, i) => [id, reply[i] ?? '0']));
    },
  };
  return cache;
}
