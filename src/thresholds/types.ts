// Threshold types: a pass/fail criterion parsed from text like `p95 < 25ms`, and its verdict after a run.
// Parsed before any load (src/thresholds/parse.ts); evaluated purely from run results (src/thresholds/evaluate.ts).

export type Comparator = '<' | '<=' | '>' | '>=';

export type ThresholdMetric =
  | 'p50' | 'p90' | 'p95' | 'p99' | 'p99.9' | 'max' | 'mean'
  | 'errors' | 'throughput' | 'connections' | 'count';

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

export type ThresholdStatus = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** The verdict on one threshold. `measured` is in the threshold's canonical unit; null when there was nothing to measure. */
export interface ThresholdVerdict {
  readonly source: string;
  /** `run`, `auth.login` or `auth.login/db`. */
  readonly scopeKey: string;
  readonly metric: ThresholdMetric;
  readonly comparator: Comparator;
  readonly target: number;
  readonly measured: number | null;
  /** Samples the measurement rests on: iterations of the operation (run-wide: of all top-level operations); 1 for connections. */
  readonly samples: number;
  readonly status: ThresholdStatus;
  /** Why INCONCLUSIVE, or a short explanation of a FAIL. */
  readonly reason?: string;
}
