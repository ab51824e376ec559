// Open model (wrk2, k6 arrival-rate): iterations arrive on a schedule whether or not earlier ones have finished.
// Latency runs from the INTENDED start; an arrival without a free connection is dropped and counted, never queued.
import type { ArrivalSchedule } from '../schedule.js';
import { epochNowMs, msToUs } from '../clock.js';
import type { ModelContext } from './types.js';

export interface OpenModelOptions {
  readonly schedule: ArrivalSchedule;
  /** This worker's share of maxInFlight. */
  readonly maxInFlight: number;
}

/**
 * Worker w of W takes arrivals n ≡ w (mod W) of the global schedule. Each tick starts every arrival whose intended
 * time has passed (so a late tick catches up instead of shifting the schedule), then sleeps until the next one.
 */
export async function runOpenModel(ctx: ModelContext, opts: OpenModelOptions): Promise<void> {
  const { schedule, maxInFlight } = opts;
  const { startAtMs, recorder, slots, inFlight, runner, stop } = ctx;
  const total = schedule.totalArrivals;
  const arrivalMs = (n: number): number => (n < total ? schedule.nthArrivalMs(n) : Number.POSITIVE_INFINITY);
  let n = ctx.workerId;
  let nextMs = arrivalMs(n);
  while (!stop.stopped && nextMs !== Number.POSITIVE_INFINITY) {
    const nowMs = epochNowMs() - startAtMs;
    while (nextMs <= nowMs) {
      recorder.countScheduled();
      const slot = inFlight.size < maxInFlight ? slots.tryAcquire() : null;
      if (!slot) {
        recorder.countDropped();
      } else {
        const intendedStartMs = startAtMs + nextMs;
        const startedAtMs = epochNowMs();
        recorder.countStarted(msToUs(startedAtMs - intendedStartMs));
        const iteration = runner.run(slot, { intendedStartMs, startedAtMs }).finally(() => {
          slots.release(slot);
          recorder.countFinished();
        });
        inFlight.track(iteration);
      }
      n += ctx.workerCount;
      nextMs = arrivalMs(n);
    }
    if (nextMs === Number.POSITIVE_INFINITY) break;
    await stop.sleep(nextMs - (epochNowMs() - startAtMs));
  }
}
