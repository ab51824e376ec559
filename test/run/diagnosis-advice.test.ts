// The diagnosis' advice, followed, makes the run better, not worse (issue 12), against a real PostgreSQL 17 and
// redis-server: an open-model run of 20 ms statements behind one connection is limited by the connection pool and told
// to raise load.connections; the same run with more connections serves the rate within the threshold.
import { expect, it } from 'vitest';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import type { MixEntry, Plan } from '../../src/scenario/plan.js';
import { parseThreshold, type Threshold } from '../../src/thresholds/index.js';
import { useRunServers } from '../support/servers.js';
import { testLoad, testPlan } from '../load/plans.js';

const servers = useRunServers('advice');

const sleep20: MixEntry = { name: 'sql', weight: 1, steps: [{ op: 'sql', params: {}, options: { query: 'SELECT pg_sleep(0.02)', params: [], prepared: true } }] };
const p95 = parseThreshold('p95 < 100ms', { kind: 'operation', operation: 'sql' }, { path: 'thresholds' }) as Threshold;

/** 100 arrivals a second of a 20 ms statement: one connection serves at most about 48 of them. */
function plan(connections: number): Plan {
  return { ...testPlan(testLoad({ rate: 100, connections, workers: 1, durationMs: 2500, warmupMs: 500 }), [sleep20]), thresholds: [p95] };
}

it('the pool-bound run is told to raise load.connections, and doing so gives a better run', async () => {
  const before = (await runBenchmark(plan(1), servers.quietRunOptions('one-connection'))).results;
  expect(before.verdict).toBe('FAIL');
  expect(before.diagnosis?.resource, JSON.stringify(before.diagnosis)).toBe('connection-pool');
  const advice = before.diagnosis?.advice.join(' ') ?? '';
  expect(advice).toMatch(/Raise load\.connections \(now 1\)/);

  // The advice followed: more connections (and with them maxInFlight, which defaults to the connections).
  const after = (await runBenchmark(plan(4), servers.quietRunOptions('four-connections'))).results;
  const sql = (r: typeof before) => r.operations.find((o) => o.key === 'sql')!;
  expect(after.verdict, JSON.stringify(after.diagnosis)).toBe('PASS');
  expect(after.generator.valid).toBe(true);
  // Not worse on any count: more served while the rate was offered, faster at the 95th percentile, no more errors.
  // The last interval is left out: it also holds what finished in the graceful stop (the one-connection run's backlog).
  const servedWhileOffered = (r: typeof before) =>
    r.intervals.filter((i) => !i.warmup).slice(0, -1).reduce((n, i) => n + (i.operations.sql?.count ?? 0), 0);
  expect(servedWhileOffered(after)).toBeGreaterThan(servedWhileOffered(before));
  expect(sql(after).latency.p95Ms).toBeLessThan(sql(before).latency.p95Ms);
  const errors = (r: typeof before) => Object.values(sql(r).errors).reduce((n, e) => n + (e ?? 0), 0);
  expect(errors(after)).toBeLessThanOrEqual(errors(before));
});
