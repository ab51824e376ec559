// Which cache entries the warm stage fills before the run: a deterministic share of them, chosen by hash, so the
// workers know without asking Redis whether a session or user should be a hit. This is how cacheHitRatio is made.
import { unit } from './prng.js';

/** Stream ids outside the seeder's (src/dataset/prng.ts uses 1..18). */
const WARM_SESSION_STREAM = 1001;
const WARM_PERMISSION_STREAM = 1002;

/** Session `s` of user `i` is in the warmed session cache. */
export function isWarmSession(seed: number, i: number, s: number, ratio: number): boolean {
  return unit(seed, WARM_SESSION_STREAM, i, s) < ratio;
}

/** User `i`'s permission mask is warmed. */
export function isWarmPermissionUser(seed: number, i: number, ratio: number): boolean {
  return unit(seed, WARM_PERMISSION_STREAM, i) < ratio;
}
