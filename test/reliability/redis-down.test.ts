// Redis stopped mid-run: the cache paths fall back to the database as a real service would (docs/redis.md), every
// answer is still checked (no wrong_answer), the iterations answered through a dead cache are counted as `cache`
// errors (never `connection`: PostgreSQL was fine), and when Redis comes back the workers notice: it serves hits again.
import { Redis } from 'ioredis';
import os from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisServer, stopRedisServer } from '../../src/target/redis-server.js';
import { createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from '../support/servers.js';
import { operation, runWithFault, tail } from './run-under-fault.js';

let db: TestDatabase;
let redis: TestRedis;
let restartedPid: number | undefined;

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase('redisdown'), startTestRedis()]);
});

afterAll(async () => {
  if (restartedPid) await stopRedisServer(restartedPid);
  await redis?.stop();
  await db?.drop();
});

const scenario = `
name: redis-down
description: cache-backed checks while Redis goes away and comes back
seed: 4
dataset:
  users: 500
  seed: 11
load:
  model: open
  rate: 150/s
  duration: 6s
  warmup: 0s
  connections: 6
  workers: 2
mix:
  - op: session.validate
    weight: 2
  - op: rbac.check
    weight: 2
  - op: auth.login
    weight: 1
    params:
      user: uniform(1, 500)
    options:
      wrongPasswordShare: 0%
`;

it('falls back to the database, counts cache errors only, and uses Redis again once it is back', async () => {
  let downMs = 0;
  const { outcome } = await runWithFault(scenario, { pgUrl: db.url, redisUrl: redis.url }, async () => {
    const stoppedAt = Date.now();
    await stopRedisServer(redis.pid);
    await new Promise((r) => setTimeout(r, 1000));
    // A restarted cache is empty (no persistence), like a real Redis failover without replicas.
    restartedPid = (await startRedisServer({ port: redis.port, dir: os.tmpdir() })).pid;
    downMs = Date.now() - stoppedAt;
  }, 1500);
  const { results } = outcome;
  expect(outcome.error).toBeUndefined();
  expect(results.status).toBe('completed');
  for (const key of ['session.validate', 'rbac.check', 'auth.login']) {
    const op = operation(results, key);
    // Only the cache failed: the database answered every request, and correctly.
    expect(Object.keys(op.errors), key).toEqual(['cache']);
    expect(op.errors.cache, key).toBeGreaterThan(0);
    expect(op.errors.cache!, key).toBeLessThan(op.count / 2);
    // The last second after Redis came back: no cache errors any more.
    expect(tail(results.intervals, key, 1).errors, key).toBe(0);
  }
  // PostgreSQL was never in trouble: no connection fault is reported.
  expect(results.recovery).toBeUndefined();
  // The workers reconnected: the new, empty server was filled (read-through permissions, login sessions) and hit.
  const fresh = new Redis(redis.url);
  try {
    const info = await fresh.info('stats');
    const hits = Number(/keyspace_hits:(\d+)/.exec(info)?.[1]);
    expect(hits).toBeGreaterThan(0);
    expect(await fresh.dbsize()).toBeGreaterThan(0);
  } finally {
    fresh.disconnect();
  }
  const cacheErrors = ['session.validate', 'rbac.check', 'auth.login'].reduce((s, k) => s + (operation(results, k).errors.cache ?? 0), 0);
  console.log(`Redis down ${downMs} ms: ${cacheErrors} iterations answered by the database without the cache`);
}, 60_000);
