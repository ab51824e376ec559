// The data a worker sends to the main thread once per interval: plain, structured-clone-able, no class instances.
// Histograms travel as HdrHistogram's compressed base64 so the main thread can merge them exactly.
import type { ErrorKind } from '../results/types.js';

/** One operation (`auth.login`) or phase (`auth.login/db`) in one interval of one worker. */
export interface KeySnapshot {
  /** Iterations finished: successes + errors. */
  readonly count: number;
  readonly errors: Readonly<Partial<Record<ErrorKind, number>>>;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Encoded latency histogram (µs, from the intended start); null when nothing was recorded. */
  readonly latency: string | null;
  /** Encoded service-time histogram (µs, from the actual start); null when nothing was recorded. */
  readonly service: string | null;
}

/** Whether the generator kept its schedule during the interval (one worker). */
export interface GeneratorSnapshot {
  /** Arrivals due in this interval (open model). */
  readonly scheduled: number;
  readonly started: number;
  /** Arrivals that never started: still waiting for a connection when the run was stopped. */
  readonly dropped: number;
  /** Arrivals that found every connection busy (or max in flight reached) and waited for one. */
  readonly queued?: number;
  /** Waiting arrivals that gave up at the pool timeout (each is also a `timeout` error of its operation). */
  readonly poolTimeouts?: number;
  /** Seen by the dispatcher later than the lateness bound after their intended time. */
  readonly late: number;
  /** Iterations finished (any outcome) in this interval. */
  readonly finished: number;
  /** Started and not yet finished, at the end of the interval. */
  readonly inFlight: number;
  /** The most in flight at once during the interval (at least the in-flight count it started with). */
  readonly inFlightMax: number;
  /** Encoded histogram of when the dispatcher saw an arrival − its intended start, µs; null when empty. */
  readonly scheduleLag: string | null;
  /** Encoded histogram of event-loop lag samples, µs; null when empty. */
  readonly eventLoopLag: string | null;
}

export interface IntervalSnapshot {
  readonly workerId: number;
  /** 0-based; the same index means the same wall-clock interval in every worker (see intervals.ts). */
  readonly intervalIndex: number;
  /** ms since load start (warm-up included). */
  readonly startMs: number;
  readonly endMs: number;
  /** By metric key; keys with no activity in the interval are absent. */
  readonly operations: Readonly<Record<string, KeySnapshot>>;
  readonly generator: GeneratorSnapshot;
}
