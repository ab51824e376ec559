// PostgreSQL failing under load. A restart on a dedicated cluster (the shared test cluster is never restarted):
// the run goes on, the failures are `connection` errors, the slots reconnect with backoff, and the time to recover is
// reported. Terminated backends (pg_terminate_backend on the load's connections): the affected iterations fail as
// `connection` errors, the slots reconnect, nothing hangs.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopServer } from '../../src/target/embedded-postgres.js';
import { createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from '../support/servers.js';
import { operation, runWithFault, selectOneScenario, startDedicatedCluster, tail, type DedicatedCluster } from './run-under-fault.js';

const selectOne = (name: string, rate: number, seconds: number): string => selectOneScenario(name, rate, seconds);

let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe('PostgreSQL restarted mid-run (dedicated cluster)', () => {
  let cluster: DedicatedCluster;

  beforeAll(async () => {
    cluster = await startDedicatedCluster('pg-restart');
  }, 60_000);

  afterAll(async () => {
    await cluster?.remove();
  });

  it('keeps measuring through the restart: connection errors only, reconnects, reports the time to recover', async () => {
    let downAt = 0;
    let upAt = 0;
    const { outcome, wallMs } = await runWithFault(selectOne('pg-restart', 200, 6), { pgUrl: cluster.url, redisUrl: redis.url }, async () => {
      downAt = Date.now();
      await stopServer(cluster.server!.pid); // fast shutdown: every backend gets 57P01
      await new Promise((r) => setTimeout(r, 700));
      await cluster.start();
      upAt = Date.now();
    });
    const { results } = outcome;
    expect(outcome.error).toBeUndefined();
    expect(results.status).toBe('completed');
    const sql = operation(results, 'sql');
    expect(Object.keys(sql.errors)).toEqual(['connection']);
    expect(sql.errors.connection).toBeGreaterThan(0);
    expect(results.recovery?.faults).toHaveLength(1);
    const fault = results.recovery!.faults[0]!;
    const serverDownMs = upAt - downAt;
    // Recovered no earlier than the server came back, and within a backoff step (≤ 1 s) plus scheduling after it.
    expect(fault.downtimeMs).not.toBeNull();
    expect(fault.downtimeMs!).toBeGreaterThanOrEqual(serverDownMs - 100);
    expect(fault.downtimeMs!).toBeLessThan(serverDownMs + 1500);
    expect(fault.workers).toBe(2);
    expect(fault.connectionErrors).toBe(sql.errors.connection);
    // After the restart the load runs clean again, and the run still read the server's evidence.
    const after = tail(results.intervals, 'sql', 2);
    expect(after.count).toBeGreaterThan(200);
    expect(after.errors).toBe(0);
    expect(results.server).not.toBeNull();
    expect(wallMs).toBeLessThan(15_000);
    console.log(`PG restart: server down ${serverDownMs} ms, run recovered after ${fault.downtimeMs} ms, ${fault.connectionErrors} connection errors of ${sql.count} iterations`);
  }, 60_000);
});

describe('backends terminated mid-run (shared cluster, own database)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('terminate');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('fails only the affected iterations as connection errors; every slot reconnects; nothing hangs', async () => {
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    let terminated = 0;
    try {
      const { outcome, wallMs } = await runWithFault(selectOne('terminate', 300, 5), { pgUrl: db.url, redisUrl: redis.url }, async () => {
        for (let round = 0; round < 2; round++) {
          const { rows } = await admin.query<{ ok: boolean }>(
            `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
              WHERE datname = current_database() AND application_name ~ '^authbench-w[0-9]+$'`,
          );
          terminated += rows.filter((r) => r.ok).length;
          await new Promise((r) => setTimeout(r, 1000));
        }
      });
      const { results } = outcome;
      expect(results.status).toBe('completed');
      expect(terminated).toBe(12); // 6 connections, twice
      const sql = operation(results, 'sql');
      expect(Object.keys(sql.errors).filter((k) => k !== 'connection')).toEqual([]);
      // Only iterations whose connection died under them fail: at most one per terminated connection.
      expect(sql.errors.connection ?? 0).toBeLessThanOrEqual(terminated);
      const faults = results.recovery?.faults ?? [];
      expect(faults.length).toBeGreaterThanOrEqual(1);
      expect(faults.length).toBeLessThanOrEqual(2);
      for (const f of faults) expect(f.downtimeMs).toBeLessThan(500);
      expect(faults.reduce((s, f) => s + f.connectionErrors, 0)).toBe(sql.errors.connection ?? 0);
      // The last second, after both rounds (at ≈ 2 s and ≈ 3 s of 5 s), runs clean.
      expect(tail(results.intervals, 'sql', 1).errors).toBe(0);
      // Every slot is connected again at the end: the load's connections are all back on the server.
      expect(results.server?.connectionsPeak).toBeGreaterThan(0);
      expect(wallMs).toBeLessThan(12_000);
      console.log(`terminate: ${terminated} backends killed, ${sql.errors.connection ?? 0} iterations failed of ${sql.count}; faults ${JSON.stringify(faults)}`);
    } finally {
      await admin.end();
    }
  }, 60_000);
});
