// The statistics behind "within noise": spread, autocorrelation, effective sample size, sampling floors, the status rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyChange,
  combinedNoiseBand,
  effectiveSampleSize,
  errorDispersion,
  errorRatioStandardError,
  intervalStandardError,
  lag1Autocorrelation,
  median,
  quantileStandardError,
  relativeChange,
  robustSigma,
  type ChangeInput,
} from './noise.js';

describe('spread', () => {
  it.each([
    { values: [], median: Number.NaN },
    { values: [3], median: 3 },
    { values: [5, 1, 3], median: 3 },
    { values: [4, 1, 3, 2], median: 2.5 },
  ])('median($values) = $median', ({ values, median: expected }) => {
    expect(median(values)).toBe(expected);
  });

  it('one spike second does not widen the robust σ', () => {
    const steady = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10];
    expect(robustSigma([...steady, 500])).toBeCloseTo(robustSigma([...steady, 10]), 0);
  });

  it('a trend is autocorrelated, alternation is not (and never narrows the band)', () => {
    const trend = Array.from({ length: 30 }, (_, i) => i);
    const alternating = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    expect(lag1Autocorrelation(trend)).toBeGreaterThan(0.8);
    expect(lag1Autocorrelation(alternating)).toBeLessThan(-0.8);
    expect(effectiveSampleSize(30, lag1Autocorrelation(alternating))).toBe(30);
    expect(effectiveSampleSize(30, 0.5)).toBeCloseTo(10);
    expect(effectiveSampleSize(30, 0.99)).toBeCloseTo(30 * 0.1 / 1.9);
  });

  it('the standard error shrinks with √n for independent values', () => {
    const pattern = [9, 11, 10, 12, 8, 10, 9, 11, 10, 12, 8, 10];
    const four = Array.from({ length: 4 }, () => pattern).flat();
    // 4× the seconds of the same spread: half the standard error (autocorrelation of the repeated pattern aside).
    expect(intervalStandardError(four, 'robust') / intervalStandardError(pattern, 'robust')).toBeLessThan(0.6);
    expect(intervalStandardError([1], 'robust')).toBeNaN();
    expect(intervalStandardError([5, 5, 5, 5, 5, 5], 'robust')).toBe(0);
    // MAD 0 but not constant: falls back to the standard deviation.
    expect(intervalStandardError([5, 5, 5, 5, 5, 9], 'robust')).toBeGreaterThan(0);
  });
});

describe('sampling floors', () => {
  it('quantile error follows the order-statistic band of the distribution', () => {
    const uniform = (q: number): number => q * 100; // values 0..100 ms
    expect(quantileStandardError(uniform, 0.5, 10_000)).toBeCloseTo(100 * Math.sqrt(0.25 / 10_000), 6);
    expect(quantileStandardError(uniform, 0.99, 100)).toBeLessThan(quantileStandardError(uniform, 0.5, 100));
    expect(quantileStandardError(uniform, 0.5, 0)).toBeNaN();
  });

  it('errors: Poisson with +1, inflated only by bursts', () => {
    expect(errorRatioStandardError(0, 10_000)).toBeCloseTo(1 / 10_000);
    expect(errorRatioStandardError(99, 10_000)).toBeCloseTo(10 / 10_000);
    const spread = Array.from({ length: 20 }, () => ({ errors: 1, count: 100 }));
    const burst = Array.from({ length: 20 }, (_, i) => ({ errors: i < 2 ? 10 : 0, count: 100 }));
    expect(errorDispersion(spread)).toBe(1);
    expect(errorDispersion(burst)).toBeGreaterThan(5);
    expect(errorDispersion([{ errors: 0, count: 100 }, { errors: 0, count: 100 }])).toBe(1);
  });

  it('combined band adds variances; unknown on both sides is null', () => {
    expect(combinedNoiseBand(3, 4, 1)).toBe(5);
    expect(combinedNoiseBand(3, Number.NaN, 2)).toBe(6);
    expect(combinedNoiseBand(Number.NaN, Number.NaN)).toBeNull();
  });
});

describe('classifyChange', () => {
  const latency = (base: number, next: number, noiseBand: number | null, tolerance = 0.1): ChangeInput => ({ base, next, worseWhen: 'higher', tolerance, noiseBand });
  const throughput = (base: number, next: number, noiseBand: number | null): ChangeInput => ({ base, next, worseWhen: 'lower', tolerance: 0.1, noiseBand });
  it.each<[string, ChangeInput, ReturnType<typeof classifyChange>]>([
    ['no change', latency(10, 10, 0), 'ok'],
    ['inside tolerance, outside noise', latency(10, 10.9, 0.1), 'ok'],
    ['exactly the tolerance is not beyond it', latency(10, 11, 0), 'ok'],
    ['30 % slower, tight noise', latency(10, 13, 1), 'REGRESSION'],
    ['12 % slower, wide noise', latency(10, 11.2, 2), 'within noise'],
    ['on the band edge is still noise', latency(10, 12, 2), 'within noise'],
    ['30 % faster, tight noise', latency(10, 7, 1), 'improved'],
    ['30 % faster, wide noise', latency(10, 7, 4), 'within noise'],
    ['unknown noise: tolerance decides', latency(10, 12, null), 'REGRESSION'],
    ['zero tolerance flags any change outside noise', latency(10, 10.5, 0.2, 0), 'REGRESSION'],
    ['throughput drop', throughput(400, 300, 10), 'REGRESSION'],
    ['throughput rise', throughput(400, 500, 10), 'improved'],
    ['errors from 0, outside noise', latency(0, 0.01, 0.001), 'REGRESSION'],
    ['errors from 0, inside noise', latency(0, 0.0002, 0.0003), 'within noise'],
  ])('%s', (_name, input, expected) => {
    expect(classifyChange(input)).toBe(expected);
  });

  it('relative change is null only from 0 to something', () => {
    expect(relativeChange(0, 0)).toBe(0);
    expect(relativeChange(0, 1)).toBeNull();
    expect(relativeChange(10, 13)).toBeCloseTo(0.3);
  });

  it('property: a change inside the tolerance or inside the band is never a regression', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }), (base, next, tolerance, band) => {
        const status = classifyChange({ base, next, worseWhen: 'higher', tolerance, noiseBand: band });
        if (Math.abs(next - base) / base <= tolerance || Math.abs(next - base) <= band) expect(['ok', 'within noise']).toContain(status);
        if (status === 'REGRESSION') expect(next).toBeGreaterThan(base);
      }),
    );
  });
});
