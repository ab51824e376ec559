// `--out prometheus-rw=URL` against a real Prometheus (Debian's package, remote-write receiver on) and real
// PostgreSQL 17 + redis-server: the run's measured totals read back from Prometheus equal results.json's, and a
// receiver that is down costs pushes (counted, one warning), never the run.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusRemoteWriteOutput } from '../../src/outputs/prometheus/remote-write-output.js';
import type { LiveInterval } from '../../src/outputs/types.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { isPortInUse } from '../../src/target/free-port.js';
import { buildRunResults } from '../report/fixtures.js';
import type { MixEntry } from '../../src/scenario/plan.js';
import { testLoad, testPlan } from '../load/plans.js';
import { startPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('prw');
let prometheus: TestPrometheus;

beforeAll(async () => {
  prometheus = await startPrometheus();
});
afterAll(async () => {
  await prometheus?.stop();
});

// About 1 in 20 statements divides by zero (a server error), and every GET of a missing key is the outcome `nil`.
const mix: readonly MixEntry[] = [
  { name: 'divide', weight: 3, steps: [{ op: 'sql', params: {}, options: { query: 'SELECT 1 / (random() * 10)::int', params: [], prepared: true } }] },
  { name: 'get', weight: 1, steps: [{ op: 'redis', params: {}, options: { command: 'GET', args: [{ kind: 'const', value: 'authbench:test:absent' }] } }] },
];

/** `{metric labels} → value` of an instant query, keyed by one label. */
async function byLabel(expr: string, label: string, atMs: number): Promise<Record<string, number>> {
  const rows = await prometheus.query(expr, atMs);
  return Object.fromEntries(rows.map((r) => [r.metric[label] ?? '', r.value]));
}

describe('--out prometheus-rw (real Prometheus)', () => {
  it('streams the run; the measured totals in Prometheus equal results.json', async () => {
    const plan = testPlan(testLoad({ rate: 120, durationMs: 3000, warmupMs: 1000, connections: 4, workers: 2 }), mix, 'prw-totals');
    const progress: string[] = [];
    const { results, dir } = await runBenchmark(
      plan,
      servers.quietRunOptions('totals', { outputs: [{ kind: 'prometheus-rw', dest: prometheus.writeUrl }], progress: { write: (l: string) => progress.push(l) } }),
    );
    expect(results.status).toBe('completed');
    const report = results.outputs?.[0];
    expect(report, progress.join('')).toMatchObject({ kind: 'prometheus-rw', url: prometheus.writeUrl, shard: '0/1', failedPushes: 0, droppedPushes: 0 });
    // One push per interval (warm-up included) and one for the server series at the end.
    expect(report!.pushes).toBe(results.intervals.length + 1);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'results.json'), 'utf8')).outputs).toEqual(results.outputs);
    expect(progress.join('')).toContain(`Streaming: prometheus-rw → ${prometheus.writeUrl} (run_id ${report!.runId})`);
    expect(progress.join('')).toContain(`Streamed to ${prometheus.writeUrl}: ${report!.pushes} pushes`);

    const runId = report!.runId;
    const at = Date.parse(results.endedAt);
    const sel = `run_id="${runId}",scenario="prw-totals",shard="0/1",window="measured"`;
    const iterations = await byLabel(`authbench_iterations_total{${sel}}`, 'operation', at);
    expect(iterations).toEqual(Object.fromEntries(results.operations.map((o) => [o.operation, o.count])));
    expect(iterations.sql).toBeGreaterThan(100);

    const sql = results.operations.find((o) => o.key === 'sql')!;
    expect(sql.errors.server).toBeGreaterThan(0);
    expect(await byLabel(`authbench_errors_total{${sel},operation="sql"}`, 'kind', at)).toEqual(sql.errors);
    const redis = results.operations.find((o) => o.key === 'redis')!;
    expect(redis.outcomes.nil).toBeGreaterThan(0);
    expect(await byLabel(`authbench_outcomes_total{${sel},operation="redis"}`, 'outcome', at)).toEqual(redis.outcomes);

    for (const [name, expected] of [
      ['scheduled', results.generator.scheduled],
      ['started', results.generator.started],
      ['dropped', results.generator.dropped],
      ['late', results.generator.late],
    ] as const) {
      expect(await byLabel(`authbench_${name}_total{${sel}}`, 'window', at), name).toEqual({ measured: expected });
    }
    expect(results.generator.scheduled).toBe(360);

    // The last interval's latency percentiles, at the interval's end, equal results.json's interval.
    const lastMeasured = results.intervals.at(-1)!;
    const lastP99 = await prometheus.query(`authbench_latency_seconds{run_id="${runId}",operation="sql",quantile="0.99"}`, at);
    expect(lastP99.map((r) => r.value)).toEqual([lastMeasured.operations.sql!.p99Ms / 1000]);

    // The server-side series sampled on PostgreSQL during the load.
    const sampled = results.intervals.filter((p) => p.serverConnections !== undefined);
    const connections = await prometheus.query(`count_over_time(authbench_server_connections{run_id="${runId}"}[5m])`, at);
    expect(connections.map((r) => r.value)).toEqual(sampled.length > 0 ? [sampled.length] : []);
  });

  it('a receiver that is down: the run completes, one warning, every push counted as failed', async () => {
    // A port below the kernel's ephemeral range, so no server started on a "free" port (port 0) can take it meanwhile.
    let port = 20_000 + Math.floor(Math.random() * 10_000);
    while (await isPortInUse(port)) port++;
    const plan = testPlan(testLoad({ rate: 50, durationMs: 2000, warmupMs: 0, connections: 2, workers: 1 }), undefined, 'prw-down');
    const progress: string[] = [];
    const { results, exitCode } = await runBenchmark(
      plan,
      servers.quietRunOptions('down', { outputs: [{ kind: 'prometheus-rw', dest: `http://user:hunter2@127.0.0.1:${port}/api/v1/write` }], progress: { write: (l: string) => progress.push(l) } }),
    );
    expect(results.status).toBe('completed');
    expect(exitCode).toBe(0);
    expect(results.generator.scheduled).toBe(100);
    const report = results.outputs![0]!;
    expect(report.pushes).toBe(0);
    expect(report.failedPushes + report.droppedPushes).toBe(results.intervals.length + 1);
    expect(report.firstError).toBe('ECONNREFUSED');
    expect(report.url).toBe(`http://user:***@127.0.0.1:${port}/api/v1/write`);
    const warnings = progress.filter((l) => l.includes('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('ECONNREFUSED');
    expect(progress.join('')).not.toContain('hunter2');
  });

  it('intervals out of order: sent in order, and one too late for its turn still counts in the totals', async () => {
    const output = new PrometheusRemoteWriteOutput({ url: prometheus.writeUrl, warn: () => {} });
    const startEpochMs = Date.now() - 60_000;
    output.start({ identity: { runId: 'reorder-1', scenario: 'reorder', shard: '0/1' }, startEpochMs });
    const live = (index: number, count: number): LiveInterval => ({
      index,
      point: { startMs: index * 1000, endMs: (index + 1) * 1000, warmup: false, achievedRate: count, dropped: 0, inFlight: 0, operations: { sql: { count, errors: {}, p50Ms: 1, p95Ms: 2, p99Ms: 3, maxMs: 4 } }, eventLoopLagMaxMs: 0 },
      generator: { scheduled: count, started: count, late: 0 },
      outcomes: {},
    });
    // Interval 1 is held back past the reorder window (as a worker that reports late would), then arrives last.
    for (const index of [0, 2, 3, 4, 5, 6, 7, 8]) output.addInterval(live(index, 10));
    output.addInterval(live(1, 7));
    const report = await output.stop({ results: buildRunResults('pass'), hlog: [], startEpochMs });
    expect(report).toMatchObject({ failedPushes: 0, droppedPushes: 0 });
    const total = await prometheus.query('authbench_iterations_total{run_id="reorder-1",window="measured"}', Date.now());
    expect(total.map((r) => r.value)).toEqual([87]);
  });
});
