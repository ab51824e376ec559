// `auth.login`: rate-limit check (Redis) → begin login (DB) → password verify → finish login (DB) → session cached
// (Redis). The generator knows which password it sent, so every answer is checked: a wrong password accepted,
// or a right one refused on an unlocked active account, is a wrong_answer.
import { beginLogin, finishLogin } from '../../authdb/queries.js';
import { createRefreshSecret } from '../../authdb/refresh-token.js';
import { isUnavailable } from '../../authdb/redis/index.js';
import { verifyPassword } from '../../authdb/password.js';
import { CacheUnavailableError } from '../classify-error.js';
import { compileGenerator } from '../generators.js';
import { SeededDataset } from '../../dataset/seeded-dataset.js';
import { AcknowledgedLoginSink } from '../acknowledged-logins.js';
import { accessTokensFor, signAccessToken } from './access-token.js';
import { booleanOption, enumOption, generatorOption, numberOption } from './options.js';
import { Semaphore } from './semaphore.js';
import type { OperationCatalogEntry } from './spec.js';
import { failed, ok, partitionOf, requirePg, type OperationDefinition } from './types.js';

/** IP pool index → a fixed private address (198.18.0.0/15 is reserved for benchmarking, RFC 2544). */
function ipOf(index: number): string {
  const n = (Math.trunc(index) - 1 + IP_POOL_SIZE) % IP_POOL_SIZE;
  return `198.18.${(n >> 8) & 0xff}.${n & 0xff}`;
}

const USER_AGENT = 'authbench/1.0';

/** Client IPs of auth.login come from a pool this large (index 1..IP_POOL_SIZE → a fixed address). */
export const IP_POOL_SIZE = 10_000;

const catalog: OperationCatalogEntry = {
  description: 'Password login: rate limit check, begin login, password verify, finish login (session row), access token signed (ES256 JWT), session cached in Redis.',
  phases: ['ratelimit', 'db', 'verify', 'sign', 'cache'],
  /**
   * Logins are spread uniformly: each user logs in a few times a day. A zipf-hot account with wrong-password
   * traffic would be locked out and rate-limited within a second, measuring the lockout path instead of logins.
   */
  params: { user: { description: 'Which user logs in (rank 1..dataset.users).', domain: 'user', default: 'uniform' } },
  options: {
    wrongPasswordShare: { type: 'ratio', description: 'Share of attempts sent with a wrong password (must be refused).', default: 0.05 },
    verify: {
      type: 'enum',
      description: 'none: the generator knows whether it sent the right password and skips hashing; argon2id: really verifies the stored PHC string.',
      values: ['none', 'argon2id'],
      default: 'none',
    },
    maxConcurrentHashes: { type: 'integer', description: 'Argon2id verifications running at once per worker (verify: argon2id).', min: 1, max: 1024, default: 'cores' },
    rateLimit: { type: 'boolean', description: 'Check and count the attempt in the Redis rate limiter.', default: true },
    cacheSession: { type: 'boolean', description: 'Cache the new session in Redis.', default: true },
    jwt: { type: 'boolean', description: "Sign the session's access token (ES256 JWT with its jti and expiry), timed as the sign phase.", default: true },
    recordAcknowledged: { type: 'boolean', description: 'Keep the jti of every login the database acknowledged (in acknowledged-logins.txt of the report directory), so a durability check can look for each after a crash.', default: false },
    ip: { type: 'generator', description: `Client IP, an index into a pool of ${IP_POOL_SIZE} addresses.`, domain: 'ip', default: `uniform(1, ${IP_POOL_SIZE})` },
  },
};

export const authLoginOperation: OperationDefinition = {
  name: 'auth.login',
  uses: { pg: true, redis: true },
  catalog,
  async prepare(step, env) {
    const dataset = new SeededDataset(env.dataset);
    const wrongShare = numberOption(step.options, 'wrongPasswordShare', 0.05);
    const verify = enumOption(step.options, 'verify', ['none', 'argon2id'] as const, 'none');
    const hashes = new Semaphore(numberOption(step.options, 'maxConcurrentHashes', 2));
    const rateLimit = booleanOption(step.options, 'rateLimit', true);
    const cacheSession = booleanOption(step.options, 'cacheSession', true);
    const random = env.random.fork('auth.login');
    const ipSampler = compileGenerator(generatorOption(step.options, 'ip', { kind: 'uniform', min: 1, max: IP_POOL_SIZE }), random.fork('ip'), partitionOf(env));
    const layer = env.redisLayer();
    const tokens = booleanOption(step.options, 'jwt', true) ? accessTokensFor(env.dataset.seed) : null;
    const acknowledged = booleanOption(step.options, 'recordAcknowledged', false) ? new AcknowledgedLoginSink() : null;
    let attempt = 0;

    return {
      async run(scope) {
        const pg = requirePg(scope);
        const i = dataset.indexOf(scope.param('user'));
        const wrong = random.float() < wrongShare;
        const username = dataset.username(i);
        const ip = ipOf(Number(ipSampler()));
        let cacheTrouble: string | undefined;

        if (rateLimit) {
          const decision = await scope.phase('ratelimit', () => layer.rateLimiter.check({ userId: username, ip }));
          if (isUnavailable(decision)) cacheTrouble = `rate limiter unavailable: ${decision.reason}`;
          else if (decision.status === 'refused') return ok('rate_limited');
        }

        const record = await scope.phase('db', () => beginLogin(pg, username));
        if (!record) return failed('wrong_answer', `seeded user ${username} was not found by begin_login`);

        const password = wrong ? dataset.wrongPassword(i, attempt++) : dataset.password(i);
        let passwordOk = !wrong;
        if (verify === 'argon2id') {
          passwordOk = await scope.phase('verify', () => hashes.use(() => verifyPassword(record.passwordHash, password)));
          if (passwordOk === wrong) return failed('wrong_answer', `${wrong ? 'a wrong' : 'the right'} password ${wrong ? 'verified' : 'did not verify'} for ${username}`);
        }

        const refresh = createRefreshSecret();
        const result = await scope.phase('db', () =>
          finishLogin(pg, { userId: record.userId, passwordOk, ip, userAgent: USER_AGENT, refreshTokenHash: refresh.hash }),
        );
        const expectedStatus = dataset.status(i);
        switch (result.outcome) {
          case 'success': {
            if (wrong) return failed('wrong_answer', `login with a wrong password succeeded for ${username}`);
            if (expectedStatus !== 'active') return failed('wrong_answer', `a ${expectedStatus} account logged in (${username})`);
            const expiresAtMs = result.expiresAt?.getTime() ?? Date.now() + 3_600_000;
            if (tokens && result.jti) signAccessToken(scope, tokens, { jti: result.jti, userId: record.userId, issuedAtMs: Date.now(), expiresAtMs });
            if (result.jti) acknowledged?.add(result.jti);
            if (result.jti) env.sessions.add({ jti: result.jti, userId: record.userId, expiresAtMs, refreshSecret: refresh.secret });
            if (cacheSession && result.jti) {
              const written = await scope.phase('cache', () => layer.setSession({ jti: result.jti!, userId: record.userId, expiresAtMs }));
              if (isUnavailable(written)) cacheTrouble ??= `session cache unavailable: ${written.reason}`;
            }
            break;
          }
          case 'failure':
            if (!wrong && expectedStatus === 'active') return failed('wrong_answer', `the right password was refused for ${username}`);
            if (cacheTrouble) throw new CacheUnavailableError(cacheTrouble);
            return ok('denied');
          case 'locked':
            if (cacheTrouble) throw new CacheUnavailableError(cacheTrouble);
            return ok('locked');
          case 'disabled':
            if (expectedStatus === 'active') return failed('wrong_answer', `an active account was reported disabled (${username})`);
            if (cacheTrouble) throw new CacheUnavailableError(cacheTrouble);
            return ok('disabled');
          case 'unknown_user':
            return failed('wrong_answer', `finish_login did not know seeded user ${username}`);
        }
        // The database answered through a dead cache: the login worked, the cache layer did not.
        if (cacheTrouble) throw new CacheUnavailableError(cacheTrouble);
        return ok('granted');
      },
    };
  },
};
