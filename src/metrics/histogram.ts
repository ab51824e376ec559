// The one HDR histogram factory of authbench, plus its standard encoding, exact merge and summaries.
// Values are integer microseconds; summaries convert to milliseconds once, here.
import { deflateSync, inflateSync } from 'node:zlib';
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
export const SIGNIFICANT_DIGITS = 3 as const;

/**
 * Count width. Interval histograms use 32-bit counters (2³² per bucket per second is out of reach);
 * run totals use 64-bit (float64, exact to 2⁵³) so an hours-long run cannot overflow a hot bucket.
 */
export type CountWidth = 32 | 64;

/*
 * JS, not WebAssembly. Measured with bench/metrics.ts on the shared 2-core build box (noisy, best of 3–5 runs):
 *   recordValue: JS ≈ 90–140 ns, WASM ≈ 45 ns. Per interval of 5–10k values: the library's JS encode/decode
 *   ≈ 260/300 µs, WASM ≈ 170/145 µs; this module's own V2 codec (below) encodes in ≈ 50–150 µs and merges an
 *   encoded histogram in ≈ 30–100 µs, with no allocation.
 * WASM only wins on recordValue, by ≈ 70 ns against an iteration that costs ≥ 100 µs of database round trip
 * (< 0.1 %). JS histograms are garbage-collected: no `destroy()` ownership across decode/merge/summary paths,
 * and no leaked WASM linear memory (which never shrinks) when a worker dies mid-interval.
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

function asJs(h: Histogram, caller: string): hdr.JsHistogram {
  if (!(h instanceof hdr.JsHistogram)) throw new TypeError(`${caller}: expected a JS histogram from createHistogram/decode`);
  return h;
}

/*
 * HdrHistogram's V2 compressed encoding, implemented here rather than through the library's encoder: the same
 * format (big-endian header as Java writes it, ZigZag LEB128 counts with negative runs of zeros, zlib, base64), but
 * 2–4× faster and merged without allocating, because a worker's flush blocks its event loop — every millisecond
 * there delays arrivals. The library's decoder and HistogramLogReader read it (histogram.test.ts checks both ways).
 */
const V2_COOKIE = 0x1c849303 | 0x10; // word size 9 (LEB128-64b9B)
const V2_COMPRESSED_COOKIE = 0x1c849304 | 0x10;
const V2_HEADER_BYTES = 40;

let scratch = Buffer.allocUnsafe(32 * 1024);

/** ZigZag + LEB128 of a safe integer into `buf` at `pos`; returns the new position. Counts < 2⁵³ need ≤ 8 bytes. */
function putZigZag(buf: Buffer, pos: number, n: number): number {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 128) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  buf[pos++] = z;
  return pos;
}

/** HdrHistogram's standard V2 compressed encoding, base64 (what HistogramLogReader and the Java tools read). */
export function encode(h: Histogram): string {
  const js = asJs(h, 'encode');
  const limit = js.totalCount === 0 ? 0 : js.countsArrayIndex(js.maxValue) + 1;
  const needed = V2_HEADER_BYTES + limit * 9;
  if (scratch.length < needed) scratch = Buffer.allocUnsafe(Math.max(needed, scratch.length * 2));
  const buf = scratch;
  buf.writeInt32BE(V2_COOKIE, 0);
  buf.writeInt32BE(0, 8); // normalizingIndexOffset
  buf.writeInt32BE(js.numberOfSignificantValueDigits, 12);
  buf.writeBigInt64BE(BigInt(js.lowestDiscernibleValue), 16);
  buf.writeBigInt64BE(BigInt(js.highestTrackableValue), 24);
  buf.writeDoubleBE(1, 32); // integerToDoubleValueConversionRatio
  let pos = V2_HEADER_BYTES;
  let i = 0;
  while (i < limit) {
    const count = js.getCountAtIndex(i++);
    if (count !== 0) {
      pos = putZigZag(buf, pos, count);
      continue;
    }
    let zeros = 1;
    while (i < limit && js.getCountAtIndex(i) === 0) {
      zeros++;
      i++;
    }
    pos = putZigZag(buf, pos, zeros > 1 ? -zeros : 0);
  }
  buf.writeInt32BE(pos - V2_HEADER_BYTES, 4);
  const compressed = deflateSync(buf.subarray(0, pos));
  const out = Buffer.allocUnsafe(8 + compressed.length);
  out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  out.writeInt32BE(compressed.length, 4);
  compressed.copy(out, 8);
  return out.toString('base64');
}

/**
 * Runs `encode` until V8 has compiled it. Cold, a worker's first flushes take 30–70 ms for ~20 histograms (the
 * counts loop runs interpreted), which blocks its event loop right after a tick and makes the next arrivals late;
 * warmed once before the start (≈ 50 ms, 50 encodes of a wide histogram), the first flush takes ≈ 2 ms.
 */
export function warmEncoder(rounds = 50): void {
  const h = createHistogram();
  for (let us = 10; us < 200_000; us = Math.ceil(us * 1.15)) h.recordValue(us);
  for (let i = 0; i < rounds; i++) encode(h);
}

/**
 * Exact merge straight from the encoded form: adds the counts into `target` without building a histogram
 * (no 90 KB allocation per decode). Falls back to the library's decoder for histograms of another shape.
 */
export function mergeEncodedInto(target: Histogram, encoded: string): void {
  const js = asJs(target, 'mergeEncodedInto');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length < 8 || (bytes.readInt32BE(0) & ~0xf0) !== 0x1c849304) throw new RangeError('not an HdrHistogram V2 compressed encoding');
  const raw = inflateSync(bytes.subarray(8, 8 + bytes.readInt32BE(4)));
  if (raw.length < V2_HEADER_BYTES || raw.readInt32BE(0) !== V2_COOKIE) throw new RangeError('not an HdrHistogram V2 encoding');
  const digits = raw.readInt32BE(12);
  const lowest = Number(raw.readBigInt64BE(16));
  if (digits !== js.numberOfSignificantValueDigits || lowest !== js.lowestDiscernibleValue) {
    mergeInto(target, hdr.decodeFromCompressedBase64(encoded, 64, false));
    return;
  }
  const end = V2_HEADER_BYTES + raw.readInt32BE(4);
  const length = js.countsArrayLength;
  let pos = V2_HEADER_BYTES;
  let index = 0;
  let added = 0;
  let minIndex = -1;
  let maxIndex = -1;
  while (pos < end) {
    let z = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = raw[pos++]!;
      z += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    const n = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    if (n < 0) {
      index -= n;
      continue;
    }
    if (n > 0) {
      if (index >= length) throw new RangeError('encoded histogram holds values beyond the target range');
      js.addToCountAtIndex(index, n);
      added += n;
      if (minIndex < 0 && index > 0) minIndex = index;
      maxIndex = index;
    }
    index++;
  }
  if (added === 0) return;
  js.setTotalCount(js.totalCount + added);
  js.maxValue = Math.max(js.maxValue, js.highestEquivalentValue(js.valueFromIndex(maxIndex)));
  if (minIndex > 0) js.minNonZeroValue = Math.min(js.minNonZeroValue, js.valueFromIndex(minIndex));
}

/**
 * Decodes `encode`'s output (or any V2 encoding) into a fresh (garbage-collected) histogram. 64-bit counts by
 * default: run totals can exceed 2³² in one bucket, and 32-bit counters would wrap silently.
 */
export function decode(encoded: string, width: CountWidth = 64): Histogram {
  const h = createHistogram(width);
  mergeEncodedInto(h, encoded);
  return h;
}

/**
 * Exact merge: adds every bucket count of `source` to `target` (never averages percentiles). Same-shaped
 * histograms are added index by index up to the source's max (the library's add walks all ~23k counters).
 */
export function mergeInto(target: Histogram, source: Histogram): void {
  const t = asJs(target, 'mergeInto');
  const s = asJs(source, 'mergeInto');
  if (t.countsArrayLength !== s.countsArrayLength || t.subBucketCount !== s.subBucketCount || t.unitMagnitude !== s.unitMagnitude) {
    target.add(source);
    return;
  }
  if (s.totalCount === 0) return;
  const limit = Math.min(s.countsArrayLength, s.countsArrayIndex(s.maxValue) + 1);
  let added = 0;
  for (let i = 0; i < limit; i++) {
    const count = s.getCountAtIndex(i);
    if (count !== 0) {
      t.addToCountAtIndex(i, count);
      added += count;
    }
  }
  t.setTotalCount(t.totalCount + added);
  t.maxValue = Math.max(t.maxValue, s.maxValue);
  t.minNonZeroValue = Math.min(t.minNonZeroValue, s.minNonZeroValue);
}

/** Decodes and merges several encoded histograms into one new histogram. */
export function mergeEncoded(encoded: Iterable<string>, width: CountWidth = 64): Histogram {
  const merged = createHistogram(width);
  for (const e of encoded) mergeEncodedInto(merged, e);
  return merged;
}

const usToMs = (us: number): number => us / 1000;

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

const SUMMARY_PERCENTILES = [0, 50, 90, 95, 99, 99.9] as const;

/** The count a percentile must reach, exactly as HdrHistogram's getValueAtPercentile computes it. */
function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  const ulp = fp > 0 ? Math.pow(2, Math.floor(Math.log2(fp)) - 52) : 0;
  return Math.max(Math.ceil(fp - ulp), 1);
}

const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

/**
 * Walks the non-zero counters up to the max, giving each one's lowest value and the width of its value range.
 * Index → value is HdrHistogram's valueFromIndex, done with a power-of-two table: the library's per-index
 * helpers call Math.pow several times each and made a summary cost ≈ 0.6 ms.
 */
function forEachCount(js: hdr.JsHistogram, visit: (count: number, lowest: number, width: number) => void): void {
  const limit = Math.min(js.countsArrayLength, js.countsArrayIndex(js.maxValue) + 1);
  const half = js.subBucketHalfCount;
  const unit = js.unitMagnitude;
  for (let i = 0; i < limit; i++) {
    const count = js.getCountAtIndex(i);
    if (count === 0) continue;
    let bucket = Math.floor(i / half) - 1;
    let sub = (i % half) + half;
    if (bucket < 0) {
      sub -= half;
      bucket = 0;
    }
    const width = POW2[bucket + unit]!;
    visit(count, sub * width, width);
  }
}

/**
 * Count, min, mean, std dev, p50/90/95/99/99.9 and max in ms, in two passes over the counts. The same numbers as
 * the library's getValueAtPercentile/mean/stdDeviation (tested), whose iterators cost ≈ 9 ms per summary.
 */
export function summarize(h: Histogram): LatencySummary {
  const js = asJs(h, 'summarize');
  const total = js.totalCount;
  if (total === 0) return EMPTY_SUMMARY;
  const targets = SUMMARY_PERCENTILES.map((p) => countAtPercentile(p, total));
  const values = new Array<number>(targets.length).fill(0);
  let next = 0;
  let cumulative = 0;
  let weighted = 0;
  forEachCount(js, (count, lowest, width) => {
    cumulative += count;
    weighted += (lowest + Math.floor(width / 2)) * count; // medianEquivalentValue
    while (next < targets.length && cumulative >= targets[next]!) {
      // percentile 0 reports the lowest equivalent value, every other one the highest
      values[next] = next === 0 ? lowest : lowest + width - 1;
      next++;
    }
  });
  const mean = weighted / total;
  let squares = 0;
  forEachCount(js, (count, lowest, width) => {
    const deviation = lowest + Math.floor(width / 2) - mean;
    squares += deviation * deviation * count;
  });
  const [min, p50, p90, p95, p99, p999] = values as [number, number, number, number, number, number];
  return {
    count: total,
    minMs: usToMs(min),
    meanMs: usToMs(mean),
    stdDevMs: usToMs(Math.sqrt(squares / total)),
    p50Ms: usToMs(p50),
    p90Ms: usToMs(p90),
    p95Ms: usToMs(p95),
    p99Ms: usToMs(p99),
    p999Ms: usToMs(p999),
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
