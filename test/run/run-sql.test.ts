// The run stage end to end with schemaless `sql` scenarios against a real PostgreSQL 17 and redis-server:
// counts add up, the planned rate is achieved, warm-up is excluded, reports are written, overload is INVALID.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBenchmark, type RunOptions } from '../../src/run/run-benchmark.js';
import type { MixEntry, Plan } from '../../src/scenario/plan.js';
import { parseThreshold } from '../../src/thresholds/parse.js';
import type { Threshold } from '../../src/thresholds/types.js';
import { schemaProblems } from '../support/results-schema.js';
import { useRunServers } from '../support/servers.js';
import { testLoad, testPlan, type TestLoad } from '../load/plans.js';

const servers = useRunServers('run');


const options = (name: string, extra?: Partial<RunOptions>): RunOptions => servers.quietRunOptions(name, extra);

function threshold(scope: string, text: string): Threshold {
  const parsed = parseThreshold(text, { kind: 'operation', operation: scope }, { file: 'run-sql.yaml', line: 1, path: `thresholds.${scope}[0]` }, { minSamples: 10 });
  if (!('metric' in parsed)) throw new Error(`bad threshold ${text}: ${parsed.message}`);
  return parsed;
}

function plan(load: TestLoad, mix?: readonly MixEntry[]): Plan {
  return testPlan(testLoad(load), mix);
}

describe('authbench run (sql, external target)', () => {
  it('open model: achieves the rate, counts add up, warm-up excluded, results.json and .hlog written', async () => {
    const p = plan({ rate: 150, durationMs: 3000, warmupMs: 1000, connections: 16, workers: 2 });
    const { results, dir, exitCode } = await runBenchmark(p, options('open'));
    expect(schemaProblems('results', JSON.parse(await fs.readFile(path.join(dir, 'results.json'), 'utf8')))).toEqual([]);
    expect(results.status).toBe('completed');
    expect(results.generator.invalidReasons).toEqual([]);
    expect(exitCode).toBe(0); // no thresholds: PASS
    const sql = results.operations.find((o) => o.key === 'sql')!;
    expect(sql.errors).toEqual({});
    const warmup = results.intervals.filter((i) => i.warmup);
    const measured = results.intervals.filter((i) => !i.warmup);
    // A sample belongs to the interval its iteration FINISHED in (docs/results.md), a start to the one it started in:
    // an arrival started just before the warm-up ended and answered after it counts in the measured operations but
    // not in measured `started`. So the exact identity is: measured count = measured starts + in flight at warm-up end.
    expect(sql.count).toBe(results.generator.started + warmup.at(-1)!.inFlight);
    expect(results.generator.scheduled).toBe(450);
    expect(Math.abs(sql.throughputPerSec - 150) / 150).toBeLessThan(0.05);
    expect(warmup).toHaveLength(1);
    expect(measured).toHaveLength(3);
    expect(measured.reduce((s, i) => s + (i.operations.sql?.count ?? 0), 0)).toBe(sql.count);
    expect(warmup[0]!.operations.sql?.count).toBeGreaterThan(100);
    // Load connections that did work in a sampling period: LIFO slots keep only what 150/s needs busy.
    expect(results.server?.connectionsPeak).toBeGreaterThanOrEqual(1);
    expect(results.server?.connectionsPeak).toBeLessThanOrEqual(16);
    expect(sql.latency.p95Ms).toBeGreaterThanOrEqual(sql.service.p95Ms);
    const written = JSON.parse(await fs.readFile(path.join(dir, 'results.json'), 'utf8'));
    expect(written.operations[0].count).toBe(sql.count);
    expect(written.artifacts.hlog).toBe('latency.hlog');
    const hlog = await fs.readFile(path.join(dir, 'latency.hlog'), 'utf8');
    expect(hlog).toMatch(/^Tag=sql,/m);
  });

  it('closed model: VUs loop with think time, latency equals service time', async () => {
    const p = plan({ model: 'closed', vus: 2, connections: 2, durationMs: 2000, warmupMs: 0, workers: 2, thinkTime: { minMs: 5, maxMs: 10 } });
    const { results } = await runBenchmark(p, options('closed'));
    const sql = results.operations.find((o) => o.key === 'sql')!;
    expect(results.status).toBe('completed');
    // 2 VUs, 5–10 ms think + ~1 ms query: roughly 2 × 2 s / 8.5 ms ≈ 470 iterations
    expect(sql.count).toBeGreaterThan(150);
    expect(sql.count).toBeLessThan(800);
    expect(sql.latency.p95Ms).toBe(sql.service.p95Ms);
    expect(results.generator.dropped).toBe(0);
    expect(results.generator.valid).toBe(true);
  });

  it('too few connections for the rate: arrivals wait for one, and the wait shows as latency and FAIL, not as drops', async () => {
    const slow: MixEntry = { name: 'sleep', weight: 1, steps: [{ op: 'sql', params: {}, options: { query: 'SELECT pg_sleep(0.02)', params: [] } }] };
    // 2 connections × 20 ms serve about 100/s of the 200/s offered: the queue grows by ~100 arrivals a second.
    const p = { ...plan({ rate: 200, durationMs: 2000, warmupMs: 0, connections: 2, workers: 1 }, [slow]), thresholds: [threshold('sql', 'p95 < 100ms')] };
    const { results, exitCode } = await runBenchmark(p, options('waiting'));
    const sql = results.operations.find((o) => o.key === 'sql')!;
    expect(results.generator.scheduled).toBe(400);
    expect(results.generator.dropped).toBe(0);
    expect(results.generator.queued).toBeGreaterThan(200);
    expect(results.generator.started + (results.generator.poolTimeouts ?? 0)).toBe(400);
    // Latency runs from the intended start, so the queue is in it; the service time is the query's own.
    expect(sql.latency.p95Ms).toBeGreaterThan(500);
    expect(sql.service.p95Ms).toBeLessThan(sql.latency.p95Ms / 5);
    expect(results.generator.valid).toBe(true);
    expect(results.verdict).toBe('FAIL');
    expect(exitCode).toBe(1);
  });

  it('an arrival that waits past load.poolTimeout is a timeout error of its operation, with the latency it waited', async () => {
    const slow: MixEntry = { name: 'sleep', weight: 1, steps: [{ op: 'sql', params: {}, options: { query: 'SELECT pg_sleep(0.02)', params: [] } }] };
    const p = plan({ rate: 200, durationMs: 2000, warmupMs: 0, connections: 2, workers: 1, poolTimeoutMs: 200 }, [slow]);
    const { results } = await runBenchmark(p, options('pool-timeout'));
    expect(schemaProblems('results', results)).toEqual([]);
    const sql = results.operations.find((o) => o.key === 'sql')!;
    const timeouts = results.generator.poolTimeouts ?? 0;
    expect(timeouts).toBeGreaterThan(50);
    expect(sql.errors.timeout).toBe(timeouts);
    expect(results.generator.started + timeouts).toBe(400);
    // A timed-out arrival's latency is its wait: at least the pool timeout (the max includes the slowest of them).
    expect(sql.latency.maxMs).toBeGreaterThanOrEqual(200);
    expect(sql.count).toBe(results.generator.started + timeouts);
  });
});

describe('authbench run: a crashed worker', () => {
  it('ends the run cleanly with AB_ERR_WORKER_CRASHED (exit 3) and still writes results.json', async () => {
    const p = plan({ rate: 50, durationMs: 10_000, warmupMs: 0, connections: 2, workers: 2 });
    const started = Date.now();
    const outcome = await runBenchmark(p, options('crash', { testHooks: (w) => (w === 0 ? { crashAfterMs: 1000 } : undefined) }));
    expect(Date.now() - started).toBeLessThan(8000);
    expect(outcome.error?.code).toBe('AB_ERR_WORKER_CRASHED');
    expect(outcome.exitCode).toBe(3);
    expect(outcome.results.status).toBe('failed');
    expect(outcome.results.verdict).toBe('INVALID');
    const written = JSON.parse(await fs.readFile(path.join(outcome.dir, 'results.json'), 'utf8'));
    expect(written.abortReason).toMatch(/crashed/);
  });
});
