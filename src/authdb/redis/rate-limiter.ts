// Sliding-window rate limiter per user and per IP: an exact log of request times in one sorted set per subject.
// One Lua script checks every subject of a request and records it only if all allow, in one round trip.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { guarded, isUnavailable, type Unavailable, type UnavailableCounter } from './availability.js';
import type { KeySpace } from './keys.js';

/** At most `limit` requests in any window of `windowMs` milliseconds. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export type RateLimitScope = 'user' | 'ip';

export interface RateLimitOptions {
  user?: RateLimitRule;
  ip?: RateLimitRule;
  /** When Redis cannot answer: true lets the request through (default), false refuses it. */
  failOpen?: boolean;
}

export const defaultRateLimits: Readonly<Required<RateLimitOptions>> = Object.freeze({
  user: Object.freeze({ limit: 10, windowMs: 60_000 }),
  ip: Object.freeze({ limit: 1_000, windowMs: 60_000 }),
  failOpen: true,
});

export interface SubjectDecision {
  scope: RateLimitScope;
  subject: string;
  /** Requests counted in the window before this one. */
  count: number;
  limit: number;
  /** 0 when this subject allows; else ms until it would. */
  retryAfterMs: number;
}

export interface RateLimitDecision {
  status: 'allowed' | 'refused';
  /** Requests still allowed in the tightest window after this one (0 when refused). */
  remaining: number;
  /** 0 when allowed; else ms until every refusing subject would allow again. */
  retryAfterMs: number;
  /** The time the decision was taken at (ms since the epoch; Redis's clock unless the caller passed one). */
  nowMs: number;
  subjects: SubjectDecision[];
}

/** Redis could not answer; `allowed` is the configured fail-open/closed decision. */
export type RateLimitUnavailable = Unavailable & { readonly allowed: boolean };

export type RateLimitResult = RateLimitDecision | RateLimitUnavailable;

export interface RateLimitRequest {
  userId?: string;
  ip?: string;
}

export interface RateLimiter {
  /**
   * Checks the user's and the IP's windows together and records the request only if both allow.
   * `nowMs` (integer ms) pins the clock for deterministic tests; omitted, the script reads Redis `TIME`.
   */
  check(request: RateLimitRequest, nowMs?: number): Promise<RateLimitResult>;
  /** Forgets a subject's log (admin unlock, tests). */
  reset(scope: RateLimitScope, subject: string): Promise<{ status: 'ok' } | Unavailable>;
  readonly rules: Readonly<Record<RateLimitScope, RateLimitRule>>;
}

/**
 * KEYS: one sorted set per subject. ARGV: now ('' = Redis TIME), member, then limit and window per key.
 * Live entries have score in (now - window, now]; a refused request is not recorded, so a log holds <= limit entries.
 * Returns { allowed, now, count1, retry1, count2, retry2, ... }.
 */
export const slidingWindowScript = `
local now = tonumber(ARGV[1])
if not now then
  if redis.replicate_commands then redis.replicate_commands() end
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local allowed = 1
local out = {0, now}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  local retry = 0
  if count >= limit then
    allowed = 0
    -- The request fits again once the entry at rank (count - limit) leaves the window.
    local entry = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    retry = tonumber(entry[2]) + window - now
  end
  out[#out + 1] = count
  out[#out + 1] = retry
end
if allowed == 1 then
  for i = 1, #KEYS do
    redis.call('ZADD', KEYS[i], now, ARGV[2])
    redis.call('PEXPIRE', KEYS[i], ARGV[2 + 2 * i])
  end
end
out[1] = allowed
return out
`;

interface SlidingWindowCommand {
  authbenchSlidingWindow(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<number[]>;
}

/** Throws RangeError naming the option when a rule is not positive integers. */
export function validateRateLimits(opts: RateLimitOptions): Required<RateLimitOptions> {
  const merged = { ...defaultRateLimits, ...opts };
  for (const scope of ['user', 'ip'] as const) {
    const rule = merged[scope];
    if (!Number.isInteger(rule.limit) || rule.limit < 1) {
      throw new RangeError(`rateLimits.${scope}.limit must be an integer >= 1, got ${String(rule.limit)}`);
    }
    if (!Number.isInteger(rule.windowMs) || rule.windowMs < 1) {
      throw new RangeError(`rateLimits.${scope}.windowMs must be an integer >= 1, got ${String(rule.windowMs)}`);
    }
  }
  return merged;
}

export function createRateLimiter(redis: Redis, keys: KeySpace, counter: UnavailableCounter, opts: RateLimitOptions = {}): RateLimiter {
  const config = validateRateLimits(opts);
  const rules = Object.freeze({ user: { ...config.user }, ip: { ...config.ip } });
  redis.defineCommand('authbenchSlidingWindow', { lua: slidingWindowScript });
  const scripted = redis as Redis & SlidingWindowCommand;
  // Members must be unique per request; a random per-instance tag plus a counter is shorter than a UUID.
  const instanceTag = randomBytes(6).toString('base64url');
  let sequence = 0;
  const unavailableVerdict = (u: Unavailable): RateLimitUnavailable => ({ ...u, allowed: config.failOpen });

  return {
    rules,

    async check(request, nowMs) {
      const subjects: { scope: RateLimitScope; subject: string }[] = [];
      if (request.userId !== undefined) subjects.push({ scope: 'user', subject: request.userId });
      if (request.ip !== undefined) subjects.push({ scope: 'ip', subject: request.ip });
      if (subjects.length === 0) throw new TypeError('rate limit check needs a userId or an ip');
      if (nowMs !== undefined && !Number.isInteger(nowMs)) throw new RangeError(`nowMs must be an integer, got ${nowMs}`);
      const args: (string | number)[] = subjects.map((s) => keys.rateLog(s.scope, s.subject));
      args.push(nowMs === undefined ? '' : nowMs, `${instanceTag}${(sequence++).toString(36)}`);
      for (const s of subjects) args.push(rules[s.scope].limit, rules[s.scope].windowMs);

      const reply = await guarded('rateLimit', counter, () => scripted.authbenchSlidingWindow(subjects.length, ...args));
      if (isUnavailable(reply)) return unavailableVerdict(reply);

      const allowed = reply[0] === 1;
      let remaining = Number.POSITIVE_INFINITY;
      let retryAfterMs = 0;
      const decisions = subjects.map((s, i): SubjectDecision => {
        const count = Number(reply[2 + 2 * i]);
        const retry = Number(reply[3 + 2 * i]);
        const limit = rules[s.scope].limit;
        remaining = Math.min(remaining, Math.max(0, limit - count - (allowed ? 1 : 0)));
        retryAfterMs = Math.max(retryAfterMs, retry);
        return { ...s, count, limit, retryAfterMs: retry };
      });
      return {
        status: allowed ? 'allowed' : 'refused',
        remaining: allowed ? remaining : 0,
        retryAfterMs,
        nowMs: Number(reply[1]),
        subjects: decisions,
      };
    },

    async reset(scope, subject) {
      const reply = await guarded('rateLimitReset', counter, () => redis.del(keys.rateLog(scope, subject)));
      return isUnavailable(reply) ? reply : { status: 'ok' };
    },
  };
}
