// Decides whether the generator kept its schedule: a run whose generator fell behind measured the generator,
// not the database, and is INVALID (exit 4) — distinct from a failed threshold (exit 1).
import type { GeneratorHealth } from '../results/types.js';
import type { GeneratorHealthInputs } from '../metrics/aggregator.js';

/**
 * 10 ms: 40 % of the 25 ms P95 login target. An arrival that starts later than this spent a large part of the
 * latency budget waiting for the generator. Latency from the intended start already includes the lag (no
 * coordinated omission), so lateness never hides in the numbers; the bound decides when it invalidates them.
 */
export const DEFAULT_LATENESS_BOUND_MS = 10;

/**
 * More than 1 % of arrivals late → INVALID. Arrivals still waiting for a connection when a run is stopped early
 * (`dropped`) are not the generator's failure: they are reported, not judged here (an aborted run says so itself).
 */
export const MAX_UNKEPT_SHARE = 0.01;

export interface ValidityInputs {
  readonly health: GeneratorHealthInputs;
  readonly latenessBoundMs: number;
  /** Intervals merged without every worker's snapshot. */
  readonly incompleteIntervals: readonly number[];
  readonly model: 'open' | 'closed';
}

const percent = (x: number): string => `${(x * 100).toFixed(2)} %`;

export function judgeGenerator(inputs: ValidityInputs): GeneratorHealth {
  const { health, latenessBoundMs } = inputs;
  const reasons: string[] = [];
  if (health.scheduled === 0) {
    reasons.push('no iteration was scheduled in the measured window');
  } else {
    const lateShare = health.late / health.scheduled;
    if (lateShare > MAX_UNKEPT_SHARE) {
      reasons.push(
        `${percent(lateShare)} of ${health.scheduled} scheduled iterations were seen by the generator more than ` +
          `${latenessBoundMs} ms after their intended start (${health.late}); at most ${percent(MAX_UNKEPT_SHARE)} is allowed ` +
          '(the diagnosis names what held the generator back and what to do)',
      );
    }
  }
  // The workers' event loop late past the same bound at p99 → INVALID too. Lateness counts only starts; an answer that
  // arrives while the loop is busy waits there just as long, and its latency then carries the generator's own delay.
  // The closed model has no schedule to be late for, so this is its only guard.
  if (health.scheduled > 0 && health.eventLoopLagP99Ms > latenessBoundMs) {
    reasons.push(
      `the generator's event loop was more than ${latenessBoundMs} ms late over 1 % of the time (event-loop lag ` +
        `p99 ${health.eventLoopLagP99Ms.toFixed(1)} ms, max ${health.eventLoopLagMaxMs.toFixed(1)} ms): answers waited ` +
        'for the generator, so their latencies include its own delay (the diagnosis names what held it back)',
    );
  }
  if (inputs.incompleteIntervals.length > 0) {
    reasons.push(`${inputs.incompleteIntervals.length} interval(s) are missing a worker's snapshot (first: #${inputs.incompleteIntervals[0]})`);
  }
  return { ...health, latenessBoundMs, valid: reasons.length === 0, invalidReasons: reasons };
}
