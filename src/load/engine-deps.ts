// The one adapter between the load engine and the metrics engineer's pure pieces (PRNG, samplers, mix).
// Executors and operations import these names from here only, so an API change lands in this file alone.
import type { MixEntry, ParamGenerator } from '../scenario/plan.js';

/** Seeded PRNG: uniform [0,1) and independent child streams. */
export interface Random {
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** An independent stream derived from this one and `label` (same seed + label → same stream). */
  fork(label: string | number): Random;
}

/** Draws one parameter value per call. */
export type Sampler = () => string | number | boolean;

// ---- temporary implementations until src/load/{random,generators,mix}.ts land ----

function hash32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function labelHash(label: string | number): number {
  if (typeof label === 'number') return label >>> 0;
  let h = 2166136261;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return h >>> 0;
}

class SplitMix32 implements Random {
  private state: number;
  constructor(private readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return hash32(this.state, this.seed) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  fork(label: string | number): Random {
    return new SplitMix32(hash32(this.seed, labelHash(label)));
  }
}

export function createRandom(seed: number): Random {
  return new SplitMix32(seed);
}

function zipfSampler(s: number, n: number, random: Random): Sampler {
  // Inverse CDF over a precomputed table: exact for n up to a few million (the dataset's user count).
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 1; k <= n; k++) {
    total += 1 / Math.pow(k, s);
    cdf[k - 1] = total;
  }
  return () => {
    const x = random.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

export function createSampler(gen: ParamGenerator, random: Random): Sampler {
  switch (gen.kind) {
    case 'const':
      return () => gen.value;
    case 'uniform':
      return () => gen.min + random.int(gen.max - gen.min + 1);
    case 'zipf':
      return zipfSampler(gen.s, gen.n, random);
    case 'sequential': {
      let next = gen.start;
      return () => {
        const v = next;
        next = next >= gen.end ? gen.start : next + 1;
        return v;
      };
    }
    case 'list':
      return () => gen.values[random.int(gen.values.length)] ?? '';
  }
}

/** Weighted pick of a mix entry. */
export function createMixPicker(mix: readonly MixEntry[], random: Random): () => MixEntry {
  const total = mix.reduce((s, e) => s + e.weight, 0);
  return () => {
    let x = random.next() * total;
    for (const entry of mix) {
      x -= entry.weight;
      if (x < 0) return entry;
    }
    return mix[mix.length - 1]!;
  };
}
