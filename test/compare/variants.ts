// Variants of the report fixtures for comparison tests: one run's operation made slower, noisier, slower to finish,
// more error-prone or missing — each change applied consistently to the summary, the encoded histogram and the intervals.
import * as hdr from 'hdr-histogram-js';
import { createHistogram, decode, encode, summarize } from '../../src/metrics/histogram.js';
import type { ErrorKind, IntervalPoint, OperationResult, RunResults } from '../../src/results/types.js';
import { prng } from '../report/fixtures.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };


const gaussian = (rand: () => number): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

function copy(results: RunResults): Mutable<RunResults> {
  return structuredClone(results) as Mutable<RunResults>;
}

function mapOperation(results: RunResults, key: string, f: (op: OperationResult) => OperationResult): OperationResult[] {
  if (!results.operations.some((o) => o.key === key)) throw new Error(`fixture has no operation ${key}`);
  return results.operations.map((o) => (o.key === key ? f(o) : o));
}

function mapIntervals(results: RunResults, key: string, f: (iv: IntervalPoint['operations'][string], point: IntervalPoint, i: number) => IntervalPoint['operations'][string]): IntervalPoint[] {
  return results.intervals.map((p, i) => {
    const figures = p.operations[key];
    if (!figures || p.warmup) return p;
    return { ...p, operations: { ...p.operations, [key]: f(figures, p, i) } };
  });
}

/** Every recorded value × factor, re-recorded: the histogram a run `factor` times slower would have written. */
function scaleHistogram(encoded: string, factor: number): string {
  const source = decode(encoded, 64) as hdr.JsHistogram;
  const scaled = createHistogram(64);
  for (let i = 0; i < source.countsArrayLength; i++) {
    const n = source.getCountAtIndex(i);
    if (n > 0) scaled.recordValueWithCount(Math.max(1, Math.round(source.medianEquivalentValue(source.valueFromIndex(i)) * factor)), n);
  }
  return encode(scaled);
}

/** `key`'s latency × factor everywhere: summary, histogram, every measured interval. */
export function scaleLatency(results: RunResults, key: string, factor: number): RunResults {
  const out = copy(results);
  out.operations = mapOperation(results, key, (op) => {
    const latencyHistogram = scaleHistogram(op.latencyHistogram, factor);
    const serviceHistogram = scaleHistogram(op.serviceHistogram, factor);
    return { ...op, latencyHistogram, serviceHistogram, latency: summarize(decode(latencyHistogram, 64)), service: summarize(decode(serviceHistogram, 64)) };
  });
  out.intervals = mapIntervals(results, key, (iv) => ({ ...iv, p50Ms: iv.p50Ms * factor, p95Ms: iv.p95Ms * factor, p99Ms: iv.p99Ms * factor, maxMs: iv.maxMs * factor }));
  return out;
}

/**
 * Seconds that wander: each measured second's percentiles × exp(σ·N(0,1)), as on a shared, noisy machine. The
 * run's own summary is left alone — noise moves single seconds far more than the whole run.
 */
export function addIntervalNoise(results: RunResults, key: string, sigma: number, seed: number): RunResults {
  const rand = prng(seed);
  const out = copy(results);
  out.intervals = mapIntervals(results, key, (iv) => {
    const f = Math.exp(sigma * gaussian(rand));
    return { ...iv, p50Ms: iv.p50Ms * f, p95Ms: iv.p95Ms * f, p99Ms: iv.p99Ms * f, maxMs: iv.maxMs * f };
  });
  return out;
}

/** `key` finishes `factor` times as many iterations: count, throughput and every measured second's count. */
export function scaleThroughput(results: RunResults, key: string, factor: number): RunResults {
  const out = copy(results);
  out.operations = mapOperation(results, key, (op) => ({ ...op, count: Math.round(op.count * factor), throughputPerSec: op.throughputPerSec * factor }));
  out.intervals = mapIntervals(results, key, (iv) => ({ ...iv, count: Math.round(iv.count * factor) }));
  return out;
}

/** `key` fails a `ratio` share of its iterations, spread over the measured seconds by stochastic rounding. */
export function setErrorRatio(results: RunResults, key: string, ratio: number, seed: number): RunResults {
  const rand = prng(seed);
  const out = copy(results);
  let total = 0;
  out.intervals = mapIntervals(results, key, (iv) => {
    const errors = Math.floor(iv.count * ratio + rand());
    total += errors;
    return { ...iv, errors: errors > 0 ? ({ server: errors } satisfies Partial<Record<ErrorKind, number>>) : {} };
  });
  out.operations = mapOperation(results, key, (op) => ({ ...op, errors: total > 0 ? { server: total } : {} }));
  return out;
}

/**
 * `key` ran only `valuesMs.length` times (a rare phase such as session.validate/db on a warm cache): its histogram,
 * summary and count hold just those samples, all in the first measured second.
 */
export function withFewSamples(results: RunResults, key: string, valuesMs: readonly number[]): RunResults {
  const out = copy(results);
  const h = createHistogram(64);
  for (const ms of valuesMs) h.recordValue(Math.round(ms * 1000));
  const latencyHistogram = encode(h);
  const summary = summarize(h);
  const measuredS = (results.measuredWindow.endMs - results.measuredWindow.startMs) / 1000;
  out.operations = mapOperation(results, key, (op) => ({
    ...op, count: valuesMs.length, errors: {}, throughputPerSec: valuesMs.length / measuredS, latency: summary, service: summary, latencyHistogram, serviceHistogram: latencyHistogram,
  }));
  let first = true;
  out.intervals = results.intervals.map((p) => {
    const { [key]: figures, ...rest } = p.operations;
    if (!figures || p.warmup) return p;
    if (!first) return { ...p, operations: rest };
    first = false;
    return { ...p, operations: { ...rest, [key]: { count: valuesMs.length, errors: {}, p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, maxMs: summary.maxMs } } };
  });
  return out;
}

/** The run without `key` (an operation removed from the scenario). */
export function withoutOperation(results: RunResults, key: string): RunResults {
  const out = copy(results);
  out.operations = results.operations.filter((o) => o.key !== key);
  out.intervals = results.intervals.map((p) => {
    const { [key]: _dropped, ...rest } = p.operations;
    return { ...p, operations: rest };
  });
  return out;
}

export function withScenarioName(results: RunResults, name: string): RunResults {
  const out = copy(results);
  out.scenario = { ...results.scenario, name };
  return out;
}

export function withDatasetUsers(results: RunResults, users: number): RunResults {
  const out = copy(results);
  out.dataset = { ...results.dataset, users };
  return out;
}
