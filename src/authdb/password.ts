// Verifies a password against a stored Argon2 PHC string (@node-rs/argon2), and bounds how many verifies run at once.
// Chosen over `argon2` on measured evidence in docs/password-hashing.md: its prebuild crashes Node 20, and it is slower.
import os from 'node:os';
import { parseOptions, verify as nativeVerify } from '@node-rs/argon2';

/**
 * Largest memory cost accepted from a PHC string (1 GiB). The cost is read from the string itself, so without a bound one
 * corrupt row (`m=99999999`) makes the verify allocate ~95 GiB and the process is OOM-killed (seen while probing).
 */
export const MAX_MEMORY_KIB = 1 << 20;
/** Largest time cost accepted from a PHC string: far above any policy, low enough that one verify cannot stall a worker. */
export const MAX_TIME_COST = 64;

/** A stored password hash that is not a usable Argon2 PHC string; a data problem, never a wrong password. */
export class MalformedPasswordHashError extends Error {
  readonly code = 'AB_ERR_MALFORMED_PASSWORD_HASH';

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`stored password hash is not a usable Argon2 PHC string: ${reason}`, options);
    this.name = 'MalformedPasswordHashError';
  }
}

/**
 * True when `password` matches `phc` (any Argon2 variant, version and parameters encoded in it), false when it does not.
 * Throws MalformedPasswordHashError when `phc` cannot be parsed or asks for more than MAX_MEMORY_KIB / MAX_TIME_COST.
 */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  let params: ReturnType<typeof parseOptions>;
  try {
    // Parsed up front so a malformed string is told apart from a wrong password, and its cost is checked before running.
    params = parseOptions(phc);
  } catch (err) {
    throw new MalformedPasswordHashError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  if (params.memoryCost > MAX_MEMORY_KIB) throw new MalformedPasswordHashError(`memory cost m=${params.memoryCost} KiB is above ${MAX_MEMORY_KIB}`);
  if (params.timeCost > MAX_TIME_COST) throw new MalformedPasswordHashError(`time cost t=${params.timeCost} is above ${MAX_TIME_COST}`);
  try {
    return await nativeVerify(phc, password);
  } catch (err) {
    throw new MalformedPasswordHashError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

export type VerifyFunction = (phc: string, password: string) => Promise<boolean>;

export interface HashLimiter {
  /** Like verifyPassword, but waits (FIFO) while `maxConcurrent` verifies are already running. */
  verify(phc: string, password: string): Promise<boolean>;
  readonly maxConcurrent: number;
  /** Verifies running now. */
  readonly inFlight: number;
  /** Verifies waiting for a slot. */
  readonly waiting: number;
}

export interface HashLimiterOptions {
  /** The verify to run under the bound; default verifyPassword. Tests pass an instrumented one. */
  verify?: VerifyFunction;
}

/**
 * At most `maxConcurrent` verifies at once (default: one per core). More in flight than cores only queues in libuv's
 * pool while holding 19 MiB each, and takes threads that DNS and file I/O share; measured: no throughput gain past the cores.
 */
export function createHashLimiter(maxConcurrent: number = os.availableParallelism(), options: HashLimiterOptions = {}): HashLimiter {
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new RangeError(`maxConcurrent: expected an integer >= 1, got ${maxConcurrent}`);
  const run = options.verify ?? verifyPassword;
  const queue: (() => void)[] = [];
  let inFlight = 0;

  const release = (): void => {
    const next = queue.shift();
    // Hand the slot straight to the next waiter, so inFlight never dips and a newcomer cannot jump the queue.
    if (next) next();
    else inFlight--;
  };

  return {
    maxConcurrent,
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
    async verify(phc, password) {
      if (inFlight < maxConcurrent) inFlight++;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await run(phc, password);
      } finally {
        release();
      }
    },
  };
}
