// Closed model: a fixed number of virtual users, each owning one connection, looping with optional think time.
// Latency equals service time here: a VU has no intended start other than "when its previous iteration ended".
import { epochNowMs } from '../clock.js';
import type { Random } from '../random.js';
import type { ModelContext } from './types.js';

export interface ClosedModelOptions {
  /** This worker's virtual users. */
  readonly vus: number;
  readonly thinkTime: { readonly minMs: number; readonly maxMs: number };
  readonly random: Random;
}

export async function runClosedModel(ctx: ModelContext, opts: ClosedModelOptions): Promise<void> {
  const { startAtMs, totalMs, recorder, slots, inFlight, runner, stop } = ctx;
  const { minMs, maxMs } = opts.thinkTime;

  const virtualUser = async (vu: number): Promise<void> => {
    const slot = slots.tryAcquire();
    if (!slot) throw new Error(`virtual user ${vu} has no connection: ${slots.size} connections for ${opts.vus} VUs`);
    const think = opts.random.fork(vu);
    try {
      for (;;) {
        const startedAtMs = epochNowMs();
        if (stop.stopped || startedAtMs - startAtMs >= totalMs) return;
        recorder.countScheduled();
        recorder.countStarted();
        await runner.run(slot, { intendedStartMs: startedAtMs, startedAtMs });
        recorder.countFinished();
        if (maxMs > 0) await stop.sleep(minMs + think.float() * (maxMs - minMs));
      }
    } finally {
      slots.release(slot);
    }
  };

  const users = Array.from({ length: opts.vus }, (_, vu) => virtualUser(vu));
  for (const user of users) inFlight.track(user);
  // Returns at the end or at a stop; the worker then awaits the VUs (bounded by the graceful stop).
  await Promise.race([Promise.allSettled(users), stop.sleep(totalMs - (epochNowMs() - startAtMs))]);
}
