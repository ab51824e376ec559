// What every workload model gets from the worker: the clock anchor, its connections, the iteration runner, and
// the counters it must keep. A model only decides WHEN iterations start; it never records latencies itself.
import type { ConnectionSlots } from '../connection-slots.js';
import type { IntervalRecorder } from '../../metrics/interval-recorder.js';
import type { IterationRunner } from '../iteration-runner.js';
import type { InFlight } from './in-flight.js';
import type { IntervalClose } from './interval-close.js';
import type { StopSignal } from './stop-signal.js';

export interface ModelContext {
  readonly workerId: number;
  readonly workerCount: number;
  /** Shared load start, epoch ms; warm-up begins here. */
  readonly startAtMs: number;
  readonly warmupMs: number;
  /** Warm-up + measured duration, ms since the start. */
  readonly totalMs: number;
  readonly slots: ConnectionSlots;
  readonly runner: IterationRunner;
  /** Generator counters (scheduled, queued, started, timed out, dropped, finished) go here; latencies are the runner's job. */
  readonly recorder: IntervalRecorder;
  readonly inFlight: InFlight;
  readonly stop: StopSignal;
  /** The worker's interval flushes; absent when nothing flushes intervals meanwhile (a test of the model alone). */
  readonly intervalClose?: IntervalClose;
}
