// The load engine alone (no run stage): piscina workers against the real PostgreSQL with `SELECT 1`.
import { resolveDatasetSpec } from '../../src/dataset/spec.js';
import { describe, expect, it } from 'vitest';
import { IntervalAggregator } from '../../src/metrics/aggregator.js';
import type { IntervalSnapshot } from '../../src/metrics/types.js';
import { LoadPool, shareOf } from '../../src/load/pool.js';
import { adminUrl } from '../support/servers.js';
import { testLoad, testPlan } from './plans.js';

const dataset = resolveDatasetSpec({ users: 100, seed: 1, sessionsPerUser: 1, revokedShare: 0.05, agentShare: 0.02, passwordCount: 64 });

async function runPool(plan: ReturnType<typeof testPlan>, testHooks?: (w: number) => { crashAfterMs?: number } | undefined) {
  const snapshots: IntervalSnapshot[] = [];
  const pool = new LoadPool({
    plan,
    pgUrl: adminUrl(),
    redisUrl: 'redis://127.0.0.1:1',
    dataset,
    intervalMs: 1000,
    latenessBoundMs: 10,
    onInterval: (s) => snapshots.push(s),
    ...(testHooks ? { testHooks } : {}),
  });
  const outcome = await pool.run();
  const agg = new IntervalAggregator({ workers: outcome.workers, warmupMs: plan.load.warmupMs, durationMs: plan.load.durationMs, model: plan.load.model });
  for (const s of snapshots) agg.add(s);
  return { outcome, run: agg.finish(), snapshots };
}

describe('load pool', () => {
  it('spreads a total evenly, the remainder to the first parts', () => {
    expect([0, 1, 2].map((i) => shareOf(8, 3, i))).toEqual([3, 3, 2]);
    expect([0, 1].map((i) => shareOf(750, 2, i))).toEqual([375, 375]);
  });

  it('runs an open-model SELECT 1 at the planned rate on 2 workers', async () => {
    // 16 connections: on a shared 2-core box a stalled event loop catches up in a burst that must not find them all busy.
    const plan = testPlan(testLoad({ rate: 200, durationMs: 2000, warmupMs: 1000, connections: 16, workers: 2 }));
    const { outcome, run } = await runPool(plan);
    expect(outcome.failure).toBeUndefined();
    const op = run.operations.find((o) => o.key === 'sql')!;
    expect(op.count).toBeGreaterThan(380);
    // 400 arrivals are scheduled in the measured 2 s; a sample belongs to the interval its iteration finishes in, so
    // arrivals still in flight when the warm-up ends (at most one per connection) can add to the measured count.
    expect(op.count).toBeLessThanOrEqual(400 + 16);
    expect(run.generator.scheduled).toBe(400);
    expect(run.generator.dropped).toBe(0);
    expect(run.intervals.filter((i) => i.warmup)).toHaveLength(1);
    const measured = run.intervals.filter((i) => !i.warmup);
    expect(measured.reduce((s, i) => s + (i.operations.sql?.count ?? 0), 0)).toBe(op.count);
  });

  it('ends cleanly with workerCrashed when a worker throws outside an iteration', async () => {
    const plan = testPlan(testLoad({ rate: 50, durationMs: 5000, connections: 2, workers: 2 }));
    const started = Date.now();
    const { outcome } = await runPool(plan, (w) => (w === 1 ? { crashAfterMs: 500 } : undefined));
    expect(outcome.failure?.code).toBe('AB_ERR_WORKER_CRASHED');
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
