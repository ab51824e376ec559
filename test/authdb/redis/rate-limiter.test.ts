// Sliding-window limiter against a real redis-server: exact at the window edges, exact under concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisLayer, type RateLimitDecision, type RateLimitResult } from '../../../src/authdb/redis/index.js';
import { startTestRedis, type TestRedis } from '../../support/servers.js';
import { countCommands } from './count-commands.js';

function decided(result: RateLimitResult): RateLimitDecision {
  if (result.status === 'unavailable') throw new Error(`redis unavailable: ${result.reason}`);
  return result;
}

describe('sliding-window rate limiter', () => {
  let server: TestRedis;
  const clients: Redis[] = [];
  let run = 0;
  const prefix = () => `rl${run++}:`;

  beforeAll(async () => {
    server = await startTestRedis();
    for (let i = 0; i < 4; i++) clients.push(await connectRedis(server.url));
  });
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  it('allows exactly N in a window, refuses the next, and allows again exactly when the window slides', async () => {
    const limiter = createRedisLayer(clients[0]!, { prefix: prefix(), rateLimits: { user: { limit: 3, windowMs: 1_000 } } }).rateLimiter;
    const at = (t: number) => limiter.check({ userId: 'alice' }, t).then(decided);
    expect(await at(1_000)).toMatchObject({ status: 'allowed', remaining: 2, retryAfterMs: 0 });
    expect(await at(1_000)).toMatchObject({ status: 'allowed', remaining: 1 });
    expect(await at(1_500)).toMatchObject({ status: 'allowed', remaining: 0 });
    expect(await at(1_999)).toMatchObject({ status: 'refused', remaining: 0, retryAfterMs: 1 });
    // Both requests at 1000 leave the window at 2000: two slots free.
    expect(await at(2_000)).toMatchObject({ status: 'allowed', remaining: 1 });
    expect(await at(2_000)).toMatchObject({ status: 'allowed', remaining: 0 });
    expect(await at(2_000)).toMatchObject({ status: 'refused', retryAfterMs: 500 });
    expect(await at(2_500)).toMatchObject({ status: 'allowed' });
  });

  it('matches a reference model on random arrival times (any window of W ms holds at most N)', async () => {
    const client = clients[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 40 }),
        async (limit, windowMs, gaps) => {
          const layer = createRedisLayer(client, { prefix: prefix(), rateLimits: { user: { limit, windowMs } } });
          const limiter = layer.rateLimiter;
          const accepted: number[] = [];
          let t = 10_000;
          for (const gap of gaps) {
            t += gap;
            const inWindow = accepted.filter((a) => a > t - windowMs).length;
            const expected = inWindow < limit;
            const got = decided(await limiter.check({ userId: 'u' }, t));
            expect(got.status).toBe(expected ? 'allowed' : 'refused');
            if (expected) accepted.push(t);
            else expect(t + got.retryAfterMs - windowMs).toBe(accepted[accepted.length - limit]);
          }
          layer.dispose();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('checks user and IP together in one round trip and records the request only when both allow', async () => {
    const p = prefix();
    const limiter = createRedisLayer(clients[0]!, {
      prefix: p,
      rateLimits: { user: { limit: 2, windowMs: 60_000 }, ip: { limit: 3, windowMs: 60_000 } },
    }).rateLimiter;
    const sent = countCommands(clients[0]!);
    const first = decided(await limiter.check({ userId: 'bob', ip: '10.0.0.1' }));
    expect(sent()).toBe(1);
    expect(first).toMatchObject({ status: 'allowed', remaining: 1 });
    expect(first.subjects.map((s) => [s.scope, s.count, s.limit])).toEqual([['user', 0, 2], ['ip', 0, 3]]);
    decided(await limiter.check({ userId: 'bob', ip: '10.0.0.1' }));
    const third = decided(await limiter.check({ userId: 'bob', ip: '10.0.0.1' }));
    expect(third.status).toBe('refused');
    expect(third.retryAfterMs).toBeGreaterThan(59_000);
    // The refused request did not use up the IP's third slot.
    expect(decided(await limiter.check({ userId: 'carol', ip: '10.0.0.1' })).status).toBe('allowed');
    expect(decided(await limiter.check({ ip: '10.0.0.1' })).status).toBe('refused');
    expect(await clients[0]!.zcard(`${p}rl:ip:10.0.0.1`)).toBe(3);
    expect(await clients[0]!.pttl(`${p}rl:ip:10.0.0.1`)).toBeGreaterThan(59_000);
  });

  it('never exceeds N under many parallel callers on several connections (Redis clock)', async () => {
    const p = prefix();
    const limit = 50;
    const limiters = clients.map((c) => createRedisLayer(c, { prefix: p, rateLimits: { user: { limit, windowMs: 60_000 } } }).rateLimiter);
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => limiters[i % limiters.length]!.check({ userId: 'hot' }).then(decided)),
    );
    expect(results.filter((r) => r.status === 'allowed')).toHaveLength(limit);
    expect(await clients[0]!.zcard(`${p}rl:user:hot`)).toBe(limit);
  });

  it('rejects invalid rules with the option name', () => {
    expect(() => createRedisLayer(clients[0]!, { rateLimits: { ip: { limit: 0, windowMs: 10 } } })).toThrow(
      'rateLimits.ip.limit must be an integer >= 1, got 0',
    );
    expect(() => createRedisLayer(clients[0]!, { rateLimits: { user: { limit: 1, windowMs: 1.5 } } })).toThrow(
      'rateLimits.user.windowMs must be an integer >= 1, got 1.5',
    );
  });
});

