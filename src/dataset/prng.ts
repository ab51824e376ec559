// Counter-based pseudo-random numbers: every value is a pure hash of (seed, stream, index, sub-index).
// No sequential state, so any row can be regenerated alone (the load generator does) and order never matters.
import { mix32 } from '../hash/mix32.js';

/** Distinct stream ids keep the values of different columns/tables independent. Never renumber: it changes datasets. */
export const Stream = {
  firstName: 1,
  lastName: 2,
  password: 3,
  wrongPassword: 4,
  salt: 5,
  createdAt: 6,
  roleCount: 7,
  roleChoice: 8,
  agent: 9,
  sessionCount: 10,
  sessionState: 11,
  sessionToken: 12,
  sessionTime: 13,
  // 14 was rolePermissions (roles and grants now come from the migrations); never reuse a retired id.
  userAgent: 15,
  ipAddress: 16,
  lastLogin: 17,
  status: 18,
} as const;

/** Uniform uint32 from (seed, stream, i, j). */
export function hash32(seed: number, stream: number, i: number, j = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(stream, 0x85ebca6b));
  // Indexes above 2^32 are not expected (datasets are at most tens of millions of rows).
  h = mix32((h + i) >>> 0);
  return mix32((h ^ Math.imul(j + 1, 0xc2b2ae35)) >>> 0);
}

/** Uniform float in [0, 1). */
export function unit(seed: number, stream: number, i: number, j = 0): number {
  return hash32(seed, stream, i, j) / 4294967296;
}

/** Uniform integer in [0, n). */
export function below(n: number, seed: number, stream: number, i: number, j = 0): number {
  return Math.floor(unit(seed, stream, i, j) * n);
}

/** Uniform integer in [lo, hi] (both inclusive). */
export function between(lo: number, hi: number, seed: number, stream: number, i: number, j = 0): number {
  return lo + below(hi - lo + 1, seed, stream, i, j);
}
