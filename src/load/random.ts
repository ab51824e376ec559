// Seeded pseudo-random numbers for the load generator: xoshiro128** streams derived from the run's seed,
// with fork(streamId) giving each worker, mix entry and parameter its own independent, reproducible stream.

/*
 * Why xoshiro128** (Blackman & Vigna): 128-bit state, period 2¹²⁸ − 1, passes BigCrush, and needs only 32-bit
 * integer ops (Math.imul, shifts), which V8 keeps in registers — a few ns per draw, no BigInt. A fork's state is
 * derived by hashing (parent key, stream id), never from the parent's position, so a stream does not depend on how
 * many numbers anything else drew: worker 3's parameters are the same whether there are 2 or 8 mix entries.
 */
import { mix32 } from '../hash/mix32.js';

function combine(key: number, value: number): number {
  return mix32((mix32(key) ^ (value + 0x9e3779b9 + (key << 6) + (key >>> 2))) >>> 0);
}

/** FNV-1a over UTF-16 code units: stream names (mix entry names) to 32 bits. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const TWO_POW_32 = 2 ** 32;
const TWO_POW_NEG_53 = 2 ** -53;

export class Random {
  /** Identifies the stream; forks hash it with their stream id. */
  readonly key: number;
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  private constructor(key: number) {
    this.key = key >>> 0;
    // splitmix32 expands the 32-bit key into the 128-bit state
    let z = this.key;
    const next = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      return mix32(z);
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1; // the one forbidden state
  }

  /** The root stream of a run. `seed` is any safe integer (the scenario's seed). */
  static seeded(seed: number): Random {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = (seed % TWO_POW_32) >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    return new Random(combine(combine(0x5eed, lo), hi));
  }

  /** An independent stream for `streamId` (a worker index, a mix entry name, `param:user`, …). */
  fork(streamId: number | string): Random {
    let id: number;
    if (typeof streamId === 'string') id = hashString(streamId);
    else if (Number.isSafeInteger(streamId)) id = combine((streamId % TWO_POW_32) >>> 0, Math.floor(streamId / TWO_POW_32) >>> 0);
    else throw new RangeError(`stream id must be a safe integer or a string, got ${streamId}`);
    return new Random(combine(this.key, id));
  }

  /** A generator in an exact state (test vectors against the reference C implementation). */
  static fromState(state: readonly [number, number, number, number]): Random {
    const r = new Random(0);
    [r.#s0, r.#s1, r.#s2, r.#s3] = state.map((x) => x >>> 0) as [number, number, number, number];
    return r;
  }

  /** Next 32 random bits as an unsigned integer. */
  uint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (two draws). */
  float(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_NEG_53;
  }

  /** Uniform integer in [min, max], both inclusive integers. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
