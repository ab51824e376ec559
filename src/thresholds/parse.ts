// The threshold grammar and its parser: `p95 < 25ms`, `errors < 0.1%`, `throughput >= 2000/s` → Threshold.
// Parsed before any load starts; a threshold that does not parse is an input error, never a silent pass.
import type { InputIssue } from '../errors.js';
import type { Comparator, Threshold, ThresholdMetric, ThresholdScope } from './types.js';
import { operationKey, splitOperationKey, taggedOperation } from '../results/keys.js';

/**
 * Grammar (whitespace between tokens is optional):
 *
 *   threshold   ::= metric comparator value
 *   metric      ::= latency | "errors" | "throughput" | connections | "count"
 *   connections ::= "connections" ( "(" ( "server" | "client" ) ")" )?
 *   latency     ::= "p50" | "p90" | "p95" | "p99" | "p99.9" | "max" | "mean"
 *   comparator  ::= "<" | "<=" | ">" | ">="
 *   value       ::= number unit?
 *   number      ::= digit+ ( "." digit+ )?
 *   unit        ::= time | "%" | rate
 *   time        ::= "ms" | "s" | "us" | "µs"
 *   rate        ::= "/s" | "/m"
 *
 * Units by metric (anything else is a unit mismatch):
 *   latency      time unit required                     → milliseconds
 *   errors       "%" or a bare ratio 0..1               → ratio 0..1 (errors ÷ iterations)
 *   throughput   rate unit required                     → per second
 *   connections  bare whole number (run scope only)     → server-side peak connections (backends, as
 *                `connections(server)`); `connections(client)`: peak client connections at the pooler (target.pooler)
 *   count        bare whole number                      → iterations finished
 *
 * Scopes (the key a threshold list sits under):
 *
 *   scope       ::= "run" | operation ( "@" tag )? ( "@" event )? ( "/" phase )?
 *
 * `auth.login`, a phase `auth.login/db`, a tagged entry's operation `auth.login@attack`, or an operation judged only
 * in the window around a scenario event `auth.login@backup` (`auth.login@attack@backup/db` combines them). A single
 * `@name` is a tag when a mix entry has that tag, else an event name; the scenario parser refuses an event named
 * like a tag, so the key never means both. Latency metrics need an operation; `connections` is run-wide only.
 */
export const THRESHOLD_METRICS: readonly ThresholdMetric[] = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean', 'errors', 'throughput', 'connections', 'connections(client)', 'count'];
/** The connection counts a threshold can name: server backends (the default) or client connections at the pooler. */
export const CONNECTION_METRICS: readonly ThresholdMetric[] = ['connections', 'connections(client)'];
export const LATENCY_METRICS: readonly ThresholdMetric[] = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'];
export const COMPARATORS: readonly Comparator[] = ['<', '<=', '>', '>='];

const TIME_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, us: 0.001, 'µs': 0.001 };
const RATE_UNITS_PER_SEC: Readonly<Record<string, number>> = { '/s': 1, '/m': 1 / 60 };
const PERCENTILES: Partial<Record<ThresholdMetric, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, 'p99.9': 0.999 };

/** Where a threshold was written, for its issues. */
export interface ThresholdWhere {
  readonly file?: string;
  readonly line?: number;
  /** Path of the threshold in the scenario, e.g. `thresholds["auth.login"][0]`. */
  readonly path: string;
}

export interface ThresholdOptions {
  readonly minSamples?: number;
  readonly abortOnFail?: { readonly graceMs: number };
}

/** `run` → run scope; `auth.login/db` → operation auth.login, phase db. The key is not checked against the mix here. */
export function parseScopeKey(key: string): ThresholdScope {
  if (key === 'run') return { kind: 'run' };
  return { kind: 'operation', ...splitOperationKey(key) };
}

/** `run`, `auth.login` or `auth.login/db`: the key of results and verdicts. */
export function scopeKey(scope: ThresholdScope): string {
  if (scope.kind === 'run') return 'run';
  return operationKey(scope.event === undefined ? scope.operation : taggedOperation(scope.operation, scope.event), scope.phase);
}

/** The results key a scope is measured on: its operation (and phase), without the event window. */
export function resultKey(scope: Extract<ThresholdScope, { kind: 'operation' }>): string {
  return operationKey(scope.operation, scope.phase);
}

/**
 * Default minimum samples. Percentiles need about ten samples beyond the percentile to mean anything
 * (p95: 200, p99: 1000, p99.9: 10000), never fewer than 100; an error ratio needs enough iterations that one
 * error is resolvable (`errors < 0.1%`: 1000). Counts, rates and connections are measured, not estimated: 0.
 */
export function defaultMinSamples(metric: ThresholdMetric, value: number): number {
  const q = PERCENTILES[metric];
  if (q !== undefined) return Math.max(100, Math.ceil(10 / (1 - q) - 1e-9));
  if (metric === 'max' || metric === 'mean') return 100;
  if (metric === 'errors') return value > 0 ? Math.max(100, Math.ceil(1 / value - 1e-9)) : 100;
  return 0;
}

/** Parses one threshold. Returns the issue instead of throwing, so the scenario parser can collect every one. */
export function parseThreshold(text: string, scope: ThresholdScope, where: ThresholdWhere, options: ThresholdOptions = {}): Threshold | InputIssue {
  const issue = (message: string): InputIssue => ({
    ...(where.file === undefined ? {} : { file: where.file }),
    ...(where.line === undefined ? {} : { line: where.line }),
    path: where.path,
    message,
  });
  const match = /^\s*([A-Za-z][\w.]*(?:\s*\([^)]*\))?)\s*([<>=!]+)\s*(.*?)\s*$/s.exec(text);
  if (!match) return issue(`expected a threshold like "p95 < 25ms" (metric, comparator, value), got ${JSON.stringify(text)}`);
  const [, writtenMetric, comparatorText, valueText] = match as unknown as [string, string, string, string];
  // `connections(server)` is the default count spelled out.
  const metricText = writtenMetric.replace(/\s+/g, '') === 'connections(server)' ? 'connections' : writtenMetric.replace(/\s+/g, '');
  if (/^connections\(/.test(metricText) && metricText !== 'connections(client)') {
    return issue(`unknown connection count "${writtenMetric}"; expected connections (server backends, also written connections(server)) or connections(client) (client connections at the pooler)`);
  }

  const metric = THRESHOLD_METRICS.find((m) => m === metricText);
  if (!metric) {
    const near = THRESHOLD_METRICS.find((m) => m.toLowerCase() === metricText.toLowerCase()) ?? nearMetric(metricText);
    return issue(`unknown metric "${metricText}"${near ? ` (did you mean "${near}"?)` : ''}; expected ${THRESHOLD_METRICS.join(', ')}`);
  }
  const comparator = COMPARATORS.find((c) => c === comparatorText);
  if (!comparator) return issue(`unknown comparator "${comparatorText}" in ${JSON.stringify(text)}; expected <, <=, > or >=`);

  const valueMatch = /^(\d+(?:\.\d+)?)\s*(ms|us|µs|s|%|\/s|\/m)?$/.exec(valueText);
  if (!valueMatch) return issue(`expected a number with an optional unit after "${metric} ${comparator}", got ${JSON.stringify(valueText)}`);
  const number = Number(valueMatch[1]);
  const unit = valueMatch[2];

  const value = toCanonical(metric, number, unit, valueText);
  if (typeof value === 'string') return issue(value);

  if (scope.kind === 'run' && LATENCY_METRICS.includes(metric)) {
    return issue(`${metric} is measured per operation, not for the whole run; put it under an operation or phase such as auth.login or auth.login/db`);
  }
  if (scope.kind === 'operation' && CONNECTION_METRICS.includes(metric)) {
    return issue(`${metric} is measured for the whole run (server side); put it under run`);
  }
  const minSamples = options.minSamples ?? defaultMinSamples(metric, value);
  return {
    source: text.trim(),
    ...(where.file === undefined ? {} : { file: where.file }),
    ...(where.line === undefined ? {} : { line: where.line }),
    scope,
    metric,
    comparator,
    value,
    minSamples,
    ...(options.abortOnFail ? { abortOnFail: { graceMs: options.abortOnFail.graceMs } } : {}),
  };
}

/** The value in canonical units, or a message saying why the unit does not fit the metric. */
function toCanonical(metric: ThresholdMetric, number: number, unit: string | undefined, valueText: string): number | string {
  const got = JSON.stringify(valueText);
  if (LATENCY_METRICS.includes(metric)) {
    if (unit === undefined) return `${metric} is a latency and needs a time unit (ms, s or us), e.g. "${metric} < ${number}ms", got ${got}`;
    const factor = TIME_UNITS_MS[unit];
    if (factor === undefined) return `unit mismatch: ${metric} is a latency (ms, s or us), got ${got}`;
    return number * factor;
  }
  switch (metric) {
    case 'errors':
      if (unit === '%') {
        if (number > 100) return `errors must be at most 100%, got ${got}`;
        return number / 100;
      }
      if (unit !== undefined) return `unit mismatch: errors is a share of iterations (% or a ratio 0..1), got ${got}`;
      if (number > 1) return `errors is a ratio from 0 to 1 (or a percentage like ${number}%), got ${got}`;
      return number;
    case 'throughput': {
      if (unit === undefined) return `throughput needs a rate unit, e.g. "throughput >= ${number}/s", got ${got}`;
      const factor = RATE_UNITS_PER_SEC[unit];
      if (factor === undefined) return `unit mismatch: throughput is a rate (/s or /m), got ${got}`;
      return number * factor;
    }
    default:
      if (unit !== undefined) return `unit mismatch: ${metric} is a plain count, got ${got}`;
      if (!Number.isInteger(number)) return `${metric} is a whole number, got ${got}`;
      return number;
  }
}

/** Common spellings from other tools: p999 (wrk2), avg (k6), error_rate, rps. A Map: `constructor` is no alias. */
const METRIC_ALIASES: ReadonlyMap<string, ThresholdMetric> = new Map([
  ['p999', 'p99.9'], ['avg', 'mean'], ['med', 'p50'], ['median', 'p50'], ['error', 'errors'], ['error_rate', 'errors'], ['rps', 'throughput'], ['conns', 'connections'],
]);

function nearMetric(text: string): ThresholdMetric | undefined {
  const lower = text.toLowerCase();
  const alias = METRIC_ALIASES.get(lower);
  if (alias) return alias;
  return THRESHOLD_METRICS.find((m) => m.length >= 3 && (lower.startsWith(m) || m.startsWith(lower)) && Math.abs(m.length - lower.length) <= 2);
}

/** Canonical text of a threshold (what `parseThreshold` reads back to the same value). */
export function formatThreshold(threshold: Pick<Threshold, 'metric' | 'comparator' | 'value'>): string {
  return `${threshold.metric} ${threshold.comparator} ${formatThresholdValue(threshold.metric, threshold.value)}`;
}

/** A value in the metric's display unit: `25ms`, `0.1%`, `2000/s`, `750`. Fewer digits for measured values in messages. */
export function formatThresholdValue(metric: ThresholdMetric, value: number, significantDigits = 12): string {
  const clean = (n: number): string => String(Number(n.toPrecision(significantDigits)));
  if (LATENCY_METRICS.includes(metric)) return `${clean(value)}ms`;
  if (metric === 'errors') return `${clean(value * 100)}%`;
  if (metric === 'throughput') return `${clean(value)}/s`;
  return clean(value);
}
