// Public face of the thresholds stage: the grammar/parser and the pure evaluation.
// Other stages import from here rather than from the individual files.
export * from './types.js';
export { COMPARATORS, defaultMinSamples, formatThreshold, formatThresholdValue, LATENCY_METRICS, parseScopeKey, parseThreshold, scopeKey, THRESHOLD_METRICS, type ThresholdOptions, type ThresholdWhere } from './parse.js';
export { evaluateThresholds, thresholdsToAbortOn, type EvaluateOptions, type ThresholdInput } from './evaluate.js';
