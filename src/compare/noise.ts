// Pure statistics for comparing runs: how far a run's value could move by chance, from its own per-second spread.
// Robust spread (median/MAD), an AR(1) effective sample size for correlated seconds, sampling-error floors, the status rule.
import type { ComparisonStatus } from './types.js';

/** Two-sided 95 % band. */
export const NOISE_Z = 1.96;
/** MAD × 1.4826 estimates σ for normal data. */
const MAD_TO_SIGMA = 1.4826;
/** Beyond this lag-1 autocorrelation the series is a trend, not noise; cap it so n_eff stays ≥ n/19. */
const MAX_AUTOCORRELATION = 0.9;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** σ estimated from the median absolute deviation: one spike second does not widen the band. */
export function robustSigma(values: readonly number[]): number {
  const m = median(values);
  return MAD_TO_SIGMA * median(values.map((v) => Math.abs(v - m)));
}

export function sampleStdDev(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
}

/** Lag-1 autocorrelation; 0 for a constant or too-short series. */
export function lag1Autocorrelation(values: readonly number[]): number {
  const n = values.length;
  if (n < 3) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    den += d * d;
    if (i + 1 < n) num += d * (values[i + 1]! - mean);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Seconds are not independent (a checkpoint or a GC pause spans several), so n seconds carry less information
 * than n samples. The AR(1) correction n·(1−ρ)/(1+ρ) shrinks n accordingly; negative ρ is ignored (never narrows).
 */
export function effectiveSampleSize(n: number, autocorrelation: number): number {
  const rho = Math.min(Math.max(autocorrelation, 0), MAX_AUTOCORRELATION);
  return Math.max(1, (n * (1 - rho)) / (1 + rho));
}

/**
 * Standard error of a run's value from its per-interval values: σ / √n_eff. `robust` uses the MAD (latency,
 * throughput); `classical` the sample standard deviation (error ratios, mostly 0 per second, where the MAD is 0).
 * A robust σ of 0 with values that do differ (quantized or mostly-equal series) falls back to the standard deviation.
 * NaN for fewer than 2 values.
 */
export function intervalStandardError(values: readonly number[], spread: 'robust' | 'classical'): number {
  if (values.length < 2) return Number.NaN;
  let sigma = spread === 'robust' ? robustSigma(values) : sampleStdDev(values);
  if (sigma === 0 && spread === 'robust') sigma = sampleStdDev(values);
  return sigma / Math.sqrt(effectiveSampleSize(values.length, lag1Autocorrelation(values)));
}

/**
 * Sampling error of the p-quantile of N independent samples, distribution-free: the ranks N·p ± √(N·p(1−p)) bound
 * a one-σ order-statistic interval, so half the distance between the values at those ranks is the standard error.
 * `valueAt` maps a quantile 0..1 to a value (the run's merged histogram).
 */
export function quantileStandardError(valueAt: (q: number) => number, p: number, count: number): number {
  if (count < 1) return Number.NaN;
  const delta = Math.sqrt((p * (1 - p)) / count);
  const lo = valueAt(Math.max(0, p - delta));
  const hi = valueAt(Math.min(1, p + delta));
  return (hi - lo) / 2;
}

/**
 * Standard error of an error ratio E/N as a Poisson count: √(E+1)/N. The +1 keeps a run with no (or a handful of)
 * errors from claiming certainty, so 0 → 5 errors in 24,000 is not called a regression (an exact test agrees).
 */
export function errorRatioStandardError(errors: number, count: number): number {
  return count > 0 ? Math.sqrt(errors + 1) / count : Number.NaN;
}

/**
 * How much more the errors cluster than a Poisson process would: Pearson's χ²/df of the per-second error counts against
 * their expected share (the quasi-Poisson dispersion). 1 for independent errors, > 1 when they come in bursts; never < 1,
 * so the band is never narrower than the Poisson one. A burst is one event, not many: its errors should not count alone.
 */
export function errorDispersion(perInterval: readonly { readonly errors: number; readonly count: number }[]): number {
  const total = perInterval.reduce((s, p) => s + p.count, 0);
  const errors = perInterval.reduce((s, p) => s + p.errors, 0);
  if (perInterval.length < 2 || total === 0 || errors === 0) return 1;
  const ratio = errors / total;
  let chi2 = 0;
  for (const p of perInterval) {
    const expected = ratio * p.count;
    if (expected > 0) chi2 += (p.errors - expected) ** 2 / expected;
  }
  return Math.max(1, chi2 / (perInterval.length - 1));
}

/** Standard error of a rate from a Poisson count over `seconds`: √N / T. */
export function rateStandardError(count: number, seconds: number): number {
  return seconds > 0 ? Math.sqrt(Math.max(count, 0)) / seconds : Number.NaN;
}

/** Half-width of the band the difference of two independent values falls in by chance; null when neither is known. */
export function combinedNoiseBand(seBase: number, seNext: number, z = NOISE_Z): number | null {
  const a = Number.isFinite(seBase) ? seBase : Number.NaN;
  const b = Number.isFinite(seNext) ? seNext : Number.NaN;
  if (Number.isNaN(a) && Number.isNaN(b)) return null;
  return z * Math.sqrt((Number.isNaN(a) ? 0 : a * a) + (Number.isNaN(b) ? 0 : b * b));
}

export interface ChangeInput {
  readonly base: number;
  readonly next: number;
  /** Latency and errors get worse when higher, throughput when lower. */
  readonly worseWhen: 'higher' | 'lower';
  /** Tolerated relative change, ratio. */
  readonly tolerance: number;
  /** Combined noise band in the value's unit; null = unknown (tolerance alone decides). */
  readonly noiseBand: number | null;
}

/** (next − base) ÷ base; null when base is 0 and next is not. */
export function relativeChange(base: number, next: number): number | null {
  if (base === next) return 0;
  return base === 0 ? null : (next - base) / base;
}

/**
 * The status rule: a change counts only when it exceeds the tolerance AND lies outside the combined noise band.
 * Beyond the tolerance but inside the band is "within noise", in either direction.
 */
export function classifyChange(c: ChangeInput): ComparisonStatus {
  const delta = c.next - c.base;
  const relative = relativeChange(c.base, c.next);
  const magnitude = relative === null ? Number.POSITIVE_INFINITY : Math.abs(relative);
  if (!(magnitude > c.tolerance)) return 'ok';
  if (c.noiseBand !== null && !(Math.abs(delta) > c.noiseBand)) return 'within noise';
  const worse = c.worseWhen === 'higher' ? delta > 0 : delta < 0;
  return worse ? 'REGRESSION' : 'improved';
}
