// Threshold types: a pass/fail criterion parsed from text like `p95 < 25ms`, and its verdict after a run.
// Parsed before any load (src/thresholds/parse.ts); evaluated purely from run results (src/thresholds/evaluate.ts).

// The verdict's shape is part of the results.json contract, so it lives there; thresholds/ only imports it.
import type { Comparator, ThresholdMetric } from '../results/types.js';

export type { Comparator, ThresholdMetric, ThresholdStatus, ThresholdVerdict } from '../results/types.js';

/** What a threshold looks at: the whole run, or one operation (optionally one of its phases, e.g. `auth.login/db`). */
export type ThresholdScope =
  | { readonly kind: 'run' }
  | {
      readonly kind: 'operation';
      readonly operation: string;
      readonly phase?: string;
      /** Judged over the seconds around this scenario event (`auth.login@backup`), not the whole measured window. */
      readonly event?: string;
    };

/** A parsed threshold. Values are in canonical units: ms for latency, ratio 0..1 for errors, per second for throughput. */
export interface Threshold {
  /** The text as written, e.g. `p95 < 25ms`. */
  readonly source: string;
  /** Where it was written (for messages). */
  readonly file?: string;
  readonly line?: number;
  readonly scope: ThresholdScope;
  readonly metric: ThresholdMetric;
  readonly comparator: Comparator;
  readonly value: number;
  /** Fewer samples than this → INCONCLUSIVE, never PASS. */
  readonly minSamples: number;
  /** Stop the run early when this threshold fails after the grace period. */
  readonly abortOnFail?: { readonly graceMs: number };
}
