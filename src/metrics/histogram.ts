// The one HDR histogram factory of authbench, plus its standard encoding, exact merge and summaries.
// Values are integer microseconds; summaries convert to milliseconds once, here.
import * as hdr from 'hdr-histogram-js';
import type { LatencySummary } from '../results/types.js';

export type Histogram = hdr.Histogram;

/** Lowest discernible value: 1 µs. */
export const LOWEST_US = 1;
/**
 * Highest trackable value: 1 hour in µs. Anything longer is clamped to it by `clampUs` (a latency of an hour is
 * already a failed run); a fixed range keeps every histogram the same shape, so merges are plain array adds.
 */
export const HIGHEST_US = 3_600_000_000;
/** 3 significant digits: ≤ 0.1 % value error at every magnitude (HdrHistogram's usual setting). */
export const SIGNIFICANT_DIGITS = 3;

/**
 * Count width. Interval histograms use 32-bit counters (2³² per bucket per second is out of reach);
 * run totals use 64-bit (float64, exact to 2⁵³) so an hours-long run cannot overflow a hot bucket.
 */
export type CountWidth = 32 | 64;

/*
 * JS, not WebAssembly. Measured with bench/metrics.ts on the 2-core build box (JS / WASM):
 *   recordValue ≈ 40–120 ns / ≈ 45 ns; encode of a 5,000-value interval ≈ 150 µs / ≈ 150 µs;
 *   decode ≈ 75–180 µs / ≈ 90 µs; add ≈ 40 µs / ≈ 40 µs.
 * WASM only wins on recordValue, by < 100 ns against an iteration that costs ≥ 100 µs of database round trip
 * (< 0.1 %). JS histograms are garbage-collected: no `destroy()` ownership across decode/merge/summary paths,
 * and no leaked WASM linear memory (which never shrinks) if a worker dies mid-interval.
 */

/** Builds an empty histogram with authbench's defaults (µs, 1 µs .. 1 h, 3 digits, fixed size). */
export function createHistogram(width: CountWidth = 32): Histogram {
  return hdr.build({
    bitBucketSize: width,
    autoResize: false,
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Maps any measured duration in µs into the histogram's range: integer, 0 .. HIGHEST_US. */
export function clampUs(us: number): number {
  if (!(us > 0)) return 0; // negative clock skew and NaN both record as 0
  return us >= HIGHEST_US ? HIGHEST_US : Math.round(us);
}

/** HdrHistogram's standard V2 compressed encoding, base64 (what HistogramLogReader and the Java tools read). */
export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes `encode`'s output into a fresh (garbage-collected) histogram. */
export function decode(encoded: string, width: CountWidth = 32): Histogram {
  return hdr.decodeFromCompressedBase64(encoded, width, false, HIGHEST_US);
}

/** Exact merge: adds every bucket count of `source` to `target` (never averages percentiles). */
export function mergeInto(target: Histogram, source: Histogram): void {
  target.add(source);
}

/** Decodes and merges several encoded histograms into one new histogram. */
export function mergeEncoded(encoded: Iterable<string>, width: CountWidth = 32): Histogram {
  const merged = createHistogram(width);
  for (const e of encoded) mergeInto(merged, decode(e, width));
  return merged;
}

const usToMs = (us: number): number => us / 1000;

function asJs(h: Histogram, caller: string): hdr.JsHistogram {
  if (!(h instanceof hdr.JsHistogram)) throw new TypeError(`${caller}: expected a JS histogram from createHistogram/decode`);
  return h;
}

/**
 * The max as HdrHistogram (Java) reports it: the highest value equivalent to the largest recorded one.
 * The JS `maxValue` field keeps the raw value until a decode, so it would differ between a worker and the merge.
 */
export function maxUs(h: Histogram): number {
  return h.totalCount === 0 ? 0 : asJs(h, 'maxUs').highestEquivalentValue(h.maxValue);
}

export const EMPTY_SUMMARY: LatencySummary = Object.freeze({
  count: 0,
  minMs: 0,
  meanMs: 0,
  stdDevMs: 0,
  p50Ms: 0,
  p90Ms: 0,
  p95Ms: 0,
  p99Ms: 0,
  p999Ms: 0,
  maxMs: 0,
});

/** Count, min, mean, std dev, p50/90/95/99/99.9 and max in ms. Percentiles are HdrHistogram's (highest equivalent value). */
export function summarize(h: Histogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) return EMPTY_SUMMARY;
  return {
    count,
    // percentile 0 is the lowest equivalent value of the smallest recorded value, including 0 (minNonZeroValue is not)
    minMs: usToMs(h.getValueAtPercentile(0)),
    meanMs: usToMs(h.mean),
    stdDevMs: usToMs(h.stdDeviation),
    p50Ms: usToMs(h.getValueAtPercentile(50)),
    p90Ms: usToMs(h.getValueAtPercentile(90)),
    p95Ms: usToMs(h.getValueAtPercentile(95)),
    p99Ms: usToMs(h.getValueAtPercentile(99)),
    p999Ms: usToMs(h.getValueAtPercentile(99.9)),
    maxMs: usToMs(maxUs(h)),
  };
}

export interface SpectrumPoint {
  /** 0..100. */
  readonly percentile: number;
  readonly valueMs: number;
}

/**
 * HdrHistogram's percentile distribution (as in `outputPercentileDistribution`): `ticksPerHalfDistance` points for
 * every halving of the distance to 100 %, so the tail gets the resolution. About ticks × log2(count) points.
 */
export function percentileSpectrum(h: Histogram, ticksPerHalfDistance = 5): SpectrumPoint[] {
  const js = asJs(h, 'percentileSpectrum');
  if (js.totalCount === 0) return [];
  const points: SpectrumPoint[] = [];
  const iterator = js.percentileIterator;
  iterator.reset(ticksPerHalfDistance);
  while (iterator.hasNext()) {
    const v = iterator.next();
    points.push({ percentile: v.percentileLevelIteratedTo, valueMs: usToMs(v.valueIteratedTo) });
  }
  return points;
}
