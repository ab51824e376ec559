// The dataset's known passwords hashed once each at full Argon2id cost; every user reuses one of these PHC strings.
// Salts are derived from the seed, so the strings (and thus the seeded rows) are byte-identical across runs.
import os from 'node:os';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { saltForPassword, testPassword } from './identities.js';
import type { HashParams } from './types.js';

// @node-rs/argon2 declares Algorithm as a const enum and exports an empty object at runtime: use the value.
const ARGON2ID = 2 as Algorithm;

/** OWASP's minimum recommended Argon2id parameters (m=19 MiB, t=2, p=1). */
export const OWASP_MIN_HASH_PARAMS: Readonly<HashParams> = Object.freeze({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

/**
 * PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of the known passwords 0..count-1.
 * Runs `concurrency` hashes at once on libuv's thread pool (default: one per core).
 */
export async function hashKnownPasswords(
  seed: number,
  count: number,
  params: HashParams,
  opts: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<string[]> {
  const out = new Array<string>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const k = next++;
      opts.signal?.throwIfAborted();
      out[k] = await hash(
        testPassword(seed, k),
        {
          algorithm: ARGON2ID,
          memoryCost: params.memoryKiB,
          timeCost: params.timeCost,
          parallelism: params.parallelism,
          salt: saltForPassword(seed, k),
        },
        opts.signal,
      );
    }
  };
  const concurrency = Math.max(1, Math.min(count, opts.concurrency ?? os.availableParallelism()));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

/** True when `password` matches the PHC string (any Argon2 variant and parameters encoded in it). */
export function verifyPassword(phc: string, password: string): Promise<boolean> {
  return verify(phc, password);
}
