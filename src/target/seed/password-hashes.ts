// The dataset's known passwords hashed once each at full Argon2id cost; every user reuses one of these PHC strings.
// Salts are derived from the seed, so the strings (and thus the seeded rows) are byte-identical across runs.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { saltForPassword, testPassword } from '../../dataset/identities.js';
import type { HashParams } from '../../dataset/types.js';

// @node-rs/argon2 declares Algorithm as a const enum and exports an empty object at runtime: use the value.
const ARGON2ID = 2 as Algorithm;


export interface HashKnownPasswordsOptions {
  signal?: AbortSignal;
  /** Hashes at once on libuv's thread pool; default one per core. */
  concurrency?: number;
  /** Folder for a JSON cache of the strings, keyed by seed, count and parameters (e.g. `.authbench/cache`). */
  cacheDir?: string;
}

/** Same inputs → same strings, so a process seeding twice (tests, reseeds) hashes once. */
const memo = new Map<string, readonly string[]>();

/**
 * The PHC strings of the known passwords 0..count-1, from memory, the cache folder, or computed (and then cached).
 * Deterministic salts make every cached string exactly what hashing would produce again.
 */
export async function knownPasswordHashes(seed: number, count: number, params: HashParams, opts: HashKnownPasswordsOptions = {}): Promise<readonly string[]> {
  const key = `${seed}-${count}-m${params.memoryKiB}-t${params.timeCost}-p${params.parallelism}`;
  const cached = memo.get(key);
  if (cached) return cached;
  const file = opts.cacheDir ? path.join(opts.cacheDir, `argon2id-${key}.json`) : undefined;
  if (file) {
    const fromFile = await readCache(file, seed, count, params);
    if (fromFile) {
      memo.set(key, fromFile);
      return fromFile;
    }
  }
  const hashes = await hashKnownPasswords(seed, count, params, opts);
  memo.set(key, hashes);
  if (file) {
    // Best effort: a read-only or full disk only costs the next run the hashing time again.
    await fs.mkdir(path.dirname(file), { recursive: true }).then(() => fs.writeFile(file, JSON.stringify(hashes))).catch(() => undefined);
  }
  return hashes;
}

/** The cached strings when the file is whole and each carries the expected parameters and salt; else undefined. */
async function readCache(file: string, seed: number, count: number, params: HashParams): Promise<string[] | undefined> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    if (!Array.isArray(parsed) || parsed.length !== count) return undefined;
    const prefix = `$argon2id$v=19$m=${params.memoryKiB},t=${params.timeCost},p=${params.parallelism}$`;
    for (let k = 0; k < count; k++) {
      const phc: unknown = parsed[k];
      const salt = saltForPassword(seed, k).toString('base64').replace(/=+$/, '');
      if (typeof phc !== 'string' || !phc.startsWith(`${prefix}${salt}$`)) return undefined;
    }
    return parsed as string[];
  } catch {
    return undefined;
  }
}

/**
 * PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of the known passwords 0..count-1.
 * Runs `concurrency` hashes at once on libuv's thread pool (default: one per core).
 */
export async function hashKnownPasswords(seed: number, count: number, params: HashParams, opts: HashKnownPasswordsOptions = {}): Promise<string[]> {
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
