// The threshold grammar: table of texts in → parsed thresholds or exact messages out, and round trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InputIssue } from '../errors.js';
import { CONNECTION_METRICS, defaultMinSamples, formatThreshold, LATENCY_METRICS, parseScopeKey, parseThreshold, scopeKey, THRESHOLD_METRICS } from './parse.js';
import type { Threshold, ThresholdScope } from './types.js';

const op: ThresholdScope = { kind: 'operation', operation: 'auth.login' };
const run: ThresholdScope = { kind: 'run' };
const where = { file: 'x.yaml', line: 3, path: 'thresholds["auth.login"][0]' };

function parsed(text: string, scope: ThresholdScope = op): Threshold {
  const result = parseThreshold(text, scope, where);
  if ('message' in result) throw new Error(result.message);
  return result;
}

function issue(text: string, scope: ThresholdScope = op): string {
  const result = parseThreshold(text, scope, where);
  if (!('message' in result)) throw new Error(`parsed: ${JSON.stringify(result)}`);
  expect(result).toMatchObject({ file: 'x.yaml', line: 3, path: where.path } satisfies Partial<InputIssue>);
  return result.message;
}

describe('parseThreshold accepts', () => {
  it.each([
    ['p95 < 25ms', op, 'p95', '<', 25],
    ['p95<25ms', op, 'p95', '<', 25],
    ['  p99.9 <= 1s ', op, 'p99.9', '<=', 1000],
    ['p50 < 250us', op, 'p50', '<', 0.25],
    ['p90 < 250µs', op, 'p90', '<', 0.25],
    ['max < 2 s', op, 'max', '<', 2000],
    ['mean < 1.5ms', op, 'mean', '<', 1.5],
    ['errors < 0.1%', op, 'errors', '<', 0.001],
    ['errors <= 0.05', op, 'errors', '<=', 0.05],
    ['errors < 0.1%', run, 'errors', '<', 0.001],
    ['throughput >= 2000/s', run, 'throughput', '>=', 2000],
    ['throughput > 120/m', op, 'throughput', '>', 2],
    ['connections >= 750', run, 'connections', '>=', 750],
    ['connections(server) >= 30', run, 'connections', '>=', 30],
    ['connections(client) >= 750', run, 'connections(client)', '>=', 750],
    ['connections ( client ) > 10', run, 'connections(client)', '>', 10],
    ['count > 0', op, 'count', '>', 0],
  ] as const)('%j', (text, scope, metric, comparator, value) => {
    const t = parsed(text, scope);
    expect(t).toMatchObject({ source: text.trim(), file: 'x.yaml', line: 3, scope, metric, comparator });
    expect(t.value).toBeCloseTo(value, 12);
  });

  it('takes minSamples and abortOnFail from the object form', () => {
    const t = parseThreshold('p99 < 100ms', op, where, { minSamples: 5, abortOnFail: { graceMs: 10_000 } });
    expect(t).toMatchObject({ minSamples: 5, abortOnFail: { graceMs: 10_000 } });
  });
});

describe('parseThreshold rejects', () => {
  it.each([
    ['p95 lt 25ms', op, 'expected a threshold like "p95 < 25ms" (metric, comparator, value), got "p95 lt 25ms"'],
    ['', op, 'expected a threshold like "p95 < 25ms" (metric, comparator, value), got ""'],
    ['< 25ms', op, 'expected a threshold like "p95 < 25ms" (metric, comparator, value), got "< 25ms"'],
    ['p96 < 25ms', op, 'unknown metric "p96"; expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count'],
    ['P95 < 25ms', op, 'unknown metric "P95" (did you mean "p95"?); expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count'],
    ['avg < 25ms', op, 'unknown metric "avg" (did you mean "mean"?); expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count'],
    ['p999 < 25ms', op, 'unknown metric "p999" (did you mean "p99.9"?); expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count'],
    ['p95 == 25ms', op, 'unknown comparator "==" in "p95 == 25ms"; expected <, <=, > or >='],
    ['p95 =< 25ms', op, 'unknown comparator "=<" in "p95 =< 25ms"; expected <, <=, > or >='],
    ['p95 < -1ms', op, 'expected a number with an optional unit after "p95 <", got "-1ms"'],
    ['p95 < 25 ms extra', op, 'expected a number with an optional unit after "p95 <", got "25 ms extra"'],
    ['p95 < 25', op, 'p95 is a latency and needs a time unit (ms, s or us), e.g. "p95 < 25ms", got "25"'],
    ['p95 < 5%', op, 'unit mismatch: p95 is a latency (ms, s or us), got "5%"'],
    ['p95 < 5/s', op, 'unit mismatch: p95 is a latency (ms, s or us), got "5/s"'],
    ['errors < 5ms', op, 'unit mismatch: errors is a share of iterations (% or a ratio 0..1), got "5ms"'],
    ['errors < 5', op, 'errors is a ratio from 0 to 1 (or a percentage like 5%), got "5"'],
    ['errors < 101%', op, 'errors must be at most 100%, got "101%"'],
    ['throughput >= 2000', run, 'throughput needs a rate unit, e.g. "throughput >= 2000/s", got "2000"'],
    ['throughput >= 2000%', run, 'unit mismatch: throughput is a rate (/s or /m), got "2000%"'],
    ['connections >= 750/s', run, 'unit mismatch: connections is a plain count, got "750/s"'],
    ['count > 1.5', op, 'count is a whole number, got "1.5"'],
    ['p95 < 25ms', run, 'p95 is measured per operation, not for the whole run; put it under an operation or phase such as auth.login or auth.login/db'],
    ['connections >= 750', op, 'connections is measured for the whole run (server side); put it under run'],
    ['connections(client) >= 750', op, 'connections(client) is measured for the whole run (server side); put it under run'],
    ['connections(pool) >= 750', run, 'unknown connection count "connections(pool)"; expected connections (server backends, also written connections(server)) or connections(client) (client connections at the pooler)'],
    ['connections(client) >= 7.5', run, 'connections(client) is a whole number, got "7.5"'],
  ] as const)('%j', (text, scope, message) => {
    expect(issue(text, scope)).toBe(message);
  });
});

describe('scopes', () => {
  it.each([
    ['run', { kind: 'run' }],
    ['auth.login', { kind: 'operation', operation: 'auth.login' }],
    ['auth.login/db', { kind: 'operation', operation: 'auth.login', phase: 'db' }],
  ] as const)('%s', (key, scope) => {
    expect(parseScopeKey(key)).toEqual(scope);
    expect(scopeKey(parseScopeKey(key))).toBe(key);
  });
});

describe('defaultMinSamples', () => {
  it.each([
    ['p50', 25, 100],
    ['p90', 25, 100],
    ['p95', 25, 200],
    ['p99', 25, 1000],
    ['p99.9', 25, 10_000],
    ['max', 25, 100],
    ['mean', 25, 100],
    ['errors', 0.001, 1000],
    ['errors', 0.05, 100],
    ['errors', 0, 100],
    ['throughput', 2000, 0],
    ['connections', 750, 0],
    ['count', 1, 0],
  ] as const)('%s %d → %d', (metric, value, samples) => {
    expect(defaultMinSamples(metric, value)).toBe(samples);
  });
});

describe('round trip', () => {
  const decimal = fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 3 })).map(([n, places]) => n / 10 ** places);
  const threshold = fc.record({
    metric: fc.constantFrom(...THRESHOLD_METRICS),
    comparator: fc.constantFrom('<', '<=', '>', '>=' as const),
    value: decimal,
  });

  it('parse(format(t)) gives t back, and format is stable', () => {
    fc.assert(
      fc.property(threshold, ({ metric, comparator, value }) => {
        const scope: ThresholdScope = CONNECTION_METRICS.includes(metric) ? run : op;
        const canonical = metric === 'errors' ? Math.min(value, 100) / 100 : ['connections', 'connections(client)', 'count'].includes(metric) ? Math.round(value) : value;
        const text = formatThreshold({ metric, comparator, value: canonical });
        const back = parsed(text, scope);
        expect(back).toMatchObject({ metric, comparator, scope });
        expect(back.value).toBeCloseTo(canonical, 9);
        expect(formatThreshold(back)).toBe(text);
      }),
    );
  });

  it('formats in display units', () => {
    expect(formatThreshold({ metric: 'errors', comparator: '<', value: 0.001 })).toBe('errors < 0.1%');
    expect(formatThreshold({ metric: 'p95', comparator: '<', value: 25 })).toBe('p95 < 25ms');
    expect(formatThreshold({ metric: 'throughput', comparator: '>=', value: 2000 })).toBe('throughput >= 2000/s');
    expect(LATENCY_METRICS).toContain('p99.9');
  });
});
