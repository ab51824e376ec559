// Histogram factory: exact merging (property), encode/decode round trip, summaries and the percentile spectrum.
import fc from 'fast-check';
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { HIGHEST_US, clampUs, warmEncoder, createHistogram, decode, encode, maxUs, mergeEncoded, mergeInto, percentileSpectrum, summarize, type Histogram } from './histogram.js';

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

function expectSameDistribution(a: Histogram, b: Histogram): void {
  expect(a.totalCount).toBe(b.totalCount);
  expect(maxUs(a)).toBe(maxUs(b));
  for (const p of PERCENTILES) expect(a.getValueAtPercentile(p)).toBe(b.getValueAtPercentile(p));
  expect(summarize(a)).toEqual(summarize(b));
}

// Latencies from 0 µs to an hour, skewed towards small values like real ones.
const latencyUs = fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: HIGHEST_US }));

describe('histogram', () => {
  it('merging K recorders equals one histogram of all samples (exact, via encode/decode)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(latencyUs, { maxLength: 200 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const single = createHistogram();
        const merged = createHistogram(64);
        for (const part of parts) {
          const recorder = createHistogram();
          for (const v of part) {
            recorder.recordValue(v);
            single.recordValue(v);
          }
          mergeInto(merged, decode(encode(recorder)));
        }
        expectSameDistribution(merged, single);
      }),
      { numRuns: 60 },
    );
  });

  it('encode/decode round-trips every bucket', () => {
    fc.assert(
      fc.property(fc.array(latencyUs, { minLength: 1, maxLength: 500 }), (values) => {
        const h = createHistogram();
        for (const v of values) h.recordValue(v);
        const back = decode(encode(h));
        expectSameDistribution(back, h);
        expect(encode(back)).toBe(encode(h));
      }),
      { numRuns: 60 },
    );
  });

  it('is the standard encoding: the library decodes ours and we decode the library\'s', () => {
    fc.assert(
      fc.property(fc.array(latencyUs, { maxLength: 500 }), (values) => {
        const h = createHistogram();
        for (const v of values) h.recordValue(v);
        const byLibrary = hdr.decodeFromCompressedBase64(encode(h), 32, false, HIGHEST_US);
        expectSameDistribution(byLibrary, h);
        expectSameDistribution(decode(hdr.encodeIntoCompressedBase64(h)), h);
      }),
      { numRuns: 60 },
    );
  });

  it('summarize agrees with the library\'s percentiles, mean and std dev', () => {
    fc.assert(
      fc.property(fc.array(latencyUs, { minLength: 1, maxLength: 500 }), (values) => {
        const h = createHistogram();
        for (const v of values) h.recordValue(v);
        const s = summarize(h);
        expect(s.count).toBe(h.totalCount);
        expect(s.minMs).toBe(h.getValueAtPercentile(0) / 1000);
        expect([s.p50Ms, s.p90Ms, s.p95Ms, s.p99Ms, s.p999Ms]).toEqual([50, 90, 95, 99, 99.9].map((p) => h.getValueAtPercentile(p) / 1000));
        expect(s.maxMs).toBe(h.getValueAtPercentile(100) / 1000);
        expect(s.meanMs).toBeCloseTo(h.mean / 1000, 6);
        expect(s.stdDevMs).toBeCloseTo(h.stdDeviation / 1000, 6);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps counts above 2³² exact through encode, decode and merge (64-bit totals)', () => {
    const total = createHistogram(64);
    total.recordValueWithCount(1500, 3_000_000_000);
    mergeInto(total, decode(encode(total)));
    const back = decode(encode(total));
    expect(back.totalCount).toBe(6_000_000_000);
    expect(summarize(back).p50Ms).toBe(1.5);
  });

  it('rejects what is not an encoded histogram', () => {
    expect(() => decode('aGVsbG8gd29ybGQ=')).toThrow(RangeError);
  });

  it('mergeEncoded merges several encodings', () => {
    const a = createHistogram();
    const b = createHistogram();
    a.recordValue(100);
    b.recordValue(200);
    b.recordValue(300);
    const m = mergeEncoded([encode(a), encode(b)]);
    expect(m.totalCount).toBe(3);
    expect(maxUs(m)).toBe(300);
  });

  it('summarize converts µs to ms', () => {
    const h = createHistogram();
    for (let v = 1; v <= 1000; v++) h.recordValue(v * 1000); // 1..1000 ms
    const s = summarize(h);
    expect(s.count).toBe(1000);
    expect(s.minMs).toBeCloseTo(1, 2);
    expect(s.p50Ms).toBeCloseTo(500, -0.5);
    expect(s.p99Ms).toBeGreaterThanOrEqual(990);
    expect(s.p99Ms).toBeLessThanOrEqual(991);
    expect(s.maxMs).toBeGreaterThanOrEqual(1000);
    expect(s.maxMs).toBeLessThanOrEqual(1001);
    expect(s.meanMs).toBeCloseTo(500.5, 0);
  });

  it('summarize of an empty histogram is all zeros', () => {
    expect(summarize(createHistogram())).toEqual({ count: 0, minMs: 0, meanMs: 0, stdDevMs: 0, p50Ms: 0, p90Ms: 0, p95Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
  });

  it('clampUs keeps values in range and integral', () => {
    expect(clampUs(-5)).toBe(0);
    expect(clampUs(Number.NaN)).toBe(0);
    expect(clampUs(12.6)).toBe(13);
    expect(clampUs(HIGHEST_US * 10)).toBe(HIGHEST_US);
    const h = createHistogram();
    h.recordValue(clampUs(HIGHEST_US * 10));
    expect(maxUs(h)).toBeGreaterThanOrEqual(HIGHEST_US);
  });

  it('percentileSpectrum is monotonic, ends at 100 % and max, and has tens to hundreds of points', () => {
    const h = createHistogram();
    let x = 1;
    for (let i = 0; i < 100_000; i++) {
      x = (x * 48271) % 2147483647;
      h.recordValue(100 + Math.floor(-Math.log(x / 2147483647) * 1000));
    }
    const points = percentileSpectrum(h);
    expect(points.length).toBeGreaterThan(30);
    expect(points.length).toBeLessThan(500);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.percentile).toBeGreaterThanOrEqual(points[i - 1]!.percentile);
      expect(points[i]!.valueMs).toBeGreaterThanOrEqual(points[i - 1]!.valueMs);
    }
    const last = points.at(-1)!;
    expect(last.percentile).toBe(100);
    expect(last.valueMs).toBe(maxUs(h) / 1000);
    expect(percentileSpectrum(createHistogram())).toEqual([]);
  });

  it('warmEncoder leaves the encoder as it was: the same histogram encodes to the same bytes before and after', () => {
    const h = createHistogram();
    for (const us of [3, 150, 2_000, 47_000]) h.recordValue(us);
    const before = encode(h);
    warmEncoder(3);
    expect(encode(h)).toBe(before);
    expect(summarize(decode(before)).maxMs).toBe(summarize(h).maxMs);
  });
});
