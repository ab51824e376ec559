// PostgreSQL frozen mid-run (SIGSTOP of the postmaster's whole process group, then SIGCONT), on a dedicated cluster:
// queries stop being answered, the client's query timeout turns them into `timeout` errors, and the outage is
// reported in `recovery` from the first timeout to the first answer after it.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../support/servers.js';
import { operation, runWithFault, selectOneScenario, startDedicatedCluster, type DedicatedCluster } from './run-under-fault.js';

/** The workers' client-side query timeout (QUERY_TIMEOUT_MS in src/load/worker.ts): the freeze outlasts it. */
const QUERY_TIMEOUT_MS = 10_000;
const FREEZE_MS = QUERY_TIMEOUT_MS + 1500;
const scenario = selectOneScenario('pg-freeze', 100, 19, 'SELECT 1 while every PostgreSQL process is stopped');

/** The postmaster and its children: each backend is its own process group (setsid), so a group signal misses them. */
async function serverProcesses(postmaster: number): Promise<number[]> {
  const pids = [postmaster];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === postmaster) pids.push(Number(entry));
  }
  return pids;
}

function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

let redis: TestRedis;
let cluster: DedicatedCluster | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  cluster = await startDedicatedCluster('pg-freeze');
}, 60_000);

afterAll(async () => {
  if (cluster?.server) signalAll(await serverProcesses(cluster.server.pid), 'SIGCONT');
  await cluster?.remove();
  await redis?.stop();
});

it('reports a frozen server as one fault, from the first unanswered query to the first answer after the thaw', async () => {
  let frozenMs = 0;
  const { outcome, wallMs } = await runWithFault(scenario, { pgUrl: cluster!.url, redisUrl: redis.url }, async () => {
    const pids = await serverProcesses(cluster!.server!.pid);
    const frozenAt = Date.now();
    signalAll(pids, 'SIGSTOP');
    await new Promise((r) => setTimeout(r, FREEZE_MS));
    signalAll(pids, 'SIGCONT');
    frozenMs = Date.now() - frozenAt;
  });
  const { results } = outcome;
  expect(outcome.error).toBeUndefined();
  expect(results.status).toBe('completed');
  const sql = operation(results, 'sql');
  // Every connection had a query in flight that the frozen server never answered: each timed out.
  expect(sql.errors.timeout).toBeGreaterThanOrEqual(1);
  expect(Object.keys(sql.errors).filter((k) => k !== 'timeout' && k !== 'connection')).toEqual([]);
  expect(results.recovery?.faults).toHaveLength(1);
  const fault = results.recovery!.faults[0]!;
  // The outage lasts as long as the freeze: it began when the first unanswered query was sent (not 10 s later, when
  // the client gave up on it), and ended with the first answer after the thaw.
  expect(fault.downtimeMs).not.toBeNull();
  expect(fault.downtimeMs!).toBeGreaterThanOrEqual(frozenMs - 300);
  expect(fault.downtimeMs!).toBeLessThan(frozenMs + 1500);
  // Arrivals that waited for a connection past the pool timeout are timeouts too, but no query of theirs failed.
  const poolTimeouts = results.generator.poolTimeouts ?? 0;
  expect(fault.connectionErrors).toBe((sql.errors.timeout ?? 0) - poolTimeouts + (sql.errors.connection ?? 0));
  // After the thaw the load runs clean again, and the closing evidence was read.
  // Arrivals did not vanish while the server was frozen: they waited for a connection, and those that waited past the
  // pool timeout failed as timeouts with that wait as their latency, so the freeze is in the latency tail.
  expect(results.generator.queued).toBeGreaterThan(100);
  expect(results.generator.poolTimeouts).toBeGreaterThan(0);
  expect(results.generator.dropped).toBe(0);
  expect(sql.latency.p99Ms).toBeGreaterThanOrEqual(5000);
  // After the thaw the load runs clean again (once the queue left by the freeze has drained, within a second).
  const clean = results.intervals.filter((i) => i.startMs >= fault.recoveredMs! + 1000);
  expect(clean.length).toBeGreaterThanOrEqual(1);
  for (const i of clean) expect(Object.keys(i.operations.sql?.errors ?? {}), `interval at ${i.startMs} ms`).toEqual([]);
  expect(clean.reduce((s, i) => s + (i.operations.sql?.count ?? 0), 0)).toBeGreaterThan(50);
  expect(results.server).not.toBeNull();
  expect(wallMs).toBeLessThan(30_000);
  console.log(`PG frozen ${frozenMs} ms: fault ${JSON.stringify(fault)}; errors ${JSON.stringify(sql.errors)} of ${sql.count}`);
}, 90_000);
