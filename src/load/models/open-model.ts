// Open model (wrk2, k6 arrival-rate): iterations arrive on a schedule whether or not earlier ones have finished.
// An arrival that finds every connection busy waits for one, as a real client waits for its pool, up to the pool
// timeout; latency runs from the INTENDED start, so a saturated system shows up as latency, never as a lower rate.
import type { ArrivalSchedule } from '../schedule.js';
import { epochNowMs, msToUs } from '../clock.js';
import type { Slot } from '../connection-slots.js';
import type { ModelContext } from './types.js';

export interface OpenModelOptions {
  readonly schedule: ArrivalSchedule;
  /** This worker's share of maxInFlight. */
  readonly maxInFlight: number;
  /** How long an arrival may wait for a free connection (ms) before it fails as a `timeout` error. */
  readonly poolTimeoutMs: number;
}

/**
 * Arrivals handled by one wake-up before the loop yields to the event loop (setImmediate): a huge backlog — a rate
 * far beyond what the machine can start — is worked through in slices, so a stop, Ctrl-C or an interval flush is
 * never starved by the dispatcher.
 */
export const MAX_STARTS_PER_WAKE = 4096;

/**
 * Worker w of W takes arrivals n ≡ w (mod W) of the global schedule. Nothing busy-waits: a timer is armed for the
 * next arrival or the next pool timeout, whichever is first (Node's timers have 1 ms granularity, so an arrival is
 * seen up to about a millisecond after its intended time; that lag is recorded as schedule lag and counts in the
 * latency), and every finished iteration wakes the loop too.
 *
 * Each wake-up sees every arrival whose intended time has passed (a late wake-up catches up; it never shifts the
 * schedule), then starts waiting arrivals in order while connections are free. The waiting arrivals are always a run
 * of consecutive arrivals of this worker (first `head`, then every `step`-th), so the queue is two numbers whatever
 * its length: memory stays bounded however far the system under test falls behind.
 */
export function runOpenModel(ctx: ModelContext, opts: OpenModelOptions): Promise<void> {
  const { schedule, maxInFlight, poolTimeoutMs } = opts;
  const { startAtMs, recorder, slots, inFlight, runner, stop, intervalClose } = ctx;
  const total = schedule.totalArrivals;
  const step = ctx.workerCount;
  const arrivalMs = (n: number): number => (n < total ? schedule.nthArrivalMs(n) : Number.POSITIVE_INFINITY);
  /** The next arrival not yet seen, and when it is due (ms since the start). */
  let n = ctx.workerId;
  let nextMs = arrivalMs(n);
  /** The oldest arrival waiting for a connection, and how many wait (head, head + step, …). */
  let head = n;
  let headMs = nextMs;
  let waiting = 0;
  let timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires (ms since the start). */
  let timerDueMs = Number.POSITIVE_INFINITY;
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
    // Stopped early (Ctrl-C, abort-on-fail): arrivals still waiting never ran.
    if (waiting > 0) recorder.countDropped(waiting);
    waiting = 0;
    resolveEnd();
  };

  const popHead = (): void => {
    waiting--;
    head += step;
    headMs = waiting > 0 ? arrivalMs(head) : Number.POSITIVE_INFINITY;
  };

  const freeSlot = (): Slot | null => (inFlight.size < maxInFlight ? slots.tryAcquire() : null);

  function start(slot: Slot, dueMs: number, queued: boolean): void {
    const intendedStartMs = startAtMs + dueMs;
    const startedAtMs = epochNowMs();
    recorder.countStarted();
    inFlight.begin();
    const timing = queued ? { intendedStartMs, startedAtMs, connectionWaitMs: startedAtMs - intendedStartMs } : { intendedStartMs, startedAtMs };
    // run() never rejects: every failure is recorded as a sample.
    void runner.run(slot, timing).then(() => finished(slot));
  }

  /**
   * Times out, starts and admits what is due (only arrivals due before `beforeMs`, when given); false when it stopped
   * at the per-wake bound with more still due.
   */
  function dispatch(beforeMs = Number.POSITIVE_INFINITY): boolean {
    const nowMs = epochNowMs() - startAtMs;
    let budget = MAX_STARTS_PER_WAKE;
    // Waited past the pool timeout (oldest first): a `timeout` error with the latency it waited.
    while (waiting > 0 && nowMs - headMs >= poolTimeoutMs) {
      if (budget-- === 0) return false;
      runner.recordPoolTimeout(startAtMs + headMs, startAtMs + nowMs);
      recorder.countPoolTimeout();
      popHead();
    }
    // Waiting arrivals go first, in order, as connections come free.
    while (waiting > 0) {
      if (budget === 0) return false;
      const slot = freeSlot();
      if (!slot) break;
      budget--;
      const dueMs = headMs;
      popHead();
      start(slot, dueMs, true);
    }
    // Arrivals now due: start at once while nobody waits and a connection is free, else join the queue.
    while (nextMs <= nowMs && nextMs < beforeMs) {
      if (budget-- === 0) return false;
      recorder.countArrival(msToUs(nowMs - nextMs), nextMs);
      const slot = waiting === 0 ? freeSlot() : null;
      if (slot) {
        start(slot, nextMs, false);
      } else {
        if (waiting === 0) {
          head = n;
          headMs = nextMs;
        }
        waiting++;
        recorder.countQueued();
      }
      n += step;
      nextMs = arrivalMs(n);
    }
    return true;
  }

  /** Dispatches, then arms one timer for the next arrival or pool timeout (or a turn of the loop for a backlog). */
  function wake(): void {
    if (ended) return;
    if (stop.stopped) return finish();
    if (!dispatch()) {
      more ??= setImmediate(onMore);
      return;
    }
    const dueMs = Math.min(nextMs, waiting > 0 ? headMs + poolTimeoutMs : Number.POSITIVE_INFINITY);
    if (dueMs === Number.POSITIVE_INFINITY) {
      // Nothing left to see and nobody waits: done (a waiting arrival always has a finite timeout).
      return finish();
    }
    if (more || (timer && timerDueMs <= dueMs)) return; // an armed wake-up comes in time
    if (timer) clearTimeout(timer); // armed for a later arrival; a queued arrival's timeout comes first
    const remainingMs = dueMs - (epochNowMs() - startAtMs);
    // Rounded up: a timer never fires before it is due, and one that fires early by the loop's ms clock re-arms.
    timer = setTimeout(onTimer, Math.max(1, Math.ceil(remainingMs)));
    timerDueMs = dueMs;
  }

  function onTimer(): void {
    timer = null;
    timerDueMs = Number.POSITIVE_INFINITY;
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
  // Before an interval's flush: the arrivals due in it that the loop has not reached yet are seen now, so they count
  // in it (their timer may fire just after the flush's); later arrivals wait for their own wake-up.
  intervalClose?.onClose((endMs) => {
    if (!ended && !stop.stopped && !more) dispatch(endMs);
  });
  wake();
  return end;
}
