// Percentile spectrum (the HdrHistogram plot) from the encoded latency histograms in RunResults, for the HTML chart.
// x is 1/(1-p), so 90%, 99%, 99.9% are evenly spaced on a log axis; all operations share one grid (one uPlot x array).
import { decode } from '../metrics/histogram.js';
import type { OperationResult } from '../results/types.js';

export interface PercentileSpectrum {
  /** 1/(1-p): 1 is the 0th percentile, 10 is P90, 100 is P99, 1000 is P99.9. */
  readonly x: readonly number[];
  /** One series per operation: latency in ms at each x, null past the percentiles its sample count can resolve. */
  readonly series: readonly { readonly key: string; readonly values: readonly (number | null)[] }[];
}

/** Points per decade of 1/(1-p); 10 gives a smooth curve without bloating the embedded data. */
const STEPS_PER_DECADE = 10;
/** P99.999 is as far as any latency plot is read. */
const MAX_DECADES = 5;

/** Value at each percentile (ms) from one compressed base64 histogram recorded in µs; null when it cannot be decoded. */
function percentilesMs(encoded: string, percentiles: readonly number[]): { values: number[]; count: number } | null {
  if (!encoded) return null;
  let histogram;
  try {
    // 64-bit counts decode any width the writer used (run totals are 64-bit).
    histogram = decode(encoded, 64);
  } catch {
    return null;
  }
  const count = histogram.totalCount;
  if (count === 0) return null;
  return { count, values: percentiles.map((p) => histogram.getValueAtPercentile(p * 100) / 1000) };
}

/**
 * The spectrum of every operation with samples, on one shared x grid. Each series runs up to the percentile its
 * count resolves (1/(1-p) ≤ count) and ends with its maximum, like HdrHistogram's plotter.
 */
export function percentileSpectrum(operations: readonly Pick<OperationResult, 'key' | 'latencyHistogram'>[]): PercentileSpectrum {
  const x: number[] = [];
  for (let k = 0; k <= MAX_DECADES * STEPS_PER_DECADE; k += 1) x.push(Number((10 ** (k / STEPS_PER_DECADE)).toPrecision(6)));
  const percentiles = x.map((v) => (v === 1 ? 0 : 1 - 1 / v));
  const decoded = operations
    .map((op) => ({ key: op.key, result: percentilesMs(op.latencyHistogram, [...percentiles, 1]) }))
    .filter((d): d is { key: string; result: { values: number[]; count: number } } => d.result !== null);
  if (decoded.length === 0) return { x: [], series: [] };
  // First grid point past what the sample count resolves carries the maximum, then the series stops. A series that
  // resolves the whole grid (≥ 100,000 samples: P99.999) still ends with its maximum, on one point beyond the grid.
  const ends = decoded.map(({ result }) => {
    const past = x.findIndex((v) => v > result.count);
    return past === -1 ? x.length : Math.max(1, past);
  });
  const gridPoints = x.length;
  if (ends.some((end) => end >= gridPoints)) x.push(Number((10 ** ((MAX_DECADES * STEPS_PER_DECADE + 1) / STEPS_PER_DECADE)).toPrecision(6)));
  const lastIndex = Math.max(...ends);
  const series = decoded.map(({ key, result }, n) => {
    const max = result.values[result.values.length - 1] ?? 0;
    const end = ends[n]!;
    const values = x.map((_, i) => (i < end ? (result.values[i] ?? null) : i === end ? max : null));
    return { key, values };
  });
  return { x: x.slice(0, lastIndex + 1), series: series.map((s) => ({ key: s.key, values: s.values.slice(0, lastIndex + 1) })) };
}
