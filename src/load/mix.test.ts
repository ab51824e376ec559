// Weighted mix picks: frequencies match weights, zero weights are never picked, determinism, validation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MixEntry } from '../scenario/plan.js';
import { compileMix, compileWeighted } from './mix.js';
import { Random } from './random.js';

const entry = (name: string, weight: number): MixEntry => ({ name, weight, steps: [] });

describe('mix', () => {
  it('pick frequencies match the weights within 5σ', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 100, noNaN: true })), { minLength: 1, maxLength: 8 }), fc.nat(), (weights, seed) => {
        fc.pre(weights.some((w) => w > 0));
        const picker = compileWeighted(weights.map((w, i) => ({ i, w })), (e) => e.w);
        const rng = Random.seeded(seed);
        const draws = 20_000;
        const counts = new Array<number>(weights.length).fill(0);
        for (let k = 0; k < draws; k++) counts[picker.pick(rng).i]!++;
        const total = weights.reduce((a, b) => a + b, 0);
        weights.forEach((w, i) => {
          const p = w / total;
          if (w === 0) expect(counts[i]).toBe(0);
          else expect(Math.abs(counts[i]! - draws * p)).toBeLessThan(5 * Math.sqrt(draws * p * (1 - p)) + 1);
        });
      }),
      { numRuns: 40 },
    );
  });

  it('is deterministic for a seed', () => {
    const picker = compileMix([entry('login', 70), entry('verify', 25), entry('logout', 5)]);
    const run = (): string[] => {
      const rng = Random.seeded(9).fork('mix');
      return Array.from({ length: 100 }, () => picker.pick(rng).name);
    };
    expect(run()).toEqual(run());
    expect(picker.probabilities).toEqual([0.7, 0.25, 0.05]);
  });

  it('rejects empty mixes and bad weights, naming the entry', () => {
    expect(() => compileMix([])).toThrow(RangeError);
    expect(() => compileMix([entry('a', 0)])).toThrow(/all be 0/);
    expect(() => compileMix([entry('a', 1), entry('b', -1)])).toThrow(/mix\[1\]\.weight/);
  });
});
