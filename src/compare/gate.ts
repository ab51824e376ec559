// gateOnBaseline: the one call `authbench run --baseline BASE.json` needs — read the baseline, compare, render.
// The only module of src/compare that does I/O (reading the baseline); the comparison itself stays pure.
import { InvalidInputError } from '../errors.js';
import { readResults } from '../results/read.js';
import type { RunResults } from '../results/types.js';
import { compareRuns } from './compare-runs.js';
import { refuseInvalidRuns } from './refuse-invalid.js';
import { comparisonVerdictLine, renderComparison, type RenderComparisonOptions } from './render-comparison.js';
import type { Comparison, ComparisonSection } from './types.js';

export interface BaselineGate {
  readonly comparison: Comparison;
  /** True → the caller exits 1 (ExitCode.thresholdFailed). */
  readonly regressed: boolean;
  /** True → nothing could be judged (too few samples): the caller exits 1, as for an INCONCLUSIVE threshold. */
  readonly inconclusive: boolean;
  /** The rendered comparison, ending with its verdict line. */
  readonly text: string;
  /** The small form to attach to results. */
  readonly section: ComparisonSection;
}

/** The small form of a comparison to keep with a run's results: verdict, line and what regressed. */
export function toComparisonSection(comparison: Comparison, baselineFile: string): ComparisonSection {
  return {
    baselineFile,
    maxRegression: comparison.maxRegression,
    regressed: comparison.regressed,
    inconclusive: comparison.inconclusive,
    line: comparisonVerdictLine(comparison),
    regressions: comparison.rows.filter((r) => r.status === 'REGRESSION'),
    onlyInBase: comparison.onlyInBase,
    onlyInNext: comparison.onlyInNext,
    warnings: comparison.warnings,
  };
}

export interface GateOptions extends RenderComparisonOptions {
  /** `--allow-invalid`: compare with an INVALID or ABORTED baseline too (the comparison then warns). */
  readonly allowInvalid?: boolean;
}

/**
 * Compare `results` with the run in `baseFile`. `maxRegression` is a ratio (parse the flag with parseMaxRegression).
 * Throws InvalidInputError (exit 2) for an unreadable baseline, a bad tolerance, or an INVALID or ABORTED baseline
 * without `allowInvalid`.
 */
export async function gateOnBaseline(baseFile: string, results: RunResults, maxRegression: number, options: GateOptions = {}): Promise<BaselineGate> {
  if (!Number.isFinite(maxRegression) || maxRegression < 0) {
    throw new InvalidInputError([{ path: '--max-regression', message: `must be a ratio ≥ 0, got ${maxRegression}` }]);
  }
  const base = await readResults(baseFile);
  if (!options.allowInvalid) refuseInvalidRuns([{ file: baseFile, results: base }], '--allow-invalid');
  const comparison = compareRuns(base, results, { maxRegression });
  return { comparison, regressed: comparison.regressed, inconclusive: comparison.inconclusive, text: renderComparison(comparison, options), section: toComparisonSection(comparison, baseFile) };
}
