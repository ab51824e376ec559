// Realistic CapacityResults for the capacity page tests, without running load: a login search that ramps, bisects
// and ends on an invalid step (every step verdict appears), one where nothing held, and one stopped before any step.
import { summarizeCapacity } from '../../src/capacity/render.js';
import {
  CAPACITY_SCHEMA_VERSION,
  type CapacityOperationPoint,
  type CapacityResults,
  type CapacityStep,
  type StepVerdict,
} from '../../src/results/capacity.js';
import type { RunVerdict } from '../../src/results/types.js';

export type CapacityFixtureKind = 'knee' | 'nothing-held' | 'empty';

/** An M/M/1-like curve: latency grows as 1 / (1 − utilisation) towards the database's limit (~1,800/s here). */
function point(key: string, count: number, baseMs: number, utilisation: number, errorRatio = 0): CapacityOperationPoint {
  const queue = 1 / Math.max(0.04, 1 - utilisation);
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  return { key, count, errorRatio, p50Ms: round(baseMs * (0.9 + 0.1 * queue)), p95Ms: round(baseMs * (1.3 + 0.35 * queue)), p99Ms: round(baseMs * (1.8 + 0.8 * queue)) };
}

const RUN_VERDICT: Record<StepVerdict, RunVerdict> = { held: 'PASS', failed: 'FAIL', invalid: 'INVALID', inconclusive: 'INCONCLUSIVE' };

function step(index: number, rate: number, achievedRate: number, verdict: StepVerdict, reasons: string[], stepSeconds: number): CapacityStep {
  const u = achievedRate / 1800;
  const logins = Math.round(achievedRate * 0.3 * stepSeconds);
  const lookups = Math.round(achievedRate * 0.7 * stepSeconds);
  const rateLabel = Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
  return {
    index,
    rate,
    achievedRate,
    verdict,
    runVerdict: RUN_VERDICT[verdict],
    reasons,
    operations: [
      point('auth.login', logins, 6.2, u, verdict === 'failed' ? 0.004 : 0),
      point('auth.login/db', logins, 1.1, u),
      // Not named by a threshold: recorded, but not a column or a curve.
      point('auth.login/verify', logins, 4.8, 0),
      point('user.lookup', lookups, 0.42, u),
    ],
    results: `step-${String(index).padStart(2, '0')}-${rateLabel}/results.json`,
  };
}

export function buildCapacityResults(kind: CapacityFixtureKind): CapacityResults {
  const stepSeconds = 20;
  const base = {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    kind: 'authbench-capacity' as const,
    scenario: { name: 'login-mix', file: 'scenarios/login-mix.yaml', description: 'Password logins and user lookups, 30/70 <script>alert(1)</script>' },
    startedAt: '2025-05-04T10:00:00.000Z',
    endedAt: '2025-05-04T10:05:12.000Z',
    search: { start: 250, max: 8000, precision: 0.05, growth: 2, stepDurationMs: stepSeconds * 1000, stepWarmupMs: 5000, connections: 64, workers: 2 },
    thresholds: ['auth.login/db p95 < 25ms', 'auth.login p99 < 60ms', 'user.lookup p99 < 5ms', 'auth.login errors < 0.1%'],
    ignoredThresholds: ['run throughput >= 2000/s'],
  };
  let steps: CapacityStep[];
  let knee: number | null;
  let end: CapacityResults['end'];
  if (kind === 'knee') {
    steps = [
      step(1, 250, 249.6, 'inconclusive', ['auth.login p99: 1,497 samples < minSamples 2,000'], stepSeconds),
      step(2, 500, 499.1, 'held', [], stepSeconds),
      step(3, 1000, 998.7, 'held', [], stepSeconds),
      step(4, 2000, 1712.4, 'failed', ['auth.login p99 = 118ms (threshold < 60ms)', 'auth.login errors = 0.40% (threshold < 0.1%)'], stepSeconds),
      step(5, 1500, 1498.2, 'held', [], stepSeconds),
      step(6, 1750, 1702.9, 'failed', ['auth.login p99 = 74.1ms (threshold < 60ms)'], stepSeconds),
      step(7, 1625, 1621.3, 'held', [], stepSeconds),
      step(8, 1688, 1650.2, 'invalid', ['2.3 % of 33,760 scheduled iterations were dropped: too few connections for the rate'], stepSeconds),
    ];
    knee = 1625;
    end = 'precision';
  } else if (kind === 'nothing-held') {
    steps = [
      step(1, 250, 231.0, 'failed', ['auth.login p99 = 81.2ms (threshold < 60ms)'], stepSeconds),
      step(2, 125, 124.2, 'failed', ['auth.login p99 = 64.0ms (threshold < 60ms)'], stepSeconds),
      step(3, 62.5, 62.4, 'invalid', ['event-loop lag 340 ms: the generator itself is the limit'], stepSeconds),
    ];
    knee = null;
    end = 'nothing-held';
  } else {
    steps = [];
    knee = null;
    end = 'stopped';
  }
  // As the search reports it: the lowest rate that failed or was invalid.
  const bad = steps.filter((s) => s.verdict === 'failed' || s.verdict === 'invalid').sort((a, b) => a.rate - b.rate)[0];
  const partial = {
    ...base,
    steps,
    knee,
    firstBad: bad ? { rate: bad.rate, verdict: bad.verdict, reasons: bad.reasons } : null,
    end,
  };
  return { ...partial, summary: summarizeCapacity(partial) };
}
