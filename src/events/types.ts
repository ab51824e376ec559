// What results.json records of each scenario event: when it ran, what it measured, and its impact on the load —
// each operation's figures in the event's window against the seconds before it, and the time to recover.
import type { EventAction } from '../scenario/event-types.js';
import type { ErrorKind } from '../results/types.js';

/** One operation's figures over a set of intervals (percentiles from the merged histograms, not averaged). */
export interface WindowFigures {
  readonly count: number;
  readonly errors: number;
  readonly errorsByKind: Readonly<Partial<Record<ErrorKind, number>>>;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** How one occurrence of an event went. Times are ms since the load started (warm-up included), like intervals. */
export interface EventRecord {
  readonly name: string;
  readonly action: EventAction;
  /** 0 for the first occurrence of an `every` event. */
  readonly occurrence: number;
  readonly plannedMs: number;
  /** Absent when it never started (`skipped`, `not-reached`). */
  readonly startMs?: number;
  readonly endMs?: number;
  /**
   * done / failed (the action raised: `error` says why) / skipped (its previous occurrence was still running) /
   * not-reached (the load ended first, e.g. an aborted run).
   */
  readonly status: 'done' | 'failed' | 'skipped' | 'not-reached';
  readonly error?: string;
  /** What the action measured: backup bytes and throughput, WAL written, rows, terminated backends… */
  readonly detail?: Readonly<Record<string, number | string>>;
}

export interface EventResult extends EventRecord {
  /**
   * The seconds judged as the event's window: from the interval the event started in to the last interval before
   * the load was clean again (at least through the interval it ended in). Absent when it did not run.
   */
  readonly window?: { readonly startMs: number; readonly endMs: number };
  /** From the event's end to the start of the first clean second after it; null when none came before the end. */
  readonly recoveryMs?: number | null;
  /** Per top-level operation: the window against the seconds before the event (null when there were none). */
  readonly impact?: Readonly<Record<string, { readonly before: WindowFigures | null; readonly during: WindowFigures }>>;
}
