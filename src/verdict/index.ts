// Public face of the verdict room: the run's PASS/FAIL/INCONCLUSIVE/INVALID/ABORTED, its exit code, the generator's
// validity and the abort-on-fail watch. src/run/ and src/cli/ import from here; reporters only show the outcome.
export { decideVerdict, exitCodeForVerdict, overallVerdict, type Decision, type OverallVerdictOptions, type VerdictInputs } from './verdict.js';
export { DEFAULT_LATENESS_BOUND_MS, judgeGenerator, MAX_UNKEPT_SHARE, type ValidityInputs } from './generator-validity.js';
export { AbortOnFail, type MeasuredSoFar } from './abort-on-fail.js';
