// Session cache, JWT denylist and per-user "revoked before" timestamps, answered in one MGET per token check.
// Every entry expires with the token it describes (SET ... PXAT exp), so the cache never outlives a JWT.
import type { Redis } from 'ioredis';
import { guarded, isUnavailable, type Unavailable, type UnavailableCounter } from './availability.js';
import type { KeySpace, UserId } from './keys.js';

/** The minimum a session validation needs, stored per token id (jti). */
export interface CachedSession {
  jti: string;
  userId: UserId;
  /** Token expiry, ms since the epoch (the JWT's `exp` x 1000). */
  expiresAtMs: number;
  /** Roles/permission version the session was issued under, when the caller tracks one. */
  rolesVersion?: number;
}

export type TokenCheck =
  | { readonly status: 'denied'; readonly reason: 'denylisted' | 'revoked-before' }
  | { readonly status: 'cached'; readonly session: CachedSession }
  | { readonly status: 'miss' }
  | Unavailable;

export type WriteResult = { readonly status: 'ok' } | Unavailable;

const ok: WriteResult = Object.freeze({ status: 'ok' });
const miss: TokenCheck = Object.freeze({ status: 'miss' });
const denylisted: TokenCheck = Object.freeze({ status: 'denied', reason: 'denylisted' });
const revokedBefore: TokenCheck = Object.freeze({ status: 'denied', reason: 'revoked-before' });

export interface TokenCacheOptions {
  /** How long a "revoked before" mark is kept (ms); must be at least the longest lifetime of any token checked. */
  revokedBeforeTtlMs: number;
  /** Clock for skipping already-expired entries; tests may pin it. */
  now: () => number;
  /** Told about writes that could not reach Redis, so they can be replayed after a reconnect. */
  onLostInvalidation: (replay: (redis: Redis) => Promise<unknown>) => void;
}

export interface TokenCache {
  /** One round trip: denylist, revoked-before and session cache for this token. */
  checkToken(jti: string, userId: UserId, issuedAtMs: number): Promise<TokenCheck>;
  getSession(jti: string): Promise<CachedSession | null | Unavailable>;
  /** Caches the session until the token expires; an expired token is not stored. */
  setSession(session: CachedSession): Promise<WriteResult>;
  deleteSession(jti: string): Promise<WriteResult>;
  /** Denylists one token until it expires and drops its cached session (one round trip). */
  revokeToken(jti: string, expiresAtMs: number): Promise<WriteResult>;
  /** Log-out-everywhere: tokens of `userId` issued before `atMs` are denied. Never moves the mark back. */
  revokeUserTokensBefore(userId: UserId, atMs: number): Promise<WriteResult>;
}

/** `redis.call('SET', ...)` only if the new mark is later, so concurrent logouts cannot move it back. */
export const setMaxScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local proposed = tonumber(ARGV[1])
if proposed > current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
`;

interface SetMaxCommand {
  authbenchSetMax(key: string, value: string, ttlMs: string): Promise<number>;
}

export function encodeSession(session: CachedSession): string {
  return `${session.userId}|${session.expiresAtMs}|${session.rolesVersion ?? ''}`;
}

export function decodeSession(jti: string, value: string): CachedSession | null {
  const [userId, expiresAt, rolesVersion] = value.split('|');
  const expiresAtMs = Number(expiresAt);
  if (!userId || !Number.isFinite(expiresAtMs)) return null;
  return rolesVersion ? { jti, userId, expiresAtMs, rolesVersion: Number(rolesVersion) } : { jti, userId, expiresAtMs };
}

export function createTokenCache(redis: Redis, keys: KeySpace, counter: UnavailableCounter, opts: TokenCacheOptions): TokenCache {
  redis.defineCommand('authbenchSetMax', { numberOfKeys: 1, lua: setMaxScript });

  const sessionWrite = (session: CachedSession) => (r: Redis) =>
    r.set(keys.session(session.jti), encodeSession(session), 'PXAT', session.expiresAtMs);

  const revokeWrite = (jti: string, expiresAtMs: number) => (r: Redis) =>
    r.multi().set(keys.denied(jti), '1', 'PXAT', expiresAtMs).del(keys.session(jti)).exec();

  const revokeBeforeWrite = (userId: UserId, atMs: number) => (r: Redis) =>
    (r as Redis & SetMaxCommand).authbenchSetMax(keys.revokedBefore(userId), String(atMs), String(opts.revokedBeforeTtlMs));

  /** Runs an invalidating write; if Redis is unreachable, hands it to the replay queue. */
  async function invalidate(operation: string, write: (r: Redis) => Promise<unknown>): Promise<WriteResult> {
    const result = await guarded(operation, counter, () => write(redis));
    if (!isUnavailable(result)) return ok;
    opts.onLostInvalidation(write);
    return result;
  }

  return {
    async checkToken(jti, userId, issuedAtMs) {
      const reply = await guarded('checkToken', counter, () =>
        redis.mget(keys.denied(jti), keys.revokedBefore(userId), keys.session(jti)),
      );
      if (!Array.isArray(reply)) return reply;
      const [deny, before, session] = reply;
      if (deny !== null && deny !== undefined) return denylisted;
      if (before !== null && before !== undefined && issuedAtMs < Number(before)) return revokedBefore;
      if (session === null || session === undefined) return miss;
      const decoded = decodeSession(jti, session);
      // A session cached for another user is not evidence for this one: let the database decide.
      if (!decoded || decoded.userId !== userId || decoded.expiresAtMs <= opts.now()) return miss;
      return { status: 'cached', session: decoded };
    },

    async getSession(jti) {
      const reply = await guarded('getSession', counter, () => redis.get(keys.session(jti)));
      if (reply === null || typeof reply !== 'string') return reply;
      return decodeSession(jti, reply);
    },

    async setSession(session) {
      if (session.expiresAtMs <= opts.now()) return ok;
      const result = await guarded('setSession', counter, () => sessionWrite(session)(redis));
      return isUnavailable(result) ? result : ok;
    },

    deleteSession(jti) {
      return invalidate('deleteSession', (r) => r.del(keys.session(jti)));
    },

    revokeToken(jti, expiresAtMs) {
      // An expired token needs no denylist entry, only its cached session gone.
      if (expiresAtMs <= opts.now()) return invalidate('revokeToken', (r) => r.del(keys.session(jti)));
      return invalidate('revokeToken', revokeWrite(jti, expiresAtMs));
    },

    revokeUserTokensBefore(userId, atMs) {
      return invalidate('revokeUserTokensBefore', revokeBeforeWrite(userId, atMs));
    },
  };
}

