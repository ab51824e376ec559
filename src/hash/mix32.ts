// The 32-bit integer finalizer shared by the seeded dataset (dataset/prng.ts) and the load generator's streams
// (load/random.ts). Pure and dependency-free; changing it changes every seeded dataset and every run's draws.

/** 32-bit finalizer (lowbias32, C. Wellons): full avalanche, cheap with Math.imul. Returns an unsigned integer. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
