// Interval grid: warm-up intervals end exactly at the warm-up end; indices and ranges agree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intervalIndexAt, intervalRange, warmupIntervalCount } from './intervals.js';

describe('intervals', () => {
  it('cuts the last warm-up interval at the warm-up end', () => {
    const grid = { warmupMs: 2500, intervalMs: 1000 };
    expect(warmupIntervalCount(grid)).toBe(3);
    expect(intervalRange(grid, 2)).toEqual({ index: 2, startMs: 2000, endMs: 2500, warmup: true });
    expect(intervalRange(grid, 3)).toEqual({ index: 3, startMs: 2500, endMs: 3500, warmup: false });
    expect(intervalRange({ warmupMs: 0, intervalMs: 1000 }, 0)).toEqual({ index: 0, startMs: 0, endMs: 1000, warmup: false });
  });

  it('intervalIndexAt(t) names the interval whose range contains t', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 500_000, noNaN: true }), (warmupMs, intervalMs, t) => {
        const grid = { warmupMs, intervalMs };
        const r = intervalRange(grid, intervalIndexAt(grid, t));
        expect(r.startMs).toBeLessThanOrEqual(t);
        expect(t).toBeLessThan(r.endMs);
        expect(r.warmup).toBe(t < warmupMs);
      }),
    );
  });
});
