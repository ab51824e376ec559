// Parameter samplers: determinism, uniform bounds and integrality, sequential wrap and worker interleave,
// list and const, and Zipf frequencies against theory (including s = 1 and huge n).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParamGenerator } from '../scenario/plan.js';
import { compileGenerator, sequentialSampler, zipfSampler } from './generators.js';
import { Random } from './random.js';

const sample = (gen: ParamGenerator, seed: number, n: number): unknown[] => {
  const draw = compileGenerator(gen, Random.seeded(seed).fork('param'));
  return Array.from({ length: n }, draw);
};

/** Generalized harmonic number Σ_{k=1..n} k^−s. */
const harmonic = (n: number, s: number): number => {
  let h = 0;
  for (let k = n; k >= 1; k--) h += k ** -s;
  return h;
};

describe('generators', () => {
  it('are deterministic for a seed', () => {
    const gens: ParamGenerator[] = [
      { kind: 'uniform', min: 0, max: 1_000_000 },
      { kind: 'uniform', min: 0.5, max: 2.5 },
      { kind: 'zipf', s: 1.1, n: 1_000_000 },
      { kind: 'list', values: ['a', 'b', 3, true] },
    ];
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...gens), (seed, gen) => {
        expect(sample(gen, seed, 50)).toEqual(sample(gen, seed, 50));
      }),
      { numRuns: 40 },
    );
  });

  it('uniform stays in bounds; integer bounds give integers covering both ends', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1e6, max: 1e6 }), fc.nat(20), (seed, min, width) => {
        const values = sample({ kind: 'uniform', min, max: min + width }, seed, 400) as number[];
        expect(values.every((v) => Number.isInteger(v) && v >= min && v <= min + width)).toBe(true);
        expect(values).toContain(min);
        expect(values).toContain(min + width);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0.001, max: 1e3, noNaN: true }), (seed, min, width) => {
        const max = min + width;
        const values = sample({ kind: 'uniform', min, max }, seed, 100) as number[];
        expect(values.every((v) => v >= min && v <= max)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('sequential wraps, and workers interleave without repeats before the wrap', () => {
    const one = sequentialSampler(5, 8);
    expect(Array.from({ length: 9 }, one)).toEqual([5, 6, 7, 8, 5, 6, 7, 8, 5]);
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 8 }), (start, size, workers) => {
        const perWorker = Math.floor(size / workers);
        const seen: number[] = [];
        for (let w = 0; w < workers; w++) {
          const draw = sequentialSampler(start, start + size - 1, { index: w, count: workers });
          for (let i = 0; i < perWorker; i++) seen.push(draw());
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.every((v) => v >= start && v < start + size)).toBe(true);
        // and each worker alone wraps within the range forever
        const draw = sequentialSampler(start, start + size - 1, { index: workers - 1, count: workers });
        for (let i = 0; i < 3 * size; i++) {
          const v = draw();
          expect(v >= start && v < start + size).toBe(true);
        }
      }),
    );
  });

  it('const and list', () => {
    expect(sample({ kind: 'const', value: 'x' }, 1, 3)).toEqual(['x', 'x', 'x']);
    const values = sample({ kind: 'list', values: ['a', 'b', 'c'] }, 1, 3000);
    for (const v of ['a', 'b', 'c']) expect(values.filter((x) => x === v).length).toBeGreaterThan(900);
    expect(() => sample({ kind: 'list', values: [] }, 1, 1)).toThrow(RangeError);
  });

  it.each([0.5, 0.99, 1, 1.01, 1.2, 2, 3])('zipf(s=%d, n=1000): rank frequencies match 1/H within 5σ', (s) => {
    const n = 1000;
    const draws = 200_000;
    const draw = zipfSampler(s, n, Random.seeded(11).fork(`zipf-${s}`));
    const counts = new Map<number, number>();
    let outOfRange = 0;
    for (let i = 0; i < draws; i++) {
      const k = draw();
      if (!(k >= 1 && k <= n && Number.isInteger(k))) outOfRange++;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect(outOfRange).toBe(0);
    const H = harmonic(n, s);
    for (const rank of [1, 2, 10]) {
      const p = rank ** -s / H;
      const sigma = Math.sqrt(draws * p * (1 - p));
      expect(Math.abs((counts.get(rank) ?? 0) - draws * p)).toBeLessThan(5 * sigma + 1);
    }
  });

  it('zipf over tiny n is exact in distribution (chi-square)', () => {
    for (const s of [0.7, 1, 2.5]) {
      const n = 5;
      const draws = 100_000;
      const draw = zipfSampler(s, n, Random.seeded(3));
      const counts = new Array<number>(n + 1).fill(0);
      for (let i = 0; i < draws; i++) counts[draw()]!++;
      const H = harmonic(n, s);
      let chi2 = 0;
      for (let k = 1; k <= n; k++) chi2 += (counts[k]! - (draws * k ** -s) / H) ** 2 / ((draws * k ** -s) / H);
      expect(chi2).toBeLessThan(18.5); // 4 degrees of freedom, p = 0.001
    }
    expect(Array.from({ length: 20 }, zipfSampler(1.5, 1, Random.seeded(1)))).toEqual(new Array(20).fill(1));
  });

  it('zipf handles huge n in O(1): rank 1 at 1/H(n) for s = 1, n = 10¹²', () => {
    const n = 1e12;
    const draws = 100_000;
    const draw = zipfSampler(1, n, Random.seeded(5));
    let ones = 0;
    let maxRank = 0;
    for (let i = 0; i < draws; i++) {
      const k = draw();
      if (k === 1) ones++;
      if (k > maxRank) maxRank = k;
    }
    const p = 1 / (Math.log(n) + 0.5772156649 + 1 / (2 * n)); // H(n) ≈ ln n + γ
    expect(Math.abs(ones - draws * p)).toBeLessThan(5 * Math.sqrt(draws * p * (1 - p)));
    expect(maxRank).toBeLessThanOrEqual(n);
    expect(maxRank).toBeGreaterThan(1e6); // the long tail is reached
  });

  it('rejects invalid parameters', () => {
    const r = Random.seeded(1);
    expect(() => zipfSampler(0, 10, r)).toThrow(/s must be > 0/);
    expect(() => zipfSampler(1, 0, r)).toThrow(/n must be/);
    expect(() => compileGenerator({ kind: 'uniform', min: 2, max: 1 }, r)).toThrow(/min ≤ max/);
    expect(() => sequentialSampler(3, 1)).toThrow(/start ≤ end/);
  });
});
