// Seeded PRNG: reference test vector, determinism, order-independent forks, and a uniformity sanity check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

const draw = (r: Random, n: number): number[] => Array.from({ length: n }, () => r.uint32());

describe('Random', () => {
  it('matches the xoshiro128** reference implementation', () => {
    expect(draw(Random.fromState([1, 2, 3, 4]), 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('is deterministic for a seed, and different seeds differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1 }), (seed) => {
        expect(draw(Random.seeded(seed), 8)).toEqual(draw(Random.seeded(seed), 8));
        expect(draw(Random.seeded(seed), 8)).not.toEqual(draw(Random.seeded(seed + 1), 8));
      }),
    );
  });

  it('forks are independent of the parent position and of each other', () => {
    const a = Random.seeded(42);
    const b = Random.seeded(42);
    draw(b, 1000);
    expect(draw(a.fork('auth.login'), 5)).toEqual(draw(b.fork('auth.login'), 5));
    expect(draw(a.fork(3), 5)).toEqual(draw(b.fork(3), 5));
    const streams = [a.fork(0), a.fork(1), a.fork('0'), a.fork('auth.login'), a.fork(1).fork(0), Random.seeded(43).fork(0)].map((r) => draw(r, 4).join());
    expect(new Set(streams).size).toBe(streams.length);
  });

  it('float is in [0, 1) and int in [min, max]', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, width) => {
        const r = Random.seeded(seed);
        for (let i = 0; i < 200; i++) {
          const f = r.float();
          expect(f >= 0 && f < 1).toBe(true);
          const k = r.int(min, min + width);
          expect(k >= min && k <= min + width && Number.isInteger(k)).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('fills 16 buckets evenly (chi-square, 15 degrees of freedom)', () => {
    const r = Random.seeded(7);
    const counts = new Array<number>(16).fill(0);
    const n = 160_000;
    for (let i = 0; i < n; i++) counts[r.uint32() >>> 28]!++;
    const chi2 = counts.reduce((acc, c) => acc + (c - n / 16) ** 2 / (n / 16), 0);
    expect(chi2).toBeLessThan(37.7); // p = 0.001
  });

  it('rejects unsafe seeds and stream ids', () => {
    expect(() => Random.seeded(1.5)).toThrow(RangeError);
    expect(() => Random.seeded(0).fork(Number.NaN)).toThrow(RangeError);
  });
});
