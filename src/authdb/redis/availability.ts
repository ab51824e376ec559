// Turns "Redis is down or slow" into a plain result the hot path can count, instead of an exception.
// Server replies that mean a bug (wrong type, script error) still throw: hiding them would hide wrong numbers.

/** What every check returns when Redis could not answer: the caller falls back (database) and counts it. */
export interface Unavailable {
  readonly status: 'unavailable';
  /** Short reason from the client, e.g. "Connection is closed." or "Command timed out". */
  readonly reason: string;
}

/** Replies from a live server that still mean "cannot serve now". */
const transientReplies = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|CLUSTERDOWN|TRYAGAIN)\b/;

/** True when the error means Redis could not serve the command (down, unreachable, timed out, overloaded). */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ReplyError') return transientReplies.test(err.message);
  return true;
}

/** Counts of checks answered `unavailable`, per operation; one object per layer, read with `snapshot()`. */
export class UnavailableCounter {
  private readonly counts = new Map<string, number>();

  add(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
}

/** Runs one Redis call; a connection-level failure becomes `Unavailable` (counted), anything else rethrows. */
export async function guarded<T>(
  operation: string,
  counter: UnavailableCounter,
  call: () => Promise<T>,
): Promise<T | Unavailable> {
  try {
    return await call();
  } catch (err) {
    if (!isUnavailableError(err)) throw err;
    counter.add(operation);
    return { status: 'unavailable', reason: (err as Error).message };
  }
}

export function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'unavailable';
}
