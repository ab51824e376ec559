// Pure evaluation of parsed thresholds against run results (final, or a partial snapshot during the run).
// Summary in, one verdict per threshold out: no I/O, no clocks. The run's verdict is src/verdict/'s.
import type { LatencySummary, OperationResult, RunResults } from '../results/types.js';
import { formatThresholdValue, resultKey, scopeKey } from './parse.js';
import type { Comparator, Threshold, ThresholdMetric, ThresholdVerdict } from './types.js';

/** What evaluation reads: the final RunResults satisfy it, and so does a snapshot taken during the run. */
export type ThresholdInput = Pick<RunResults, 'operations' | 'server'> & {
  /** Per scenario event name: each operation's results over the seconds of that event's windows (src/events/impact.ts). */
  readonly eventWindows?: Readonly<Record<string, readonly MeasuredOperation[]>>;
};

export interface EvaluateOptions {
  /**
   * The results are a snapshot of an unfinished run (abort-on-fail checks). Counts and the sampled connection peak
   * only grow, so a `count >=`/`count >` or `connections >=`/`connections >` threshold cannot fail yet: it stays
   * INCONCLUSIVE until the end.
   */
  readonly partial?: boolean;
}

const LATENCY_FIELD: Partial<Record<ThresholdMetric, keyof LatencySummary>> = {
  p50: 'p50Ms', p90: 'p90Ms', p95: 'p95Ms', p99: 'p99Ms', 'p99.9': 'p999Ms', max: 'maxMs', mean: 'meanMs',
};

/** What an operation's thresholds read: the run's OperationResult, or an operation over an event's windows. */
type MeasuredOperation = Pick<OperationResult, 'key' | 'count' | 'errors' | 'throughputPerSec' | 'latency'>;

interface Measurement {
  readonly measured: number | null;
  readonly samples: number;
  /** Set when there is nothing to measure. */
  readonly missing?: string;
}

/** One verdict per threshold, in the same order. */
export function evaluateThresholds(thresholds: readonly Threshold[], results: ThresholdInput, options: EvaluateOptions = {}): ThresholdVerdict[] {
  const byKey = new Map(results.operations.map((o) => [o.key, o]));
  const topLevel = results.operations.filter((o) => o.phase === undefined);
  return thresholds.map((threshold) => {
    const key = scopeKey(threshold.scope);
    const scope = threshold.scope;
    const m =
      scope.kind === 'run'
        ? measureRun(threshold.metric, topLevel, results.server)
        : scope.event === undefined
          ? measureOperation(threshold.metric, byKey.get(key), key)
          : measureEventWindow(threshold.metric, results.eventWindows?.[scope.event], resultKey(scope), scope.event);
    const base = { source: threshold.source, scopeKey: key, metric: threshold.metric, comparator: threshold.comparator, target: threshold.value, measured: m.measured, samples: m.samples };
    if (m.missing !== undefined || m.measured === null || !Number.isFinite(m.measured)) {
      return { ...base, measured: null, status: 'INCONCLUSIVE', reason: m.missing ?? 'nothing was measured' };
    }
    if (m.samples < threshold.minSamples) {
      return { ...base, status: 'INCONCLUSIVE', reason: `only ${m.samples} samples; at least ${threshold.minSamples} needed for ${threshold.metric}` };
    }
    if (compare(m.measured, threshold.comparator, threshold.value)) return { ...base, status: 'PASS' };
    if (options.partial && (threshold.comparator === '>' || threshold.comparator === '>=')) {
      if (threshold.metric === 'count') return { ...base, status: 'INCONCLUSIVE', reason: 'the run is not finished; counts only grow' };
      if (threshold.metric === 'connections' || threshold.metric === 'connections(client)') return { ...base, status: 'INCONCLUSIVE', reason: 'the run is not finished; the sampled peak only grows' };
    }
    const reason = `${threshold.metric} was ${formatThresholdValue(threshold.metric, m.measured, 4)}, required ${threshold.comparator} ${formatThresholdValue(threshold.metric, threshold.value)}`;
    return { ...base, status: 'FAIL', reason };
  });
}

/** The failing abort-on-fail thresholds past their grace; `measuredMs` counts from the end of the warm-up. */
export function thresholdsToAbortOn(thresholds: readonly Threshold[], verdicts: readonly ThresholdVerdict[], measuredMs: number): Threshold[] {
  return thresholds.filter((t, i) => t.abortOnFail !== undefined && verdicts[i]?.status === 'FAIL' && measuredMs >= t.abortOnFail.graceMs);
}

function measureOperation(metric: ThresholdMetric, result: MeasuredOperation | undefined, key: string): Measurement {
  if (!result) return { measured: null, samples: 0, missing: `no results for ${key}` };
  const field = LATENCY_FIELD[metric];
  if (field) {
    const samples = result.latency.count;
    return samples === 0 ? { measured: null, samples, missing: `no samples for ${key}` } : { measured: result.latency[field], samples };
  }
  switch (metric) {
    case 'errors':
      return result.count === 0 ? { measured: null, samples: 0, missing: `no iterations of ${key}` } : { measured: errorCount(result) / result.count, samples: result.count };
    case 'throughput':
      return { measured: result.throughputPerSec, samples: result.count };
    case 'count':
      return { measured: result.count, samples: result.count };
    default:
      return { measured: null, samples: 0, missing: `${metric} is not measured per operation` };
  }
}

/** An operation over the seconds of an event's windows; an event that never ran leaves nothing to judge. */
function measureEventWindow(metric: ThresholdMetric, window: readonly MeasuredOperation[] | undefined, key: string, event: string): Measurement {
  if (window === undefined) return { measured: null, samples: 0, missing: `the event ${event} did not run in the measured window` };
  return measureOperation(metric, window.find((o) => o.key === key), `${key} during ${event}`);
}

/** Run-wide figures add up top-level operations only: phases are parts of their operation, not extra work. */
function measureRun(metric: ThresholdMetric, topLevel: readonly OperationResult[], server: ThresholdInput['server']): Measurement {
  const count = topLevel.reduce((sum, o) => sum + o.count, 0);
  switch (metric) {
    case 'connections':
      if (!server) return { measured: null, samples: 0, missing: 'no server-side evidence (connections are counted by the database, which was not sampled)' };
      // Never sampled is not a peak of 0: a `connections >= N` would fail on a measurement that was not made.
      if (server.connectionSamples === 0) {
        const why = server.connectionSamplingError ? ` (pg_stat_activity could not be read: ${server.connectionSamplingError})` : '';
        return { measured: null, samples: 0, missing: `connections were never sampled in the measured window${why}` };
      }
      return { measured: server.connectionsPeak, samples: server.connectionSamples ?? 1 };
    case 'connections(client)': {
      const pooler = server?.pooler;
      if (!pooler) return { measured: null, samples: 0, missing: 'no pooler evidence (client connections are counted by the pooler, which was not sampled)' };
      if (pooler.clientSamples === 0) {
        const why = pooler.samplingError ? ` (SHOW CLIENTS could not be read: ${pooler.samplingError})` : '';
        return { measured: null, samples: 0, missing: `client connections were never sampled in the measured window${why}` };
      }
      return { measured: pooler.clientConnectionsPeak, samples: pooler.clientSamples };
    }
    case 'errors':
      return count === 0 ? { measured: null, samples: 0, missing: 'no iterations' } : { measured: topLevel.reduce((sum, o) => sum + errorCount(o), 0) / count, samples: count };
    case 'throughput':
      return topLevel.length === 0 ? { measured: null, samples: 0, missing: 'no operations' } : { measured: topLevel.reduce((sum, o) => sum + o.throughputPerSec, 0), samples: count };
    case 'count':
      return { measured: count, samples: count };
    default:
      return { measured: null, samples: 0, missing: `${metric} is not measured for the whole run` };
  }
}

function errorCount(result: Pick<OperationResult, 'errors'>): number {
  return Object.values(result.errors).reduce<number>((sum, n) => sum + (n ?? 0), 0);
}

function compare(measured: number, comparator: Comparator, target: number): boolean {
  switch (comparator) {
    case '<':
      return measured < target;
    case '<=':
      return measured <= target;
    case '>':
      return measured > target;
    case '>=':
      return measured >= target;
  }
}
