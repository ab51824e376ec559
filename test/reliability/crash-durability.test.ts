// Proven durability: the PostgreSQL postmaster is SIGKILLed in the middle of a login load (a crash, not a clean stop),
// started again (crash recovery replays the WAL), and every login the generator saw acknowledged must still have its
// session row and its audit event. With synchronous_commit off the same check reports what was lost, if anything.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning } from '../../src/target/process-alive.js';
import { checkAcknowledgedLogins, type DurabilityReport } from '../../src/run/durability-check.js';
import { startTestRedis, type TestRedis } from '../support/servers.js';
import { operation, runWithFault, startDedicatedCluster, type DedicatedCluster } from './run-under-fault.js';

const loginScenario = (name: string): string => `
name: ${name}
dataset: { users: 300, sessionsPerUser: 0 }
load: { model: open, rate: 120/s, duration: 4s, warmup: 0s, connections: 4, workers: 1 }
mix:
  - op: auth.login
    options: { wrongPasswordShare: 0%, verify: none, recordAcknowledged: true }
`;

/** SIGKILL the postmaster, wait for its backends to notice and exit, start it again (crash recovery). */
async function crashAndRestart(cluster: DedicatedCluster): Promise<void> {
  const pid = cluster.server!.pid;
  process.kill(pid, 'SIGKILL');
  while (isRunning(pid)) await new Promise((r) => setTimeout(r, 20));
  // Orphaned backends still hold the shared memory until they see the postmaster gone: retry the start briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await cluster.start();
      return;
    } catch (err) {
      if (attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function crashRun(cluster: DedicatedCluster, redis: TestRedis, name: string, synchronousCommit: boolean): Promise<{ report: DurabilityReport; granted: number }> {
  let report: DurabilityReport | undefined;
  // An external target: authbench does not set the server's durability, so the database does.
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE postgres SET synchronous_commit = ${synchronousCommit ? 'on' : 'off'}`);
  await admin.end();
  const { outcome } = await runWithFault(
    loginScenario(name),
    { pgUrl: cluster.url, redisUrl: redis.url },
    () => crashAndRestart(cluster),
    1500,
    async (ran) => {
      // Read while the report directory still exists: runWithFault removes it after this callback.
      expect(ran.acknowledgedLogins).toBeDefined();
      report = await checkAcknowledgedLogins(cluster.url, ran.acknowledgedLogins!.file);
      expect(report.acknowledged).toBe(ran.acknowledgedLogins!.count);
    },
  );
  expect(outcome.results.target.settings.synchronous_commit).toBe(synchronousCommit ? 'on' : 'off');
  const login = operation(outcome.results, 'auth.login');
  expect(login.errors.connection ?? 0).toBeGreaterThan(0); // the crash really happened under load
  return { report: report!, granted: login.outcomes?.granted ?? 0 };
}

describe('a crash of the PostgreSQL postmaster mid-run (dedicated cluster)', () => {
  let cluster: DedicatedCluster;
  let redis: TestRedis;
  beforeAll(async () => {
    [cluster, redis] = await Promise.all([startDedicatedCluster('pg-crash', { shared_preload_libraries: 'pg_stat_statements' }), startTestRedis()]);
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
    await cluster?.remove();
  });

  it('with synchronous commit on, finds the session and audit event of every acknowledged login', async () => {
    const { report, granted } = await crashRun(cluster, redis, 'crash-sync', true);
    console.log(`synchronous_commit on: ${report.acknowledged} logins acknowledged, ${report.sessionsFound} sessions and ${report.eventsFound} audit events found after recovery`);
    expect(report.acknowledged).toBe(granted); // every granted login, before and after the crash, was recorded
    expect(report.acknowledged).toBeGreaterThan(50);
    expect(report.missingSample).toEqual([]);
    expect(report.sessionsFound).toBe(report.acknowledged);
    expect(report.eventsFound).toBe(report.acknowledged);
  }, 90_000);

  it('with synchronous commit off, reports acknowledged against found (a process crash: the WAL the server wrote survives)', async () => {
    const { report, granted } = await crashRun(cluster, redis, 'crash-async', false);
    const lost = report.acknowledged - report.sessionsFound;
    console.log(`synchronous_commit off: ${report.acknowledged} acknowledged, ${report.sessionsFound} sessions and ${report.eventsFound} events found (${lost} lost)`);
    expect(report.acknowledged).toBe(granted);
    expect(report.sessionsFound).toBeLessThanOrEqual(report.acknowledged);
    // A session and its audit event commit in one transaction: they are lost together or not at all.
    expect(report.eventsFound).toBe(report.sessionsFound);
  }, 90_000);
});
