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
    recording?.unavailable();
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
    const value = await call();
    recording?.answered();
    return value;
  } catch (err) {
    if (!isUnavailableError(err)) {
      recording?.answered(); // an error reply is still an answer: the server is up
      throw err;
    }
    counter.add(operation);
    return { status: 'unavailable', reason: (err as Error).message };
  }
}

export function isUnavailable(value: unknown): value is Unavailable {
  return typeof value === 'object' && value !== null && (value as { status?: unknown }).status === 'unavailable';
}

/** One Redis outage as the layer's checks saw it, epoch ms: the first unavailable answer → the first answer after it. */
export interface RedisOutage {
  readonly firstUnavailableAtMs: number;
  /** Null while Redis has not answered again (the run ended first). */
  readonly recoveredAtMs: number | null;
  /** Checks answered `unavailable` in the outage (an iteration may make several). */
  readonly unavailable: number;
}

/** The outages of the Redis layers of one thread, fed by every guarded call once `recordOutages(log)` is set. */
export class OutageLog {
  private readonly log: { firstUnavailableAtMs: number; recoveredAtMs: number | null; unavailable: number }[] = [];
  private open = false;

  /** `now`: epoch ms; the load workers pass their own clock so outages line up with their samples. */
  constructor(private readonly now: () => number = Date.now) {}

  unavailable(): void {
    if (!this.open) {
      this.log.push({ firstUnavailableAtMs: this.now(), recoveredAtMs: null, unavailable: 0 });
      this.open = true;
    }
    this.log[this.log.length - 1]!.unavailable += 1;
  }

  answered(): void {
    if (!this.open) return; // the hot path: one branch while Redis is fine
    this.log[this.log.length - 1]!.recoveredAtMs = this.now();
    this.open = false;
  }

  outages(): RedisOutage[] {
    return this.log.map((o) => ({ ...o }));
  }
}

let recording: OutageLog | null = null;

/** Logs this thread's Redis outages into `log` (null: stop). A load worker records its layer's outages during the load. */
export function recordOutages(log: OutageLog | null): void {
  recording = log;
}
