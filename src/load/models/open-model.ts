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
 * How close to an arrival the loop may busy-wait (setImmediate turns) instead of sleeping on a timer. Node's timers
 * have 1 ms granularity; spinning for the whole last millisecond (as this loop once did) kept a core busy at
 * 2000/s — a core the database on the same box needed. Every finished iteration also re-arms the wait, and the
 * event loop is woken by those answers anyway, so at a real rate most arrivals start inside this window.
 */
export const SPIN_WINDOW_MS = 0.25;

/**
 * Worker w of W takes arrivals n ≡ w (mod W) of the global schedule. Every wake-up — the timer, a spin turn or a
 * finished iteration — starts every arrival whose intended time has passed (a late wake-up catches up; it never
 * shifts the schedule), then arms the next wait: a timer when the next arrival is far, a spin turn when it is near.
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
  let spin: NodeJS.Immediate | null = null;
  let ended = false;
  let resolveEnd: () => void = () => {};
  const end = new Promise<void>((resolve) => (resolveEnd = resolve));

  const finish = (): void => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    if (spin) clearImmediate(spin);
    timer = spin = null;
    resolveEnd();
  };

  function startDue(): void {
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
        inFlight.begin();
        // run() never rejects: every failure is recorded as a sample.
        void runner.run(slot, { intendedStartMs, startedAtMs }).then(() => finished(slot));
      }
      n += step;
      nextMs = arrivalMs(n);
    }
  }

  /** Starts what is due, then waits for the next arrival: timer when far, spin turn when near, done when none. */
  function wake(): void {
    if (ended) return;
    if (stop.stopped) return finish();
    startDue();
    if (nextMs === Number.POSITIVE_INFINITY) return finish();
    const remainingMs = nextMs - (epochNowMs() - startAtMs);
    if (remainingMs <= SPIN_WINDOW_MS) {
      if (timer) clearTimeout(timer);
      timer = null;
      spin ??= setImmediate(onSpin);
    } else if (!timer && !spin) {
      // Aim at the start of the spin window; timers never fire early, only late.
      timer = setTimeout(onTimer, Math.max(1, Math.floor(remainingMs - SPIN_WINDOW_MS)));
    }
  }

  function onTimer(): void {
    timer = null;
    wake();
  }

  function onSpin(): void {
    spin = null;
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
