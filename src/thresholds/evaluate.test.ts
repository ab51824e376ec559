// Threshold evaluation: PASS/FAIL/INCONCLUSIVE at the boundaries, phases, run-wide sums, missing server evidence
// and partial snapshots.
import { describe, expect, it } from 'vitest';
import type { LatencySummary, OperationResult, ServerEvidence } from '../results/types.js';
import { evaluateThresholds, type ThresholdInput, thresholdsToAbortOn } from './evaluate.js';
import { parseScopeKey, parseThreshold } from './parse.js';
import type { Threshold, ThresholdStatus } from './types.js';

function latency(count: number, p95Ms: number): LatencySummary {
  return { count, minMs: 1, meanMs: p95Ms / 2, stdDevMs: 1, p50Ms: p95Ms / 2, p90Ms: p95Ms * 0.9, p95Ms, p99Ms: p95Ms * 2, p999Ms: p95Ms * 3, maxMs: p95Ms * 4 };
}

function result(key: string, fields: { count: number; p95Ms?: number; errors?: OperationResult['errors']; throughputPerSec?: number }): OperationResult {
  const [operation, phase] = key.split('/') as [string, string | undefined];
  const summary = latency(fields.count, fields.p95Ms ?? 10);
  return {
    key,
    operation,
    ...(phase === undefined ? {} : { phase }),
    count: fields.count,
    errors: fields.errors ?? {},
    outcomes: {},
    throughputPerSec: fields.throughputPerSec ?? fields.count / 60,
    latency: summary,
    service: summary,
    latencyHistogram: '',
    serviceHistogram: '',
  };
}

const server: ServerEvidence = { connectionsPeak: 760, activeConnectionsPeak: 100, statements: [], bufferHitRatio: 1, commits: 0, rollbacks: 0, redis: null };

const results: ThresholdInput = {
  operations: [
    result('login', { count: 120_000, p95Ms: 30, errors: { timeout: 60, server: 59 }, throughputPerSec: 2000 }),
    result('login/db', { count: 120_000, p95Ms: 25 }),
    result('lookup', { count: 50, p95Ms: 1, throughputPerSec: 0.5 }),
    result('validate', { count: 0, throughputPerSec: 0 }),
  ],
  server,
};

function threshold(key: string, text: string, minSamples?: number): Threshold {
  const t = parseThreshold(text, parseScopeKey(key), { path: key }, minSamples === undefined ? {} : { minSamples });
  if ('message' in t) throw new Error(t.message);
  return t;
}

describe('evaluateThresholds', () => {
  it.each<[string, string, ThresholdStatus, number | null, string?]>([
    // latency boundaries, on the phase entry
    ['login/db', 'p95 < 25ms', 'FAIL', 25, 'p95 was 25ms, required < 25ms'],
    ['login/db', 'p95 <= 25ms', 'PASS', 25],
    ['login/db', 'p95 < 25.001ms', 'PASS', 25],
    ['login', 'p95 < 25ms', 'FAIL', 30, 'p95 was 30ms, required < 25ms'],
    ['login', 'p99 < 100ms', 'PASS', 60],
    ['login', 'max < 0.1s', 'FAIL', 120, 'max was 120ms, required < 100ms'],
    // errors: total errors ÷ count
    ['login', 'errors < 0.1%', 'PASS', 119 / 120_000],
    ['login', 'errors < 0.099%', 'FAIL', 119 / 120_000, 'errors was 0.09917%, required < 0.099%'],
    ['validate', 'errors < 1%', 'INCONCLUSIVE', null, 'no iterations of validate'],
    // throughput and count
    ['login', 'throughput >= 2000/s', 'PASS', 2000],
    ['login', 'throughput > 2000/s', 'FAIL', 2000, 'throughput was 2000/s, required > 2000/s'],
    ['run', 'throughput >= 2000.5/s', 'PASS', 2000.5],
    ['run', 'count >= 120050', 'PASS', 120_050],
    ['run', 'errors < 0.1%', 'PASS', 119 / 120_050],
    // connections come from the server
    ['run', 'connections >= 750', 'PASS', 760],
    ['run', 'connections > 760', 'FAIL', 760, 'connections was 760, required > 760'],
    // too few samples is never a PASS
    ['lookup', 'p95 < 25ms', 'INCONCLUSIVE', 1, 'only 50 samples; at least 200 needed for p95'],
    ['lookup', 'p50 < 25ms', 'INCONCLUSIVE', 0.5, 'only 50 samples; at least 100 needed for p50'],
    // missing results
    ['nothing', 'p95 < 25ms', 'INCONCLUSIVE', null, 'no results for nothing'],
    ['login/verify', 'p95 < 25ms', 'INCONCLUSIVE', null, 'no results for login/verify'],
    ['validate', 'p95 < 25ms', 'INCONCLUSIVE', null, 'no samples for validate'],
  ])('%s: %s → %s', (key, text, status, measured, reason) => {
    const [verdict] = evaluateThresholds([threshold(key, text)], results);
    expect(verdict!.status).toBe(status);
    if (measured === null) expect(verdict!.measured).toBeNull();
    else expect(verdict!.measured).toBeCloseTo(measured, 9);
    if (reason !== undefined) expect(verdict!.reason).toBe(reason);
    expect(verdict!.scopeKey).toBe(key);
  });

  it('honours an explicit minSamples', () => {
    const [verdict] = evaluateThresholds([threshold('lookup', 'p95 < 25ms', 10)], results);
    expect(verdict).toMatchObject({ status: 'PASS', samples: 50, measured: 1, source: 'p95 < 25ms', metric: 'p95', comparator: '<', target: 25 });
  });

  it('is INCONCLUSIVE on connections when the server was not sampled', () => {
    const [verdict] = evaluateThresholds([threshold('run', 'connections >= 750')], { ...results, server: null });
    expect(verdict).toMatchObject({ status: 'INCONCLUSIVE', measured: null });
    expect(verdict!.reason).toMatch(/no server-side evidence/);
  });

  it('is INCONCLUSIVE on connections that were never sampled, with the sampler\'s reason (not a measured 0)', () => {
    const unsampled: ServerEvidence = { ...server, connectionsPeak: 0, activeConnectionsPeak: 0, connectionSamples: 0, connectionSamplingError: 'Connection terminated unexpectedly' };
    const [verdict] = evaluateThresholds([threshold('run', 'connections >= 750')], { ...results, server: unsampled });
    expect(verdict).toMatchObject({ status: 'INCONCLUSIVE', measured: null, samples: 0 });
    expect(verdict!.reason).toBe('connections were never sampled in the measured window (pg_stat_activity could not be read: Connection terminated unexpectedly)');
    const [sampled] = evaluateThresholds([threshold('run', 'connections >= 750')], { ...results, server: { ...server, connectionSamples: 12 } });
    expect(sampled).toMatchObject({ status: 'PASS', measured: 760, samples: 12 });
  });

  it('judges connections(client) on the pooler\'s client count and plain connections on the server backends', () => {
    const pooler = { kind: 'pgbouncer' as const, poolSize: 40, mode: 'transaction' as const, clientConnectionsPeak: 760, clientsWaitingPeak: 3, serverConnectionsPeak: 40, clientSamples: 12 };
    const pooled = { ...results, server: { ...server, connectionsPeak: 38, connectionSamples: 12, pooler } };
    const [clients, backends] = evaluateThresholds([threshold('run', 'connections(client) >= 750'), threshold('run', 'connections >= 750')], pooled);
    expect(clients).toMatchObject({ metric: 'connections(client)', status: 'PASS', measured: 760, samples: 12 });
    expect(backends).toMatchObject({ metric: 'connections', status: 'FAIL', measured: 38, reason: 'connections was 38, required >= 750' });
    const [none] = evaluateThresholds([threshold('run', 'connections(client) >= 750')], { ...results, server });
    expect(none).toMatchObject({ status: 'INCONCLUSIVE', measured: null });
    expect(none!.reason).toMatch(/no pooler evidence/);
    const [unsampled] = evaluateThresholds([threshold('run', 'connections(client) >= 750')], { ...results, server: { ...server, pooler: { ...pooler, clientSamples: 0, samplingError: 'connect ECONNREFUSED' } } });
    expect(unsampled!.reason).toBe('client connections were never sampled in the measured window (SHOW CLIENTS could not be read: connect ECONNREFUSED)');
  });

  it('on a partial snapshot, a connections floor cannot fail yet (the peak only grows); a ceiling can', () => {
    const live = { ...results, server: { ...server, connectionsPeak: 5, connectionSamples: 2 } };
    const list = [threshold('run', 'connections >= 750'), threshold('run', 'connections < 4')];
    const partial = evaluateThresholds(list, live, { partial: true });
    expect(partial.map((v) => v.status)).toEqual(['INCONCLUSIVE', 'FAIL']);
    expect(partial[0]!.reason).toBe('the run is not finished; the sampled peak only grows');
    expect(evaluateThresholds(list, live).map((v) => v.status)).toEqual(['FAIL', 'FAIL']);
  });

  it('sums run-wide throughput over top-level operations only (phases are parts, not extra work)', () => {
    const [verdict] = evaluateThresholds([threshold('run', 'throughput >= 1/s')], results);
    expect(verdict!.measured).toBeCloseTo(2000 + 0.5 + 0, 9);
  });

  it('returns one verdict per threshold, in order', () => {
    const list = [threshold('login', 'p95 < 25ms'), threshold('run', 'connections >= 750'), threshold('lookup', 'p95 < 25ms')];
    expect(evaluateThresholds(list, results).map((v) => v.status)).toEqual(['FAIL', 'PASS', 'INCONCLUSIVE']);
  });

  it('on a partial snapshot, growing counts cannot fail yet', () => {
    const list = [threshold('run', 'count >= 1000000'), threshold('run', 'count < 10'), threshold('login', 'p95 < 25ms')];
    expect(evaluateThresholds(list, results, { partial: true }).map((v) => v.status)).toEqual(['INCONCLUSIVE', 'FAIL', 'FAIL']);
    expect(evaluateThresholds(list, results).map((v) => v.status)).toEqual(['FAIL', 'FAIL', 'FAIL']);
  });

  it('works on an empty snapshot (start of the run)', () => {
    const list = [threshold('login', 'p95 < 25ms'), threshold('run', 'throughput >= 1/s'), threshold('run', 'errors < 1%')];
    expect(evaluateThresholds(list, { operations: [], server: null }).map((v) => v.status)).toEqual(['INCONCLUSIVE', 'INCONCLUSIVE', 'INCONCLUSIVE']);
  });
});

describe('thresholdsToAbortOn', () => {
  it('returns failing abortOnFail thresholds once their grace period has passed', () => {
    const abort = parseThreshold('p95 < 25ms', parseScopeKey('login'), { path: 'x' }, { abortOnFail: { graceMs: 10_000 }, minSamples: 1 }) as Threshold;
    const plain = threshold('login', 'p99 < 1ms', 1);
    const list = [abort, plain];
    const verdicts = evaluateThresholds(list, results, { partial: true });
    expect(thresholdsToAbortOn(list, verdicts, 9_999)).toEqual([]);
    expect(thresholdsToAbortOn(list, verdicts, 10_000)).toEqual([abort]);
  });
});
