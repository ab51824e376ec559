// Runs a scenario in-process (runBenchmark) against given servers and lets a test inject a fault once the load is
// under way; the whole results are returned for the test to check what the run measured and reported.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runBenchmark, type RunOutcome } from '../../src/run/run-benchmark.js';
import { initCluster, startServer, stopServer, type RunningPostgres } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import { parseScenario } from '../../src/scenario/parse.js';
import type { IntervalPoint, OperationResult } from '../../src/results/types.js';

export interface FaultRun {
  readonly outcome: RunOutcome;
  /** Wall time of the whole run, ms. */
  readonly wallMs: number;
}

/**
 * Runs `yaml` against pgUrl/redisUrl; `fault` is called once the load has run `faultAfterMs` (measured from the
 * "Load:" line plus the first progress update), and may take as long as it needs while the load goes on.
 */
export async function runWithFault(
  yaml: string,
  urls: { pgUrl: string; redisUrl: string },
  fault: () => Promise<void>,
  faultAfterMs = 1000,
  /** Looks at the outcome while its report directory still exists (it is removed afterwards). */
  inspect?: (outcome: RunOutcome) => Promise<void>,
): Promise<FaultRun> {
  const plan = parseScenario(yaml, 'fault.yaml');
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-fault-'));
  let progress = '';
  const stream = { write: (chunk: string) => ((progress += chunk), true) };
  const started = Date.now();
  const running = runBenchmark(plan, {
    target: { kind: 'external', pgUrl: urls.pgUrl, redisUrl: urls.redisUrl, allowNonEmpty: true },
    outDir,
    progress: stream,
    stdout: { write: () => true },
    reports: { html: false, junit: false, console: false },
    latenessBoundMs: 100,
  });
  let faulted: Promise<void> | undefined;
  const watch = (async () => {
    while (!/\d+s\/\d+s/.test(progress)) {
      if (Date.now() - started > 60_000) throw new Error(`the load never started:\n${progress}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, faultAfterMs));
    faulted = fault();
    await faulted;
  })();
  try {
    const outcome = await running;
    await watch;
    await inspect?.(outcome);
    return { outcome, wallMs: Date.now() - started };
  } finally {
    await faulted?.catch(() => undefined);
    await fs.rm(outDir, { recursive: true, force: true });
  }
}

export function operation(results: { operations: readonly OperationResult[] }, key: string): OperationResult {
  const found = results.operations.find((o) => o.key === key);
  if (!found) throw new Error(`no operation ${key} in the results`);
  return found;
}

/** Iterations and errors of `key` in the last measured intervals (the run after the fault). */
export function tail(intervals: readonly IntervalPoint[], key: string, count: number): { count: number; errors: number } {
  const last = intervals.filter((i) => !i.warmup).slice(-count);
  return {
    count: last.reduce((s, i) => s + (i.operations[key]?.count ?? 0), 0),
    errors: last.reduce((s, i) => s + Object.values(i.operations[key]?.errors ?? {}).reduce((a, b) => a + (b ?? 0), 0), 0),
  };
}

/** The fault tests' load: `SELECT 1` on the open model, 6 connections over 2 workers, no warm-up. */
export function selectOneScenario(name: string, rate: number, seconds: number, description = 'SELECT 1 while the database fails'): string {
  return `
name: ${name}
description: ${description}
load:
  model: open
  rate: ${rate}/s
  duration: ${seconds}s
  warmup: 0s
  connections: 6
  workers: 2
mix:
  - op: sql
    options:
      query: SELECT 1
`;
}

/** A PostgreSQL 17 cluster of one test's own, which it may stop, restart or freeze (the shared one never is). */
export interface DedicatedCluster {
  readonly home: string;
  readonly dataDir: string;
  readonly port: number;
  readonly url: string;
  /** The running server; replace it after a restart (`start()`). */
  server: RunningPostgres | undefined;
  start(): Promise<RunningPostgres>;
  /** Stops the server (if running) and removes the cluster. */
  remove(): Promise<void>;
}

/** `settings` are added to the server's command line at every start (e.g. pg_stat_statements for the schema). */
export async function startDedicatedCluster(prefix: string, settings: Readonly<Record<string, string | number>> = {}): Promise<DedicatedCluster> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), `authbench-${prefix}-`));
  await fs.chmod(home, 0o755);
  const dataDir = path.join(home, 'data');
  const password = randomBytes(12).toString('hex');
  await initCluster({ dataDir, superuser: 'postgres', password });
  const port = await findFreePort();
  const cluster: DedicatedCluster = {
    home,
    dataDir,
    port,
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    server: undefined,
    async start() {
      cluster.server = await startServer({ dataDir, port, settings: { max_connections: 50, ...settings } });
      return cluster.server;
    },
    async remove() {
      if (cluster.server) await stopServer(cluster.server.pid);
      await fs.rm(home, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
