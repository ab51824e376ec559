// `session.validate`: denylist + session cache in Redis (one MGET), the database on a miss. The token is a seeded
// session chosen to be warm (cached before the run) with cacheHitRatio, or revoked with revokedShare — and a
// revoked token must be rejected. Misses are not written back, so the configured ratio holds for the whole run;
// the real hit/miss counts are reported as outcomes.
import { validateSession } from '../../authdb/queries.js';
import { isUnavailable } from '../../authdb/redis/index.js';
import type { SeededSession } from '../../dataset/layout.js';
import { CacheUnavailableError } from '../classify-error.js';
import { accessTokensFor, PresentedTokens, verifyAccessToken } from './access-token.js';
import { SeededDataset } from '../../dataset/seeded-dataset.js';
import { booleanOption, numberOption } from './options.js';
import { ratioDefault, USER_PARAM, type OperationCatalogEntry } from './spec.js';
import { failed, ok, requirePg, type OperationDefinition } from './types.js';
import { isWarmSession } from '../../dataset/warm-set.js';

/** How far past the drawn user the search for a fitting session may go before giving up. */
const SEARCH_LIMIT = 10_000;

type Want = 'warm' | 'cold' | 'revoked';

const catalog: OperationCatalogEntry = {
  description: "Validate a session token: the JWT's signature and expiry, then the Redis cache, the database on a miss; revoked and expired tokens must be rejected.",
  phases: ['verify', 'cache', 'db'],
  params: { user: USER_PARAM },
  options: {
    jwt: { type: 'boolean', description: 'Present the session as a signed JWT and verify its signature and expiry first (the verify phase).', default: true },
    expiredShare: { type: 'ratio', description: 'Share of validations presenting an expired JWT (with jwt), which must be refused before any lookup.', default: 0 },
    cacheHitRatio: { type: 'ratio', description: 'Share of validations whose session is in the cache.', default: 0.9 },
    revokedShare: { type: 'ratio', description: 'Share of validations of a revoked/denylisted token (must be rejected).', default: 0.01 },
  },
};
const hitRatioOf = (options: Readonly<Record<string, unknown>>): number => numberOption(options, 'cacheHitRatio', ratioDefault(catalog, 'cacheHitRatio'));

export const sessionValidateOperation: OperationDefinition = {
  name: 'session.validate',
  uses: { pg: true, redis: true },
  catalog,
  // The warm stage caches exactly the sessions isWarmSession picks, so `find` knows a hit without asking Redis.
  warms: { cache: 'sessions', ratio: hitRatioOf },
  async prepare(step, env) {
    const dataset = new SeededDataset(env.dataset);
    const hitRatio = hitRatioOf(step.options);
    const revokedShare = numberOption(step.options, 'revokedShare', ratioDefault(catalog, 'revokedShare'));
    const random = env.random.fork('session.validate');
    const layer = env.redisLayer();
    const seed = dataset.spec.seed;
    const tokens = booleanOption(step.options, 'jwt', true) ? accessTokensFor(env.dataset.seed) : null;
    const presented = tokens ? new PresentedTokens(tokens) : null;
    const expiredShare = tokens ? numberOption(step.options, 'expiredShare', 0) : 0;

    /** The first session of user i (or a following user) that fits: zipf hotness is kept, the kind is exact. */
    const find = (start: number, want: Want): { i: number; session: SeededSession } | undefined => {
      for (let k = 0; k < Math.min(SEARCH_LIMIT, dataset.users); k++) {
        const i = (start + k) % dataset.users;
        // State and warmth are tested by index; only the session that fits is built (a search may pass many users).
        const count = dataset.sessionCount(i);
        for (let s = 0; s < count; s++) {
          const state = dataset.sessionState(i, s);
          if (want === 'revoked' ? state === 'revoked' : state === 'active' && isWarmSession(seed, i, s, hitRatio) === (want === 'warm')) {
            return { i, session: dataset.session(i, s) };
          }
        }
      }
      return undefined;
    };

    return {
      async run(scope) {
        const pg = requirePg(scope);
        const want: Want = random.float() < revokedShare ? 'revoked' : random.float() < hitRatio ? 'warm' : 'cold';
        const found = find(dataset.indexOf(scope.param('user')), want) ?? find(0, want);
        if (!found) return failed('client', `the dataset has no ${want} session to validate`);
        const { i, session } = found;
        const userId = dataset.userId(i);
        if (tokens && presented) {
          const expired = expiredShare > 0 && random.float() < expiredShare;
          const session = { jti: found.session.jti, userId, issuedAtMs: found.session.issuedAtMs, expiresAtMs: found.session.expiresAtMs };
          const verdict = verifyAccessToken(scope, tokens, expired ? presented.expired(session, Date.now()) : presented.of(session));
          if (expired) return verdict.ok ? failed('wrong_answer', 'an expired access token was accepted') : ok('expired');
          if (!verdict.ok) return failed('wrong_answer', `a valid access token was refused (${verdict.reason})`);
          if (verdict.claims.jti !== found.session.jti) return failed('wrong_answer', 'the access token carried another jti');
        }
        const check = await scope.phase('cache', () => layer.checkToken(session.jti, userId, session.issuedAtMs));
        if (check.status === 'denied') {
          if (want !== 'revoked') return failed('wrong_answer', `an active session was denied by the cache (${check.reason})`);
          return ok('revoked');
        }
        if (check.status === 'cached') {
          if (want === 'revoked') return failed('wrong_answer', 'a revoked token was accepted from the cache');
          return ok('hit');
        }
        const db = await scope.phase('db', () => validateSession(pg, session.jti));
        if (want === 'revoked') {
          if (db.status === 'valid') return failed('wrong_answer', 'a revoked token was accepted by the database');
        } else if (db.status !== 'valid' || db.userId !== userId) {
          return failed('wrong_answer', `an active session was reported ${db.status} for user ${db.userId ?? '-'}`);
        }
        if (isUnavailable(check)) throw new CacheUnavailableError(`session cache unavailable: ${check.reason}`);
        return ok(want === 'revoked' ? 'revoked' : 'miss');
      },
    };
  },
};
