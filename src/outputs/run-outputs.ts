// The outputs of one run, driven in the run's order: start when the load starts, every interval while it runs, then
// the streams' last pushes (their reports go into results.json) and the files and console from the final results.
import { randomBytes } from 'node:crypto';
import type { IntervalExtra } from '../metrics/aggregator.js';
import type { IntervalPoint, OutputReport, RunResults } from '../results/types.js';
import { receivesIntervals, receivesResults, type FinishedRun, type IntervalOutput, type Output, type RunIdentity } from './types.js';
import { writeResultsOutputs, type WrittenReports } from './write-results.js';

/**
 * `20261201T231502Z-3fa9c1`: sortable, safe in a label and a file name. `shared`: the instant alone (shards started
 * at one `--start-at` must agree on it without talking to each other).
 */
export function newRunId(at: Date, options: { shared?: boolean } = {}): string {
  const stamp = at.toISOString().replace(/\.(\d+)Z$/, '.$1Z').replace(/[-:]/g, '');
  return options.shared ? stamp.replace('.', '') : `${stamp.replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export class RunOutputs {
  readonly #outputs: readonly Output[];
  readonly #streams: readonly IntervalOutput[];
  readonly identity: RunIdentity;
  #started = false;

  constructor(outputs: readonly Output[], identity: RunIdentity) {
    this.#outputs = outputs;
    this.#streams = outputs.filter(receivesIntervals);
    this.identity = identity;
  }

  /** One line per stream for the run's log (files are listed by the "Reports:" line). */
  describeStreams(): string[] {
    return this.#streams.map((s) => s.description);
  }

  start(startEpochMs: number): void {
    this.#started = true;
    for (const stream of this.#streams) stream.start({ identity: this.identity, startEpochMs });
  }

  /** From the aggregator's onInterval: returns at once (each stream queues). */
  addInterval(point: IntervalPoint, index: number, extra: IntervalExtra): void {
    if (!this.#started) return;
    const interval = { index, point, generator: { scheduled: extra.scheduled, started: extra.started, late: extra.late }, outcomes: extra.outcomes };
    for (const stream of this.#streams) stream.addInterval(interval);
  }

  /** Streams first (bounded by their deadlines), so results.json records what they delivered; then every file. */
  async finish(finished: FinishedRun, dir: string): Promise<{ results: RunResults; written: WrittenReports }> {
    const reports: OutputReport[] = [];
    for (const stream of this.#streams) reports.push(await stream.stop(finished));
    const results: RunResults = reports.length > 0 ? { ...finished.results, outputs: reports } : finished.results;
    const written = await writeResultsOutputs({ ...finished, results }, this.#outputs.filter(receivesResults), dir);
    return { results: { ...results, artifacts: written.artifacts }, written };
  }
}
