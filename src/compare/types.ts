// The result of comparing two runs: one row per operation (or phase) and metric, with its delta, noise band and status.
// Plain data (JSON-serializable): printed by `authbench compare --json`, rendered by render-comparison.ts, attachable to results.

/** What can be compared. Latency percentiles in ms, throughput per second, errors as a ratio 0..1 of iterations. */
export const COMPARE_METRICS = ['p50', 'p95', 'p99', 'throughput', 'errors'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/**
 * - REGRESSION: worse by more than the tolerance, and outside the combined noise band
 * - improved: better by more than the tolerance, and outside the noise band
 * - within noise: changed by more than the tolerance, but not by more than the runs' own noise
 * - ok: changed by no more than the tolerance
 * - INCONCLUSIVE: too few samples on one side to judge the metric at all (a p95 of 3 samples has no noise band)
 */
export type ComparisonStatus = 'REGRESSION' | 'improved' | 'within noise' | 'ok' | 'INCONCLUSIVE';

/** Where a run's noise estimate came from. */
export type NoiseMethod =
  /** interval-to-interval spread of the per-second values (robust, autocorrelation-corrected) */
  | 'intervals'
  /** sampling error of the statistic itself (order statistics of the histogram, Poisson counts): the floor */
  | 'sampling'
  /** nothing to estimate from */
  | 'none';

export interface NoiseEstimate {
  /** Standard error of the run's value, in the metric's unit; null when there was nothing to estimate it from. */
  readonly standardError: number | null;
  /** Measured intervals the estimate rests on. */
  readonly intervals: number;
  readonly method: NoiseMethod;
}

export interface MetricComparison {
  /** `auth.login` or `auth.login/db`. */
  readonly key: string;
  readonly operation: string;
  readonly phase?: string;
  readonly metric: CompareMetric;
  /** Values in the metric's unit (ms, per second, ratio). */
  readonly base: number;
  readonly next: number;
  /** next − base. */
  readonly delta: number;
  /** (next − base) ÷ base; null when base is 0 and next is not (an unbounded relative change). */
  readonly deltaRatio: number | null;
  /** Half-width of the combined noise band (z × √(se_base² + se_next²)), in the metric's unit; null when unknown. */
  readonly noiseBand: number | null;
  readonly noise: { readonly base: NoiseEstimate; readonly next: NoiseEstimate };
  readonly status: ComparisonStatus;
  /** Why an INCONCLUSIVE row could not be judged (`3 samples in base, 4 in new; p95 needs 200`). */
  readonly reason?: string;
}

/** Enough about a run to say which one it was. */
export interface RunReference {
  readonly scenario: string;
  readonly startedAt: string;
  readonly verdict: string;
  readonly datasetUsers: number;
  readonly measuredIntervals: number;
}

export interface Comparison {
  readonly base: RunReference;
  readonly next: RunReference;
  /** Tolerated relative worsening, ratio (0.10 = 10 %). */
  readonly maxRegression: number;
  readonly metrics: readonly CompareMetric[];
  /** The z of the noise band (1.96: a two-sided 95 % band). */
  readonly confidenceZ: number;
  /** Operations in both runs, in the base run's order (phases under their operation), each metric in `metrics` order. */
  readonly rows: readonly MetricComparison[];
  /** Operation keys present in one run only: listed, not compared. */
  readonly onlyInBase: readonly string[];
  readonly onlyInNext: readonly string[];
  /** Why the comparison may mislead (different scenario, dataset, load; an invalid run; too few intervals). */
  readonly warnings: readonly string[];
  /** True when any row is a REGRESSION: `authbench compare` exits 1. */
  readonly regressed: boolean;
  /** True when no row could be judged (none compared, or every one INCONCLUSIVE): nothing was proven, exit 1. */
  readonly inconclusive: boolean;
}

export interface CompareOptions {
  /** Tolerated relative worsening, ratio (0.10 = 10 %). */
  readonly maxRegression: number;
  /** Default: every metric. */
  readonly metrics?: readonly CompareMetric[];
}

/** The small form of a comparison attached to a run's results (`run --baseline`): the verdict and what caused it. */
export interface ComparisonSection {
  readonly baselineFile: string;
  readonly maxRegression: number;
  readonly regressed: boolean;
  readonly inconclusive: boolean;
  /** The verdict line as printed. */
  readonly line: string;
  readonly regressions: readonly MetricComparison[];
  readonly onlyInBase: readonly string[];
  readonly onlyInNext: readonly string[];
  readonly warnings: readonly string[];
}
