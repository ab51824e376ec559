// Worker side: accumulates latencies, errors, outcomes and generator counters for the current interval,
// and once per interval flushes them as an IntervalSnapshot (encoded histograms, plain counts) and resets.
import { ERROR_KINDS, type ErrorKind } from '../results/types.js';
import { clampUs, createHistogram, encode, type Histogram } from './histogram.js';
import type { GeneratorSnapshot, IntervalSnapshot, KeySnapshot } from './types.js';

// null prototype: a bogus kind such as 'toString' must miss, not find Object.prototype's
const ERROR_INDEX: Readonly<Record<ErrorKind, number>> = Object.assign(Object.create(null) as object, Object.fromEntries(ERROR_KINDS.map((k, i) => [k, i]))) as Record<ErrorKind, number>;

/** Per-key state kept for the whole run and reset each interval, so the hot path never allocates. */
class KeyState {
  readonly latency: Histogram = createHistogram();
  readonly service: Histogram = createHistogram();
  count = 0;
  readonly errors = new Float64Array(ERROR_KINDS.length);
  readonly outcomes = new Map<string, number>();
  /** Anything recorded since the last flush (outcome counts alone included). */
  active = false;

  snapshotAndReset(): KeySnapshot {
    const errors: Partial<Record<ErrorKind, number>> = {};
    for (let i = 0; i < ERROR_KINDS.length; i++) {
      const n = this.errors[i]!;
      if (n > 0) errors[ERROR_KINDS[i]!] = n;
    }
    const outcomes: Record<string, number> = {};
    for (const [name, n] of this.outcomes) {
      if (n > 0) outcomes[name] = n;
      // keep the entry: the same outcome names recur every interval
      this.outcomes.set(name, 0);
    }
    const snapshot: KeySnapshot = {
      count: this.count,
      errors,
      outcomes,
      latency: this.latency.totalCount > 0 ? encode(this.latency) : null,
      service: this.service.totalCount > 0 ? encode(this.service) : null,
    };
    this.latency.reset();
    this.service.reset();
    this.count = 0;
    this.errors.fill(0);
    this.active = false;
    return snapshot;
  }
}

export interface IntervalRecorderOptions {
  readonly workerId: number;
  /** An iteration that starts more than this after its intended time counts as late. */
  readonly latenessBoundUs: number;
}

export class IntervalRecorder {
  readonly workerId: number;
  readonly #latenessBoundUs: number;
  readonly #keys = new Map<string, KeyState>();
  readonly #scheduleLag: Histogram = createHistogram();
  readonly #eventLoopLag: Histogram = createHistogram();
  #scheduled = 0;
  /** End of the interval now open (ms since the start); arrivals due at or after it belong to the next one. */
  #openEndMs = Number.POSITIVE_INFINITY;
  /** Arrivals seen before the flush of the interval they were not due in: counted into the next one. */
  #carriedScheduled = 0;
  #carriedLate = 0;
  #started = 0;
  #dropped = 0;
  #queued = 0;
  #poolTimeouts = 0;
  #late = 0;
  #finished = 0;
  /** Cumulative over the run (a gauge), not reset per interval. */
  #inFlight = 0;
  #inFlightMax = 0;

  constructor(options: IntervalRecorderOptions) {
    if (!Number.isInteger(options.workerId) || options.workerId < 0) throw new RangeError(`workerId must be a non-negative integer, got ${options.workerId}`);
    if (!(options.latenessBoundUs >= 0)) throw new RangeError(`latenessBoundUs must be ≥ 0, got ${options.latenessBoundUs}`);
    this.workerId = options.workerId;
    this.#latenessBoundUs = options.latenessBoundUs;
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    if (state === undefined) {
      state = new KeyState();
      this.#keys.set(key, state);
    }
    state.active = true;
    return state;
  }

  /** A successful iteration of `key`: latency from the intended start, service time from the actual start (µs). */
  record(key: string, latencyUs: number, serviceUs: number): void {
    const state = this.#state(key);
    state.count++;
    state.latency.recordValue(clampUs(latencyUs));
    state.service.recordValue(clampUs(serviceUs));
  }

  /**
   * A failed iteration. It counts in `count` and `errors`; when its latency is known it also enters the latency
   * (and service) histograms, so a timeout shows up in the tail instead of vanishing from it.
   */
  recordError(key: string, kind: ErrorKind, latencyUs?: number, serviceUs?: number): void {
    const state = this.#state(key);
    const index = ERROR_INDEX[kind];
    if (index === undefined) throw new RangeError(`unknown error kind: ${String(kind)}`);
    state.count++;
    state.errors[index]!++;
    if (latencyUs !== undefined) state.latency.recordValue(clampUs(latencyUs));
    if (serviceUs !== undefined) state.service.recordValue(clampUs(serviceUs));
  }

  /** A correct answer of a given kind (`granted`, `denied`, `hit`, …); does not change `count`. */
  recordOutcome(key: string, outcome: string): void {
    const outcomes = this.#state(key).outcomes;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }

  /** Iterations due with no schedule lag of their own (the closed model's virtual users). */
  countScheduled(n = 1): void {
    this.#scheduled += n;
  }

  /**
   * An arrival of the open model, seen by the dispatcher `scheduleLagUs` after its intended time. That lag is the
   * generator's own (timers, a busy event loop); waiting for a connection afterwards is not, and is not counted here.
   */
  countArrival(scheduleLagUs: number, dueMs = Number.NEGATIVE_INFINITY): void {
    const late = scheduleLagUs > this.#latenessBoundUs;
    if (dueMs >= this.#openEndMs) {
      // Due after the open interval's end but seen before its flush ran: it is the next interval's arrival.
      this.#carriedScheduled++;
      if (late) this.#carriedLate++;
    } else {
      this.#scheduled++;
      if (late) this.#late++;
    }
    this.#scheduleLag.recordValue(clampUs(scheduleLagUs));
  }

  /**
   * The interval now open ends at `endMs` (ms since the start): an arrival due from then on is counted in the next
   * interval even when the event loop reaches it before that interval's flush. With the worker's catch-up before
   * each flush (src/load/models/interval-close.ts), every arrival is `scheduled` in the interval it was due in.
   */
  openIntervalUntil(endMs: number): void {
    this.#openEndMs = endMs;
  }

  /** An arrival found every connection busy and waits for one. */
  countQueued(): void {
    this.#queued++;
  }

  /** A waiting arrival gave up at the pool timeout (its `timeout` error is recorded by the iteration runner). */
  countPoolTimeout(): void {
    this.#poolTimeouts++;
  }

  /** An iteration started. */
  countStarted(): void {
    this.#started++;
    this.#inFlight++;
    if (this.#inFlight > this.#inFlightMax) this.#inFlightMax = this.#inFlight;
  }

  /** Arrivals that never started: still waiting for a connection when the run was stopped. */
  countDropped(n = 1): void {
    this.#dropped += n;
  }

  /** An iteration ended, whatever its outcome (pairs with countStarted). */
  countFinished(): void {
    this.#finished++;
    this.#inFlight--;
  }

  /** One event-loop lag sample (e.g. from a setInterval drift probe), µs. */
  recordEventLoopLag(lagUs: number): void {
    this.#eventLoopLag.recordValue(clampUs(lagUs));
  }

  /** Returns everything recorded since the previous flush as plain data, and starts a new interval. */
  flush(intervalIndex: number, startMs: number, endMs: number): IntervalSnapshot {
    const operations: Record<string, KeySnapshot> = {};
    for (const [key, state] of this.#keys) {
      if (state.active) operations[key] = state.snapshotAndReset();
    }
    const generator: GeneratorSnapshot = {
      scheduled: this.#scheduled,
      started: this.#started,
      dropped: this.#dropped,
      queued: this.#queued,
      poolTimeouts: this.#poolTimeouts,
      late: this.#late,
      finished: this.#finished,
      inFlight: this.#inFlight,
      inFlightMax: this.#inFlightMax,
      scheduleLag: this.#scheduleLag.totalCount > 0 ? encode(this.#scheduleLag) : null,
      eventLoopLag: this.#eventLoopLag.totalCount > 0 ? encode(this.#eventLoopLag) : null,
    };
    this.#scheduleLag.reset();
    this.#eventLoopLag.reset();
    this.#scheduled = this.#carriedScheduled;
    this.#late = this.#carriedLate;
    this.#carriedScheduled = 0;
    this.#carriedLate = 0;
    this.#started = 0;
    this.#dropped = 0;
    this.#queued = 0;
    this.#poolTimeouts = 0;
    this.#finished = 0;
    this.#inFlightMax = this.#inFlight;
    return { workerId: this.workerId, intervalIndex, startMs, endMs, operations, generator };
  }
}
