// Open model (wrk2, k6 arrival-rate): iterations arrive on a schedule whether or not earlier ones have finished.
// Latency runs from the INTENDED start; an arrival without a free connection is dropped and counted, never queued.
import type { ArrivalSchedule } from '../schedule.js';
import { epochNowMs, msToUs } from '../clock.js';
import type { Slot } from '../connection-slots.js';
import type { ModelContext } from './types.js';

export interface OpenModelOptions {
  readonly schedule: ArrivalSchedule;
  /** This worker's share of maxInFlight. */
  readonly maxInFlight: number;
}

/**
 * Arrivals started by one wake-up before the loop yields to the event loop (setImmediate): a huge backlog — a rate
 * far beyond what the machine can start — is worked through in slices, so a stop, Ctrl-C or an interval flush is
 * never starved by the dispatcher.
 */
export const MAX_STARTS_PER_WAKE = 4096;

/**
 * Worker w of W takes arrivals n ≡ w (mod W) of the global schedule. Nothing busy-waits: a timer is armed for the
 * next arrival (Node's timers have 1 ms granularity, so an arrival starts up to about a millisecond after its
 * intended time; that lag is recorded as schedule lag and counts in the latency, which runs from the intended start),
 * and every finished iteration wakes the loop too. Each wake-up starts every arrival whose intended time has passed
 * (a late wake-up catches up; it never shifts the schedule).
 */
export function runOpenModel(ctx: ModelContext, opts: OpenModelOptions): Promise<void> {
  const { schedule, maxInFlight } = opts;
  const { startAtMs, recorder, slots, inFlight, runner, stop } = ctx;
  const total = schedule.totalArrivals;
  const step = ctx.workerCount;
  const arrivalMs = (n: number): number => (n < total ? schedule.nthArrivalMs(n) : Number.POSITIVE_INFINITY);
  let n = ctx.workerId;
  let nextMs = arrivalMs(n);
  let timer: NodeJS.Timeout | null = null;
  /** Armed when a wake-up stopped at MAX_STARTS_PER_WAKE with arrivals still due. */
  let more: NodeJS.Immediate | null = null;
  let ended = false;
  let resolveEnd: () => void = () => {};
  const end = new Promise<void>((resolve) => (resolveEnd = resolve));

  const finish = (): void => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    if (more) clearImmediate(more);
    timer = more = null;
    resolveEnd();
  };

  /** Starts (or drops) what is due; false when it stopped at the per-wake bound with more still due. */
  function startDue(): boolean {
    const nowMs = epochNowMs() - startAtMs;
    let budget = MAX_STARTS_PER_WAKE;
    while (nextMs <= nowMs) {
      if (budget-- === 0) return false;
      recorder.countScheduled();
      const slot = inFlight.size < maxInFlight ? slots.tryAcquire() : null;
      if (!slot) {
        recorder.countDropped();
      } else {
        const intendedStartMs = startAtMs + nextMs;
        const startedAtMs = epochNowMs();
        recorder.countStarted(msToUs(startedAtMs - intendedStartMs));
        inFlight.begin();
        // run() never rejects: every failure is recorded as a sample.
        void runner.run(slot, { intendedStartMs, startedAtMs }).then(() => finished(slot));
      }
      n += step;
      nextMs = arrivalMs(n);
    }
    return true;
  }

  /** Starts what is due, then arms one timer for the next arrival (or a turn of the loop when a backlog remains). */
  function wake(): void {
    if (ended) return;
    if (stop.stopped) return finish();
    if (!startDue()) {
      more ??= setImmediate(onMore);
      return;
    }
    if (nextMs === Number.POSITIVE_INFINITY) return finish();
    if (timer || more) return; // an armed wake-up is never later than the next arrival: arrivals only move forward
    const remainingMs = nextMs - (epochNowMs() - startAtMs);
    // Rounded up: a timer never fires before it is due, and one that fires early by the loop's ms clock re-arms.
    timer = setTimeout(onTimer, Math.max(1, Math.ceil(remainingMs)));
  }

  function onTimer(): void {
    timer = null;
    wake();
  }

  function onMore(): void {
    more = null;
    wake();
  }

  function finished(slot: Slot): void {
    slots.release(slot);
    recorder.countFinished();
    inFlight.end();
    wake();
  }

  stop.onStop(wake);
  wake();
  return end;
}
