// Running totals while the load is on: what live progress shows and what abort-on-fail thresholds are judged on.
// A view of the aggregator's measured totals (merged exactly from the workers' histograms, decoded once, never averaged).
import type { IntervalAggregator } from '../metrics/aggregator.js';
import type { OperationResult } from '../results/types.js';
import { isTopLevelKey } from '../results/keys.js';

export class LiveTotals {
  constructor(private readonly aggregator: IntervalAggregator) {}

  /** Errors of top-level operations in the measured intervals so far. */
  get errors(): number {
    return this.topLevel().reduce((sum, o) => sum + Object.values(o.errors).reduce<number>((n, e) => n + (e ?? 0), 0), 0);
  }

  get dropped(): number {
    return this.aggregator.droppedSoFar;
  }

  /** Top-level iterations finished in the measured intervals so far. */
  get finished(): number {
    return this.topLevel().reduce((sum, o) => sum + o.count, 0);
  }

  /** P95 over every top-level operation so far, ms (0 before the first measured sample). */
  overallP95Ms(): number {
    return this.aggregator.overallP95SoFarMs();
  }

  /** OperationResults of the measured window so far (histogram strings left empty: nobody reads them mid-run). */
  operations(measuredMs: number): OperationResult[] {
    return this.aggregator.measuredSoFar(measuredMs);
  }

  private topLevel(): OperationResult[] {
    return this.aggregator.measuredSoFar(0).filter((o) => isTopLevelKey(o.key));
  }
}
