// Parameter samplers compiled once from the plan's ParamGenerators: const, uniform, zipf, sequential, list.
// Each sampler owns a seeded Random stream, so a run's parameters are reproducible from its seed.
import type { ParamGenerator } from '../scenario/plan.js';
import type { Random } from './random.js';

export type ParamValue = string | number | boolean;
export type Sampler = () => ParamValue;

/** This worker's share of a sequence: worker `index` of `count` takes every count-th value. */
export interface Partition {
  readonly index: number;
  readonly count: number;
}

const WHOLE: Partition = { index: 0, count: 1 };

/**
 * Compiles a generator into a sampler. `rng` should be a stream forked for this parameter alone. `partition`
 * matters only for `sequential`: the workers' values interleave, so no value repeats before the range wraps.
 */
export function compileGenerator(gen: ParamGenerator, rng: Random, partition: Partition = WHOLE): Sampler {
  switch (gen.kind) {
    case 'const': {
      const value = gen.value;
      return () => value;
    }
    case 'uniform':
      return uniformSampler(gen.min, gen.max, rng);
    case 'zipf':
      return zipfSampler(gen.s, gen.n, rng);
    case 'sequential':
      return sequentialSampler(gen.start, gen.end, partition);
    case 'list': {
      const values = gen.values;
      if (values.length === 0) throw new RangeError('list: values must not be empty');
      return () => values[Math.floor(rng.float() * values.length)]!;
    }
  }
}

/** Integers in [min, max] (both inclusive) when both bounds are integers; otherwise reals in [min, max). */
export function uniformSampler(min: number, max: number, rng: Random): () => number {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) throw new RangeError(`uniform: need finite min ≤ max, got min=${min}, max=${max}`);
  if (Number.isInteger(min) && Number.isInteger(max)) {
    const span = max - min + 1;
    if (!Number.isSafeInteger(span)) throw new RangeError(`uniform: range ${min}..${max} is too large`);
    return () => min + Math.floor(rng.float() * span);
  }
  const width = max - min;
  return () => min + rng.float() * width;
}

/** start, start+1, …, end (inclusive), then start again; worker i of W starts at start+i and steps by W. */
export function sequentialSampler(start: number, end: number, partition: Partition = WHOLE): () => number {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end) throw new RangeError(`sequential: need integers start ≤ end, got start=${start}, end=${end}`);
  if (!Number.isInteger(partition.count) || partition.count < 1 || !Number.isInteger(partition.index) || partition.index < 0 || partition.index >= partition.count) {
    throw new RangeError(`sequential: bad partition ${partition.index} of ${partition.count}`);
  }
  const size = end - start + 1;
  const step = partition.count % size;
  let offset = partition.index % size;
  return () => {
    const value = start + offset;
    offset += step;
    if (offset >= size) offset -= size;
    return value;
  };
}

/*
 * Zipf over ranks 1..n, P(k) ∝ k^−s, by rejection-inversion (W. Hörmann, G. Derflinger, "Rejection-inversion to
 * generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996), as in Apache Commons
 * (RejectionInversionZipfSampler): O(1) expected per draw and O(1) setup for any n (no table of n weights), for every
 * s > 0. s = 1 is the limit of the same formulas, evaluated through log1p(x)/x and expm1(x)/x series near 0.
 */

/** log1p(x)/x, accurate near 0. */
function helper1(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (1 / 2 - x * (1 / 3 - x * (1 / 4)));
}

/** expm1(x)/x, accurate near 0. */
function helper2(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + (x / 2) * (1 + (x / 3) * (1 + x / 4));
}

/** Draws a Zipf rank in 1..n (1 is the hottest). */
export function zipfSampler(s: number, n: number, rng: Random): () => number {
  if (!(s > 0) || !Number.isFinite(s)) throw new RangeError(`zipf: exponent s must be > 0, got ${s}`);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`zipf: n must be a positive integer, got ${n}`);
  // H(x) = ((x^(1−s)) − 1)/(1 − s): the integral of h(x) = x^−s, written to stay finite at s = 1 (→ log x)
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return helper2((1 - s) * logX) * logX;
  };
  const h = (x: number): number => Math.exp(-s * Math.log(x));
  const hIntegralInverse = (x: number): number => {
    let t = x * (1 - s);
    if (t < -1) t = -1; // rounding guard: keep log1p defined
    return Math.exp(helper1(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const squeeze = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return () => {
    for (;;) {
      // u is uniform in (hIntegralX1, hIntegralN]
      const u = hIntegralN + rng.float() * (hIntegralX1 - hIntegralN);
      const x = hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= squeeze || u >= hIntegral(k + 0.5) - h(k)) return k;
    }
  };
}
