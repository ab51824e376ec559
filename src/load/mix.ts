// Weighted choice of the traffic mix entry for each iteration, in O(1) per pick (Vose's alias method).
// Compiled once from the plan; every pick takes one draw from the caller's seeded stream.
import type { MixEntry } from '../scenario/plan.js';
import type { Random } from './random.js';

export interface MixPicker<T> {
  readonly entries: readonly T[];
  /** Probability of each entry (weights normalized), for reports and tests. */
  readonly probabilities: readonly number[];
  pick(rng: Random): T;
}

/**
 * Vose's alias method (M. D. Vose, IEEE TSE 17(9), 1991): column i is kept with probability prob[i], otherwise
 * alias[i] is taken. Exact up to float rounding, O(1) per pick with a single uniform draw; weight 0 is never picked.
 */
export function compileWeighted<T>(entries: readonly T[], weightOf: (entry: T) => number): MixPicker<T> {
  const n = entries.length;
  if (n === 0) throw new RangeError('mix: at least one entry is required');
  const weights = entries.map(weightOf);
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`mix[${i}].weight must be a finite number ≥ 0, got ${w}`);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('mix: the weights must not all be 0');

  const probabilities = weights.map((w) => w / total);
  const prob = new Float64Array(n);
  const alias = new Uint32Array(n);
  const scaled = probabilities.map((p) => p * n);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    prob[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  // leftovers are 1 up to rounding; a zero-weight leftover must never be kept
  for (const i of [...large, ...small]) {
    prob[i] = weights[i]! > 0 ? 1 : 0;
    alias[i] = weights.findIndex((w) => w > 0);
  }

  return {
    entries,
    probabilities,
    pick(rng: Random): T {
      const u = rng.float() * n;
      const column = Math.floor(u);
      return entries[u - column < prob[column]! ? column : alias[column]!]!;
    },
  };
}

/** The plan's mix, weighted by `weight`. */
export function compileMix(mix: readonly MixEntry[]): MixPicker<MixEntry> {
  return compileWeighted(mix, (entry) => entry.weight);
}
