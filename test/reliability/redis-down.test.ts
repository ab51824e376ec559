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
  // The phases that talk to Redis failed as `cache` during the outage (they do not record fast successes); the database
  // phases did not fail at all.
  for (const key of ['auth.login/ratelimit', 'auth.login/cache', 'session.validate/cache']) {
    expect(Object.keys(operation(results, key).errors), key).toEqual(['cache']);
  }
  expect(operation(results, 'auth.login/db').errors).toEqual({});
  // PostgreSQL was never in trouble: no connection fault. The Redis outage is recorded, as long as Redis was gone.
  const cacheErrors = ['session.validate', 'rbac.check', 'auth.login'].reduce((s, k) => s + (operation(results, k).errors.cache ?? 0), 0);
  expect(results.recovery?.faults).toEqual([]);
  const outages = results.recovery?.redisFaults ?? [];
  expect(outages.length).toBeGreaterThanOrEqual(1);
  const outage = outages[0]!;
  expect(outage.workers).toBe(2);
  expect(outage.downtimeMs).not.toBeNull();
  expect(outage.downtimeMs!).toBeGreaterThanOrEqual(downMs - 300);
  expect(outage.downtimeMs!).toBeLessThan(downMs + 1500);
  // Every iteration counted as a cache error had at least one check answered `unavailable`.
  expect(outages.reduce((s, o) => s + o.unavailableChecks, 0)).toBeGreaterThanOrEqual(cacheErrors);
  // The workers reconnected: the new, empty server was filled (read-through permissions, login sessions) and hit.
  const fresh = new Redis(redis.url);
  try {
    const info = await fresh.info();
    const hits = Number(/keyspace_hits:(\d+)/.exec(info)?.[1]);
    expect(hits).toBeGreaterThan(0);
    expect(await fresh.dbsize()).toBeGreaterThan(0);
    // The Redis evidence adds up both servers: what the first counted before it went away, and all of the new one's.
    const freshCommands = Number(/total_commands_processed:(\d+)/.exec(info)?.[1]);
    expect(results.server?.redis?.gaps).toEqual({ serverChanges: 1, lostAtEnd: false });
    expect(results.server!.redis!.commandsProcessed).toBeGreaterThan(freshCommands);
    expect(results.server!.redis!.keyspaceHits).toBeGreaterThan(0);
  } finally {
    fresh.disconnect();
  }
  console.log(`Redis down ${downMs} ms: ${cacheErrors} iterations answered by the database without the cache; outages ${JSON.stringify(outages)}; evidence ${JSON.stringify(results.server?.redis)}`);
}, 60_000);

it('a Redis killed for good: the evidence gathered before is kept, and the outage is reported as not recovered', async () => {
  const doomed = await startTestRedis();
  try {
    const { outcome } = await runWithFault(scenario.replace('duration: 6s', 'duration: 4s'), { pgUrl: db.url, redisUrl: doomed.url }, async () => {
      process.kill(doomed.pid, 'SIGKILL');
    }, 1500);
    const { results } = outcome;
    expect(outcome.error).toBeUndefined();
    expect(results.status).toBe('completed');
    // Used to be null: the closing INFO could not be read, and what the server had counted was dropped.
    expect(results.server?.redis).not.toBeNull();
    expect(results.server!.redis!.gaps).toEqual({ serverChanges: 0, lostAtEnd: true });
    expect(results.server!.redis!.commandsProcessed).toBeGreaterThan(0);
    expect(results.server!.redis!.keyspaceHits).toBeGreaterThan(0);
    expect(results.recovery?.faults).toEqual([]);
    const outages = results.recovery?.redisFaults ?? [];
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ recoveredMs: null, downtimeMs: null, workers: 2 });
    expect(outages[0]!.unavailableChecks).toBeGreaterThan(0);
    console.log(`Redis killed: outage ${JSON.stringify(outages[0])}; evidence ${JSON.stringify(results.server?.redis)}`);
  } finally {
    await doomed.stop();
  }
}, 60_000);
