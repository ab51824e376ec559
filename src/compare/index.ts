// Comparing two runs: noise-aware regression verdicts (compare-runs.ts), their console form, and the baseline gate.
// Everything but gate.ts is pure; `authbench compare` and `authbench run --baseline` import from here.
export { compareRuns, metricValue, minCompareSamples, MIN_NOISE_INTERVALS } from './compare-runs.js';
export { refuseInvalidRuns, type ComparedRun } from './refuse-invalid.js';
export { gateOnBaseline, toComparisonSection, type BaselineGate, type GateOptions } from './gate.js';
export { NOISE_Z } from './noise.js';
export { parseCompareMetrics, parseMaxRegression } from './options.js';
export { comparisonVerdictLine, renderComparison, type RenderComparisonOptions } from './render-comparison.js';
export {
  COMPARE_METRICS,
  type CompareMetric,
  type CompareOptions,
  type Comparison,
  type ComparisonSection,
  type ComparisonStatus,
  type MetricComparison,
  type NoiseEstimate,
  type NoiseMethod,
  type RunReference,
} from './types.js';
