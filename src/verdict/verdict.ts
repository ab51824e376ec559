// The run's verdict and its process exit code, decided in one place: PASS, FAIL, INCONCLUSIVE, INVALID or ABORTED
// from the run's status, the generator's validity and the thresholds' verdicts. Reporters show it; they never decide it.
import { ExitCode } from '../errors.js';
import type { GeneratorHealth, RunStatus, RunVerdict, ThresholdVerdict } from '../results/types.js';
import { evaluateThresholds, type ThresholdInput } from '../thresholds/evaluate.js';
import type { Threshold } from '../thresholds/types.js';
import { judgeGenerator, type ValidityInputs } from './generator-validity.js';

export interface VerdictInputs {
  readonly status: RunStatus;
  /** What the aggregator measured of the generator's schedule. */
  readonly generator: ValidityInputs;
  readonly thresholds: readonly Threshold[];
  /** The final operations and server evidence the thresholds are judged on. */
  readonly results: ThresholdInput;
  /** The run was stopped by a failing abortOnFail threshold. */
  readonly stoppedByThreshold: boolean;
}

export interface Decision {
  readonly generator: GeneratorHealth;
  readonly thresholds: ThresholdVerdict[];
  readonly verdict: RunVerdict;
}

/** Everything results.json says about the verdict: the generator's validity, each threshold's verdict, the run's. */
export function decideVerdict(inputs: VerdictInputs): Decision {
  const generator = judgeGenerator(inputs.generator);
  const thresholds = evaluateThresholds(inputs.thresholds, inputs.results);
  const verdict = overallVerdict(inputs.status, generator, thresholds, { stoppedByThreshold: inputs.stoppedByThreshold });
  return { generator, thresholds, verdict };
}


export interface OverallVerdictOptions {
  /** The run was stopped by an abortOnFail threshold (not by the user): a FAIL is then the answer, not ABORTED. */
  readonly stoppedByThreshold?: boolean;
}

/**
 * The run's verdict, by precedence: aborted → ABORTED (unless stopped by a failing abortOnFail threshold);
 * run failed or generator invalid → INVALID (the numbers say nothing about the database); any FAIL → FAIL;
 * any INCONCLUSIVE → INCONCLUSIVE; else PASS.
 */
export function overallVerdict(
  status: RunStatus,
  generator: Pick<GeneratorHealth, 'valid'>,
  verdicts: readonly Pick<ThresholdVerdict, 'status'>[],
  options: OverallVerdictOptions = {},
): RunVerdict {
  const anyFail = verdicts.some((v) => v.status === 'FAIL');
  if (status === 'aborted' && !(options.stoppedByThreshold && anyFail)) return 'ABORTED';
  // An overloaded generator inflates latencies itself, so even a FAIL would say nothing about the database.
  if (status === 'failed' || !generator.valid) return 'INVALID';
  if (anyFail) return 'FAIL';
  if (verdicts.some((v) => v.status === 'INCONCLUSIVE')) return 'INCONCLUSIVE';
  return 'PASS';
}

/** The process exit code a verdict maps to. INCONCLUSIVE gates like a failure: a target not proven is not met. */
export function exitCodeForVerdict(verdict: RunVerdict): ExitCode {
  switch (verdict) {
    case 'PASS':
      return ExitCode.pass;
    case 'FAIL':
    case 'INCONCLUSIVE':
      return ExitCode.thresholdFailed;
    case 'INVALID':
      return ExitCode.invalidRun;
    case 'ABORTED':
      return ExitCode.aborted;
  }
}
