// compareRuns: two RunResults in, a Comparison out — per operation and phase, p50/p95/p99, throughput and error ratio,
// each change judged against the tolerance and against both runs' own noise. Pure: no I/O, no clock, no randomness.
import { decode, type Histogram } from '../metrics/histogram.js';
import { defaultMinSamples } from '../thresholds/parse.js';
import type { IntervalOperation, IntervalPoint, OperationResult, RunResults } from '../results/types.js';
import {
  classifyChange,
  combinedNoiseBand,
  errorDispersion,
  errorRatioStandardError,
  intervalStandardError,
  median,
  NOISE_Z,
  quantileStandardError,
  rateStandardError,
  relativeChange,
} from './noise.js';
import {
  COMPARE_METRICS,
  type CompareMetric,
  type CompareOptions,
  type Comparison,
  type MetricComparison,
  type NoiseEstimate,
  type RunReference,
} from './types.js';

/** Fewer measured seconds than this and the interval spread says little: fall back to the sampling error alone. */
export const MIN_NOISE_INTERVALS = 5;

/**
 * Samples a run needs on each side before a metric is judged at all, the thresholds' own rule (a percentile needs
 * ten samples beyond it, never fewer than 100; an error ratio 100 iterations). Below it the sampling band of a p95
 * of 3 samples is ±0 and any wobble would be a "regression": the row is INCONCLUSIVE instead. Throughput is a
 * count, judged by its Poisson band at any size.
 */
export function minCompareSamples(metric: CompareMetric): number {
  if (metric === 'throughput') return 0;
  return defaultMinSamples(metric, 0);
}

type LatencyMetric = 'p50' | 'p95' | 'p99';
const QUANTILE: Readonly<Record<LatencyMetric, number>> = { p50: 0.5, p95: 0.95, p99: 0.99 };
const SUMMARY_FIELD = { p50: 'p50Ms', p95: 'p95Ms', p99: 'p99Ms' } as const;

const isLatency = (m: CompareMetric): m is LatencyMetric => m === 'p50' || m === 'p95' || m === 'p99';

/** One run, indexed for the comparison. Histograms are decoded once, on first use. */
class RunView {
  readonly measured: readonly IntervalPoint[];
  readonly byKey: ReadonlyMap<string, OperationResult>;
  private readonly histograms = new Map<string, Histogram | null>();

  constructor(readonly results: RunResults, private readonly undecodable: string[]) {
    this.measured = results.intervals.filter((p) => !p.warmup && p.endMs > p.startMs);
    this.byKey = new Map(results.operations.map((o) => [o.key, o]));
  }

  histogram(op: OperationResult): Histogram | null {
    if (!this.histograms.has(op.key)) {
      let h: Histogram | null = null;
      try {
        h = op.count > 0 ? decode(op.latencyHistogram, 64) : null;
      } catch {
        this.undecodable.push(op.key);
      }
      this.histograms.set(op.key, h);
    }
    return this.histograms.get(op.key) ?? null;
  }

  /** The operation's figures in each measured interval (undefined where it did not run). */
  perInterval(key: string): { point: IntervalPoint; figures: IntervalOperation | undefined }[] {
    return this.measured.map((point) => ({ point, figures: point.operations[key] }));
  }

  measuredSeconds(): number {
    return this.measured.reduce((s, p) => s + (p.endMs - p.startMs) / 1000, 0);
  }
}

function errorCount(errors: OperationResult['errors'] | IntervalOperation['errors']): number {
  return Object.values(errors).reduce((s: number, n) => s + (n ?? 0), 0);
}

/** The run's own value of a metric: percentiles from the merged histogram's summary, never from intervals. */
export function metricValue(op: OperationResult, metric: CompareMetric): number {
  if (isLatency(metric)) return op.latency[SUMMARY_FIELD[metric]];
  if (metric === 'throughput') return op.throughputPerSec;
  return op.count > 0 ? errorCount(op.errors) / op.count : 0;
}

/** The larger of the interval spread and the sampling floor: neither a steady run nor a short one claims false certainty. */
function combine(intervalSe: number, intervals: number, samplingSe: number): NoiseEstimate {
  const spread = intervals >= MIN_NOISE_INTERVALS && Number.isFinite(intervalSe) ? intervalSe : Number.NaN;
  const floor = Number.isFinite(samplingSe) ? samplingSe : Number.NaN;
  if (Number.isNaN(spread) && Number.isNaN(floor)) return { standardError: null, intervals, method: 'none' };
  if (Number.isNaN(floor) || spread >= floor) return { standardError: spread, intervals, method: 'intervals' };
  return { standardError: floor, intervals, method: 'sampling' };
}

/** The percentile itself first, then lower ones whose per-second values are better resolved. */
const LATENCY_FALLBACK: Readonly<Record<LatencyMetric, readonly LatencyMetric[]>> = { p50: ['p50'], p95: ['p95', 'p50'], p99: ['p99', 'p95', 'p50'] };

/** Relative standard error of a percentile from the seconds with enough samples to resolve it (≥ 1/(1−p)). */
function latencySpread(rows: ReturnType<RunView['perInterval']>, metric: LatencyMetric): { values: number; relativeSe: number } {
  const minCount = Math.ceil(1 / (1 - QUANTILE[metric]));
  const values = rows.flatMap(({ figures }) => (figures && figures.count >= minCount ? [figures[SUMMARY_FIELD[metric]]] : []));
  const center = median(values);
  return { values: values.length, relativeSe: center > 0 ? intervalStandardError(values, 'robust') / center : Number.NaN };
}

/** Standard error of one run's value of `metric` for `op`, from its measured intervals (see docs/reports.md). */
function estimateNoise(run: RunView, op: OperationResult, metric: CompareMetric): NoiseEstimate {
  const rows = run.perInterval(op.key);
  if (isLatency(metric)) {
    const h = run.histogram(op);
    const sampling = h ? quantileStandardError((q) => h.getValueAtPercentile(q * 100) / 1000, QUANTILE[metric], h.totalCount) : Number.NaN;
    // Seconds too sparse to resolve this percentile (p99 of 80 samples is their max): borrow the relative spread of
    // the highest lower percentile they do resolve — machine noise that moves the p95 moves the p99 at least as much.
    for (const proxy of LATENCY_FALLBACK[metric]) {
      const { values, relativeSe } = latencySpread(rows, proxy);
      if (values >= MIN_NOISE_INTERVALS) return combine(relativeSe * op.latency[SUMMARY_FIELD[metric]], values, sampling);
    }
    return combine(Number.NaN, 0, sampling);
  }
  if (metric === 'throughput') {
    // A second without the operation is a real 0/s, not a gap.
    const values = rows.map(({ point, figures }) => (figures?.count ?? 0) / ((point.endMs - point.startMs) / 1000));
    return combine(intervalStandardError(values, 'robust'), values.length, rateStandardError(op.count, run.measuredSeconds()));
  }
  // Error ratios are mostly 0 per second (a MAD of 0), so the spread enters as the dispersion of the error counts.
  const counts = rows.flatMap(({ figures }) => (figures && figures.count > 0 ? [{ errors: errorCount(figures.errors), count: figures.count }] : []));
  const poisson = errorRatioStandardError(errorCount(op.errors), op.count);
  if (counts.length < MIN_NOISE_INTERVALS) return combine(Number.NaN, counts.length, poisson);
  const dispersion = errorDispersion(counts);
  if (!Number.isFinite(poisson)) return { standardError: null, intervals: counts.length, method: 'none' };
  return { standardError: poisson * Math.sqrt(dispersion), intervals: counts.length, method: dispersion > 1 ? 'intervals' : 'sampling' };
}

function reference(run: RunView): RunReference {
  const r = run.results;
  return { scenario: r.scenario.name, startedAt: r.startedAt, verdict: r.verdict, datasetUsers: r.dataset.users, measuredIntervals: run.measured.length };
}

const count = (n: number): string => n.toLocaleString('en-US');

function describeLoad(r: RunResults): string {
  return r.load.model === 'open' ? `open model at ${count(r.load.targetRate ?? 0)}/s` : `closed model with ${count(r.load.vus ?? 0)} VUs`;
}

/** Differences that make the comparison misleading: said, not refused (a deliberate A/B of settings is legitimate). */
function comparabilityWarnings(base: RunView, next: RunView): string[] {
  const warnings: string[] = [];
  const b = base.results;
  const n = next.results;
  if (b.scenario.name !== n.scenario.name) warnings.push(`different scenarios: base "${b.scenario.name}", new "${n.scenario.name}"`);
  if (b.dataset.users !== n.dataset.users) {
    warnings.push(`different dataset sizes: base ${count(b.dataset.users)} users, new ${count(n.dataset.users)} users`);
  } else if (b.dataset.fingerprint !== n.dataset.fingerprint) {
    warnings.push(`different dataset content (fingerprint ${b.dataset.fingerprint} vs ${n.dataset.fingerprint})`);
  }
  if (describeLoad(b) !== describeLoad(n)) warnings.push(`different load: base ${describeLoad(b)}, new ${describeLoad(n)}; throughput is not comparable`);
  for (const [name, run] of [['base', base], ['new', next]] as const) {
    const verdict = run.results.verdict;
    if (verdict === 'INVALID' || verdict === 'ABORTED') warnings.push(`the ${name} run is ${verdict}: its numbers say little about the database`);
    if (run.measured.length < MIN_NOISE_INTERVALS) {
      warnings.push(`the ${name} run has ${run.measured.length} measured intervals (< ${MIN_NOISE_INTERVALS}): noise is estimated from sampling error alone`);
    }
  }
  return warnings;
}

/** Compare `next` with `base`. Throws RangeError for an invalid tolerance (the CLI validates flags before). */
export function compareRuns(base: RunResults, next: RunResults, opts: CompareOptions): Comparison {
  if (!(opts.maxRegression >= 0) || !Number.isFinite(opts.maxRegression)) {
    throw new RangeError(`maxRegression must be a finite ratio ≥ 0, got ${opts.maxRegression}`);
  }
  const metrics = opts.metrics && opts.metrics.length > 0 ? COMPARE_METRICS.filter((m) => opts.metrics!.includes(m)) : [...COMPARE_METRICS];
  const undecodable: string[] = [];
  const b = new RunView(base, undecodable);
  const n = new RunView(next, undecodable);
  const rows: MetricComparison[] = [];
  for (const baseOp of base.operations) {
    const nextOp = n.byKey.get(baseOp.key);
    if (!nextOp) continue;
    for (const metric of metrics) {
      const baseValue = metricValue(baseOp, metric);
      const nextValue = metricValue(nextOp, metric);
      const noise = { base: estimateNoise(b, baseOp, metric), next: estimateNoise(n, nextOp, metric) };
      const noiseBand = combinedNoiseBand(noise.base.standardError ?? Number.NaN, noise.next.standardError ?? Number.NaN, NOISE_Z);
      const needed = minCompareSamples(metric);
      const thin = baseOp.count < needed || nextOp.count < needed;
      const status = thin
        ? 'INCONCLUSIVE'
        : classifyChange({
            base: baseValue,
            next: nextValue,
            worseWhen: metric === 'throughput' ? 'lower' : 'higher',
            tolerance: opts.maxRegression,
            noiseBand,
          });
      rows.push({
        key: baseOp.key,
        operation: baseOp.operation,
        ...(baseOp.phase !== undefined ? { phase: baseOp.phase } : {}),
        metric,
        base: baseValue,
        next: nextValue,
        delta: nextValue - baseValue,
        deltaRatio: relativeChange(baseValue, nextValue),
        // a band from a handful of samples (±0 from three) claims a certainty the run does not have
        noiseBand: thin ? null : noiseBand,
        noise,
        status,
        ...(thin ? { reason: `${baseOp.count} samples in base, ${nextOp.count} in new; ${metric} needs ${needed}` } : {}),
      });
    }
  }
  const warnings = comparabilityWarnings(b, n);
  if (undecodable.length > 0) {
    warnings.push(`unreadable latencyHistogram for ${[...new Set(undecodable)].join(', ')}: percentile noise from intervals alone`);
  }
  return {
    base: reference(b),
    next: reference(n),
    maxRegression: opts.maxRegression,
    metrics,
    confidenceZ: NOISE_Z,
    rows: orderRows(rows),
    onlyInBase: base.operations.filter((o) => !n.byKey.has(o.key)).map((o) => o.key),
    onlyInNext: next.operations.filter((o) => !b.byKey.has(o.key)).map((o) => o.key),
    warnings,
    regressed: rows.some((r) => r.status === 'REGRESSION'),
    inconclusive: rows.every((r) => r.status === 'INCONCLUSIVE'),
  };
}

/** Each operation followed by its phases (as in the console report), metrics in their fixed order. */
function orderRows(rows: MetricComparison[]): MetricComparison[] {
  const firstSeen = new Map<string, number>();
  rows.forEach((r, i) => {
    if (!firstSeen.has(r.operation)) firstSeen.set(r.operation, i);
  });
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => (firstSeen.get(x.r.operation)! - firstSeen.get(y.r.operation)!) || (x.r.phase === undefined ? 0 : 1) - (y.r.phase === undefined ? 0 : 1) || x.i - y.i)
    .map(({ r }) => r);
}
