// PostgreSQL frozen mid-run (SIGSTOP of the postmaster's whole process group, then SIGCONT), on a dedicated cluster:
// queries stop being answered, the client's query timeout turns them into `timeout` errors, and the outage is
// reported in `recovery` from the first timeout to the first answer after it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initCluster, startServer, stopServer, type RunningPostgres } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import { startTestRedis, type TestRedis } from '../support/servers.js';
import { operation, runWithFault, tail } from './run-under-fault.js';

/** The workers' client-side query timeout (QUERY_TIMEOUT_MS in src/load/worker.ts): the freeze outlasts it. */
const QUERY_TIMEOUT_MS = 10_000;
const FREEZE_MS = QUERY_TIMEOUT_MS + 1500;
const scenario = `
name: pg-freeze
description: SELECT 1 while every PostgreSQL process is stopped
load:
  model: open
  rate: 100/s
  duration: 16s
  warmup: 0s
  connections: 6
  workers: 2
mix:
  - op: sql
    options:
      query: SELECT 1
`;

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
let home: string;
let server: RunningPostgres | undefined;
let url: string;

beforeAll(async () => {
  redis = await startTestRedis();
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-pg-freeze-'));
  await fs.chmod(home, 0o755);
  const dataDir = path.join(home, 'data');
  const password = randomBytes(12).toString('hex');
  await initCluster({ dataDir, superuser: 'postgres', password });
  const port = await findFreePort();
  server = await startServer({ dataDir, port, settings: { max_connections: 50 } });
  url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}, 60_000);

afterAll(async () => {
  if (server) {
    signalAll(await serverProcesses(server.pid), 'SIGCONT');
    await stopServer(server.pid);
  }
  await redis?.stop();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

it('reports a frozen server as one fault, from the first unanswered query to the first answer after the thaw', async () => {
  let frozenMs = 0;
  const { outcome, wallMs } = await runWithFault(scenario, { pgUrl: url, redisUrl: redis.url }, async () => {
    const pids = await serverProcesses(server!.pid);
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
  expect(fault.connectionErrors).toBe((sql.errors.timeout ?? 0) + (sql.errors.connection ?? 0));
  // After the thaw the load runs clean again, and the closing evidence was read.
  const after = tail(results.intervals, 'sql', 2);
  expect(after.count).toBeGreaterThan(150);
  expect(after.errors).toBe(0);
  expect(results.server).not.toBeNull();
  expect(wallMs).toBeLessThan(30_000);
  console.log(`PG frozen ${frozenMs} ms: fault ${JSON.stringify(fault)}; errors ${JSON.stringify(sql.errors)} of ${sql.count}`);
}, 90_000);
