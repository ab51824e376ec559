// The samplers of one run share the monitoring connection against the real test cluster: while a slow query holds it,
// no second query is ever sent beside it (pg would print its DeprecationWarning on the user's stderr), the wait sampler
// skips its ticks and counts them, and the samples resume once the connection is free.
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConnectionSampler } from '../../src/server-evidence/connection-sampler.js';
import { MonitorConnection } from '../../src/server-evidence/monitor-connection.js';
import { SeriesRecorder } from '../../src/series/series-recorder.js';
import { adminUrl } from '../support/servers.js';

/** pg's own bookkeeping of the query it is running and those queued behind it (pg 8 internals, read only). */
interface PgInternals {
  _activeQuery: unknown;
  _queryQueue: unknown[];
}

let client: pg.Client;
let warnings: string[];
/** Queries handed to the client while it was still running (or holding) another. */
let overlapping: number;
const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);

beforeEach(async () => {
  client = new pg.Client({ connectionString: adminUrl(), application_name: 'authbench-monitor' });
  await client.connect();
  warnings = [];
  overlapping = 0;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const internals = client as unknown as PgInternals;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (internals._activeQuery || internals._queryQueue.length > 0) overlapping += 1;
    return query(...args);
  };
  process.on('warning', onWarning);
});

afterEach(async () => {
  process.off('warning', onWarning);
  await client.end();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('runs queued jobs one after the other, and a failed job does not hold up the next', async () => {
  const monitor = new MonitorConnection(client);
  const order: string[] = [];
  const jobs = [
    monitor.run(async (c) => (await c.query('SELECT pg_sleep(0.05)'), order.push('a'))),
    monitor.run((c) => c.query('SELECT nonsense_column')),
    monitor.run(async (c) => order.push(`c${(await c.query<{ n: number }>('SELECT 1 AS n')).rows[0]?.n}`)),
  ];
  expect(monitor.pending).toBe(3);
  const settled = await Promise.allSettled(jobs);
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect(order).toEqual(['a', 'c1']);
  expect(monitor.pending).toBe(0);
  expect(overlapping).toBe(0);
});

it('the connection sampler, the series and the wait sampler never overlap on one connection, even while it is held', async () => {
  const monitor = new MonitorConnection(client);
  const grid = { warmupMs: 0, intervalMs: 1000 };
  const series = await SeriesRecorder.open({ monitor, redis: null, grid, postgresIsLocal: true });
  const sampler = new ConnectionSampler(monitor);
  const startAtMs = Date.now();
  sampler.start(startAtMs);
  series.start(startAtMs);
  await sleep(300);
  // A server slow to answer the monitor (here: one long statement on it) across a 1 s boundary.
  await monitor.run((c) => c.query('SELECT pg_sleep(1.3)'));
  await sleep(400);
  await sampler.stop();
  const recorded = await series.stop();
  expect(overlapping).toBe(0);
  expect(warnings.filter((w) => w.startsWith('DeprecationWarning'))).toEqual([]);
  const waits = recorded.points.flatMap((p) => (p.waits ? [p.waits] : []));
  // Every 50 ms tick while the connection was held found its previous sample still out: skipped, and counted.
  const skipped = waits.reduce((n, w) => n + (w.skipped ?? 0), 0);
  expect(skipped).toBeGreaterThan(0);
  // Sampling went on before and after the hold.
  expect(waits.reduce((n, w) => n + w.samples, 0)).toBeGreaterThan(0);
  expect(recorded.unavailable).not.toHaveProperty('waits');
  expect(sampler.error).toBeUndefined();
});

it('the wait samples see the load\'s backends (a shard\'s too) by the pids the series reads each second, and no others', async () => {
  const named = async (name: string) => {
    const c = new pg.Client({ connectionString: adminUrl(), application_name: name });
    await c.connect();
    return c;
  };
  const [worker, shardWorker, setup] = await Promise.all([named('authbench-w0'), named('authbench-s1-w0'), named('authbench-w0-setup')]);
  try {
    const monitor = new MonitorConnection(client);
    const series = await SeriesRecorder.open({ monitor, redis: null, grid: { warmupMs: 0, intervalMs: 1000 }, postgresIsLocal: true });
    const sleeping = Promise.all([
      worker.query('SELECT pg_sleep(2)'),
      shardWorker.query('BEGIN').then(() => shardWorker.query('SELECT pg_sleep(2)')).then(() => shardWorker.query('COMMIT')),
      setup.query('SELECT pg_sleep(2)'),
    ]);
    // The series starts once the sleeps are under way, so its first second lies inside them.
    await sleep(300);
    series.start(Date.now());
    await sleeping;
    const recorded = await series.stop();
    const first = recorded.points[0]?.waits;
    // Both load backends sleep the whole first second; the setup connection is not the load's.
    expect(first?.samples).toBeGreaterThan(0);
    expect(first?.byEvent['Timeout:PgSleep']).toBe(2);
    expect(Object.keys(first?.byEvent ?? {})).toEqual(['Timeout:PgSleep']);
    expect(overlapping).toBe(0);
  } finally {
    await Promise.all([worker.end(), shardWorker.end(), setup.end()]);
  }
});
