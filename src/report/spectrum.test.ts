// The HTML's percentile spectrum: every series ends with its operation's maximum, however many samples it has.
import { describe, expect, it } from 'vitest';
import { createHistogram, encode, summarize } from '../metrics/histogram.js';
import { percentileSpectrum } from './spectrum.js';

function op(key: string, count: number, maxUs: number): { key: string; latencyHistogram: string; maxMs: number } {
  const h = createHistogram(64);
  h.recordValueWithCount(1_000, count - 1);
  h.recordValue(maxUs);
  return { key, latencyHistogram: encode(h), maxMs: summarize(h).maxMs };
}

const lastValue = (values: readonly (number | null)[]): number | null => values.filter((v) => v !== null).at(-1) ?? null;

describe('percentileSpectrum', () => {
  it('keeps the maximum of an operation with ≥ 100,000 samples (it resolves the whole grid)', () => {
    const big = op('auth.login', 150_000, 480_000);
    const spectrum = percentileSpectrum([big]);
    const series = spectrum.series[0]!;
    expect(series.values).toHaveLength(spectrum.x.length);
    expect(lastValue(series.values)).toBeCloseTo(big.maxMs, 6);
    expect(spectrum.x.at(-1)).toBeGreaterThan(100_000);
  });

  it('ends a small series with its maximum and leaves the rest of the shared grid empty', () => {
    const big = op('auth.login', 120_000, 300_000);
    const small = op('user.lookup', 50, 90_000);
    const spectrum = percentileSpectrum([big, small]);
    const [b, s] = spectrum.series;
    expect(lastValue(b!.values)).toBeCloseTo(big.maxMs, 6);
    expect(lastValue(s!.values)).toBeCloseTo(small.maxMs, 6);
    const smallEnd = s!.values.findIndex((v) => v === null);
    expect(spectrum.x[smallEnd - 1]).toBeGreaterThan(50); // the maximum sits on the first point past 50 samples
    expect(s!.values.slice(smallEnd).every((v) => v === null)).toBe(true);
  });

  it('does not add a point beyond the grid when no series needs it', () => {
    const lookup = op('user.lookup', 5_000, 20_000);
    const spectrum = percentileSpectrum([lookup]);
    expect(spectrum.x.at(-1)).toBeLessThanOrEqual(10_000);
    expect(lastValue(spectrum.series[0]!.values)).toBeCloseTo(lookup.maxMs, 6);
  });
});
