// Refuses to compare a run whose numbers do not describe the database: an INVALID run (the generator fell behind)
// or an ABORTED one (stopped early, perhaps with a second of data). Input error, exit 2, unless the user insists.
import { InvalidInputError } from '../errors.js';
import type { RunResults } from '../results/types.js';

export interface ComparedRun {
  /** The file as the user named it. */
  readonly file: string;
  readonly results: RunResults;
}

const WHY: Readonly<Record<'INVALID' | 'ABORTED', string>> = {
  INVALID: 'its load generator did not keep the schedule, so its latencies measure the generator, not the database',
  ABORTED: 'it stopped before its measured duration, so its figures rest on part of the run',
};

/** Throws InvalidInputError naming every INVALID or ABORTED run; `flag` is how the user overrides it (if at all). */
export function refuseInvalidRuns(runs: readonly ComparedRun[], flag?: string): void {
  const issues = runs.flatMap(({ file, results }) => {
    const verdict = results.verdict;
    if (verdict !== 'INVALID' && verdict !== 'ABORTED') return [];
    const measuredS = Math.max(0, results.measuredWindow.endMs - results.measuredWindow.startMs) / 1000;
    return [{ path: file, message: `the run is ${verdict} (${measuredS.toLocaleString('en-US')} s measured): ${WHY[verdict]}; comparing it would gate on noise.` }];
  });
  if (issues.length === 0) return;
  throw new InvalidInputError(issues, {
    code: 'AB_ERR_COMPARE_INVALID_RUN',
    hint: flag === undefined ? 'Use the results.json of a valid run as the baseline.' : `Compare two valid runs, or pass ${flag} to compare anyway (the comparison then warns).`,
  });
}
