// The shared control block between the main thread and the workers: start time and stop flag in one SharedArrayBuffer.
// Atomics make a stop visible at once and wake sleeping workers, so Ctrl-C stops load within a scheduler tick.

/** Lifecycle of a run, as seen by every thread. Values only move forward. */
export const ControlState = {
  /** Workers connect and prepare; no load yet. */
  preparing: 0,
  /** The start time is set: workers begin at `startAtMs`. */
  started: 1,
  /** Stop now: no new iterations; in-flight ones get a short grace, then are cut off. */
  stopping: 2,
} as const;
export type ControlState = (typeof ControlState)[keyof typeof ControlState];

/** Atomics.waitAsync exists in Node 20 (V8) but lib ES2023 does not declare it. */
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number): WaitAsyncResult }).waitAsync;

const STATE = 0;
/** Float64 slot for the start time lives at byte 8 (Int32 slot 0 + padding). */
const START_BYTE = 8;
const BYTES = 16;

/** Typed view of the control block; both sides construct one over the same buffer. */
export class RunControl {
  private readonly flags: Int32Array;
  private readonly times: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(BYTES)) {
    this.flags = new Int32Array(buffer, 0, 1);
    this.times = new Float64Array(buffer, START_BYTE, 1);
  }

  get state(): ControlState {
    return Atomics.load(this.flags, STATE) as ControlState;
  }

  /** Epoch ms (µs-precise) the load starts at; NaN before `start`. */
  get startAtMs(): number {
    return this.state >= ControlState.started ? (this.times[0] ?? Number.NaN) : Number.NaN;
  }

  /** Main thread: publish the shared start time and release the workers. */
  start(startAtMs: number): void {
    this.times[0] = startAtMs;
    if (Atomics.compareExchange(this.flags, STATE, ControlState.preparing, ControlState.started) === ControlState.preparing) {
      Atomics.notify(this.flags, STATE);
    }
  }

  /** Main thread: stop the load now (Ctrl-C, abort-on-fail, a crashed worker). Idempotent. */
  stop(): void {
    Atomics.store(this.flags, STATE, ControlState.stopping);
    Atomics.notify(this.flags, STATE);
  }

  get stopping(): boolean {
    return this.state === ControlState.stopping;
  }

  /** Resolves when the state moves past `from` (or at once if it already has). Never blocks the event loop. */
  async changedFrom(from: ControlState): Promise<ControlState> {
    for (;;) {
      const result = waitAsync(this.flags, STATE, from);
      if (result.async) await result.value;
      const now = this.state;
      if (now !== from) return now;
    }
  }
}
