// The one small interface every output of a run implements (console, results.json, .hlog, JUnit, HTML, Prometheus
// remote write), and the two optional capabilities an output has by implementing them: intervals while the load runs,
// the final results at its end. Outputs receive figures; they never compute a verdict.
import type { HlogEntry } from '../metrics/aggregator.js';
import type { IntervalPoint, OutputReport, RunResults } from '../results/types.js';

/** The kinds `--out KIND[=DEST]` accepts (docs/reports.md). */
export const OUTPUT_KINDS = ['console', 'json', 'hlog', 'junit', 'html', 'prometheus-rw'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** Who a run is, as streaming outputs label every series with it. */
export interface RunIdentity {
  readonly runId: string;
  readonly scenario: string;
  /** `K/N` for shard K of N; `0/1` for a run that is not split. */
  readonly shard: string;
}

/** One merged interval as the load produced it, with the per-interval figures results.json keeps only as totals. */
export interface LiveInterval {
  /** The interval's index on the shared grid (0 = the first second of the warm-up). */
  readonly index: number;
  readonly point: IntervalPoint;
  /** Summed over the workers, for this interval only. */
  readonly generator: { readonly scheduled: number; readonly started: number; readonly late: number };
  /** Correct answers by key (`auth.login/db`) and kind (`denied`), for this interval only. */
  readonly outcomes: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** What the run leaves for its outputs once the load is over. */
export interface FinishedRun {
  readonly results: RunResults;
  /** The interval log's entries (warm-up included); empty when nothing was recorded. */
  readonly hlog: readonly HlogEntry[];
  /** Epoch ms of the load's start; NaN when the load never started. */
  readonly startEpochMs: number;
}

export interface Output {
  readonly kind: OutputKind;
  /** Where it goes, for the log: `results.json → reports/x/results.json`. No secret in it. */
  readonly description: string;
}

/**
 * Capability: receives every interval while the load runs. `addInterval` is called on the main thread between the
 * workers' messages, so it must return at once (queue and return; never await, never throw).
 */
export interface IntervalOutput extends Output {
  start(run: { readonly identity: RunIdentity; readonly startEpochMs: number }): void;
  addInterval(interval: LiveInterval): void;
  /** After the load, before any file is written: delivers what is queued within its own deadline; never throws. */
  stop(finished: FinishedRun): Promise<OutputReport>;
}

/** Capability: writes one view of the final results (a file, or the console). A thrown error is that file's failure. */
export interface ResultsOutput extends Output {
  /**
   * The file this output will write for this run (absolute or relative to the working directory) and its key in
   * results.json's `artifacts`; undefined when it writes no file (the console) or has nothing to write (an empty .hlog).
   */
  plannedFile(finished: FinishedRun): { readonly key: string; readonly file: string } | undefined;
  /** `results.artifacts` already lists what was (or will be) written. */
  write(finished: FinishedRun): Promise<void>;
}

export function receivesIntervals(output: Output): output is IntervalOutput {
  return typeof (output as Partial<IntervalOutput>).addInterval === 'function';
}

export function receivesResults(output: Output): output is ResultsOutput {
  return typeof (output as Partial<ResultsOutput>).write === 'function';
}
