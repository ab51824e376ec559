// Abort-on-fail thresholds: judged once a second on the measured totals so far; the first to fail after its
// grace period stops the run early (its verdict is then FAIL, not ABORTED).
import { evaluateThresholds, thresholdsToAbortOn } from '../thresholds/index.js';
import type { Threshold } from '../thresholds/types.js';
import type { OperationResult, ServerEvidence } from '../results/types.js';
import type { ConnectionPeaks } from '../server-evidence/connection-sampler.js';

/** The measured totals so far (src/run/live-totals.ts): what the thresholds are judged on mid-run. */
export interface MeasuredSoFar {
  operations(measuredMs: number): OperationResult[];
}

export class AbortOnFail {
  private readonly watched: readonly Threshold[];

  constructor(thresholds: readonly Threshold[]) {
    this.watched = thresholds.filter((t) => t.abortOnFail !== undefined);
  }

  get active(): boolean {
    return this.watched.length > 0;
  }

  /**
   * The reason to stop, or undefined. `elapsedMs` counts from the load start; `measuredMs` from the warm-up end;
   * `connections`: the live peaks sampled in the measured window so far (none yet: a `connections` threshold waits).
   */
  check(totals: MeasuredSoFar, elapsedMs: number, measuredMs: number, connections: ConnectionPeaks): string | undefined {
    if (!this.active || measuredMs <= 0) return undefined;
    const server = {
      connectionsPeak: connections.connections,
      activeConnectionsPeak: connections.active,
      connectionSamples: connections.samples,
    } as ServerEvidence;
    const verdicts = evaluateThresholds(this.watched, { operations: totals.operations(measuredMs), server }, { partial: true });
    // Grace counts from the end of the warm-up: a grace equal to the warm-up would otherwise judge one second of data.
    const failing = thresholdsToAbortOn(this.watched, verdicts, measuredMs);
    const first = failing[0];
    if (!first) return undefined;
    const verdict = verdicts[this.watched.indexOf(first)];
    return `abort-on-fail threshold "${first.source}" failed at ${(elapsedMs / 1000).toFixed(0)} s${verdict?.reason ? `: ${verdict.reason}` : ''}`;
  }
}
