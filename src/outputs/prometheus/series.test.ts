// The series of a run's intervals: names, labels (run, operation/phase, window), counters that only grow and carry
// on through intervals without activity, gauges at each interval's end, and a WriteRequest that decodes back.
import { describe, expect, it } from 'vitest';
import type { IntervalPoint } from '../../results/types.js';
import type { LiveInterval } from '../types.js';
import { RunSeries } from './series.js';
import { decodeWriteRequest, encodeWriteRequest, type TimeSeries } from './write-request.js';

const identity = { runId: 'r1', scenario: 'login', shard: '0/1' };
const START = 1_764_630_000_000;

function interval(index: number, warmup: boolean, ops: IntervalPoint['operations'], extra: Partial<LiveInterval> = {}): LiveInterval {
  return {
    index,
    point: { startMs: index * 1000, endMs: (index + 1) * 1000, warmup, targetRate: 100, achievedRate: 99, dropped: 1, inFlight: 3, operations: ops, eventLoopLagMaxMs: 2 },
    generator: { scheduled: 100, started: 99, late: 2 },
    outcomes: {},
    ...extra,
  };
}

const op = (count: number, errors: Record<string, number> = {}): IntervalPoint['operations'][string] => ({ count, errors, p50Ms: 1, p95Ms: 2, p99Ms: 4, maxMs: 8 });

function find(series: readonly TimeSeries[], name: string, labels: Record<string, string> = {}): TimeSeries[] {
  return series.filter((s) => {
    const l = Object.fromEntries(s.labels);
    return l.__name__ === name && Object.entries(labels).every(([k, v]) => l[k] === v);
  });
}

describe('RunSeries', () => {
  it('labels every series with the run, and an operation key with operation and phase', () => {
    const run = new RunSeries(identity, START);
    const series = run.interval(interval(0, false, { 'auth.login': op(10), 'auth.login/db': op(10) }, { outcomes: { 'auth.login': { denied: 1, granted: 9 } } }));
    for (const s of series) expect(Object.fromEntries(s.labels)).toMatchObject({ scenario: 'login', run_id: 'r1', shard: '0/1' });
    const db = find(series, 'authbench_iterations_total', { operation: 'auth.login', phase: 'db', window: 'measured' });
    expect(db.map((s) => s.samples)).toEqual([[{ value: 10, timestampMs: START + 1000 }]]);
    expect(find(series, 'authbench_iterations_total', { operation: 'auth.login' }).find((s) => !s.labels.some(([k]) => k === 'phase'))).toBeDefined();
    expect(find(series, 'authbench_outcomes_total', { outcome: 'denied' })[0]!.samples[0]!.value).toBe(1);
    expect(find(series, 'authbench_latency_seconds', { operation: 'auth.login', phase: 'db', quantile: '0.99' })[0]!.samples[0]!.value).toBe(0.004);
    expect(find(series, 'authbench_latency_seconds', { operation: 'auth.login', quantile: '1' })).toHaveLength(2);
    expect(find(series, 'authbench_event_loop_lag_max_seconds')[0]!.samples[0]!.value).toBe(0.002);
  });

  it('keeps warm-up and measured counters apart and sends every counter with every push', () => {
    const run = new RunSeries(identity, START);
    run.interval(interval(0, true, { sql: op(50, { timeout: 2 }) }));
    run.interval(interval(1, false, { sql: op(60) }));
    const third = run.interval(interval(2, false, {}));
    const value = (name: string, labels: Record<string, string>): number[] => find(third, name, labels).map((s) => s.samples[0]!.value);
    expect(value('authbench_iterations_total', { window: 'warmup' })).toEqual([50]);
    expect(value('authbench_iterations_total', { window: 'measured' })).toEqual([60]);
    expect(value('authbench_errors_total', { kind: 'timeout', window: 'warmup' })).toEqual([2]);
    expect(value('authbench_errors_total', { window: 'measured' })).toEqual([]);
    expect(value('authbench_scheduled_total', { window: 'measured' })).toEqual([200]);
    expect(value('authbench_late_total', { window: 'measured' })).toEqual([4]);
    expect(value('authbench_dropped_total', { window: 'warmup' })).toEqual([1]);
    // Every sample of the third push is at its end: the receiver needs each series to go forward in time.
    expect(new Set(third.flatMap((s) => s.samples.map((p) => p.timestampMs)))).toEqual(new Set([START + 3000]));
    expect(find(third, 'authbench_warmup')[0]!.samples[0]!.value).toBe(0);
  });

  it('counts an interval that came too late for its turn, and sends the counters after the last push', () => {
    const run = new RunSeries(identity, START);
    run.interval(interval(2, false, { sql: op(10) }));
    run.count(interval(1, false, { sql: op(7) }));
    const [total] = find(run.counters(), 'authbench_iterations_total', { window: 'measured' });
    expect(total!.samples).toEqual([{ value: 17, timestampMs: START + 3001 }]);
  });

  it('turns the server samples of the finished run into one series per figure', () => {
    const run = new RunSeries(identity, START);
    const points = [interval(0, false, {}).point, { ...interval(1, false, {}).point, serverConnections: 7, serverActiveConnections: 3 }];
    const series = run.serverSeries(points);
    expect(find(series, 'authbench_server_connections').map((s) => s.samples)).toEqual([[{ value: 7, timestampMs: START + 2000 }]]);
    expect(find(series, 'authbench_server_active_connections')).toHaveLength(1);
  });
});

describe('WriteRequest encoding', () => {
  it('decodes back to the same series, labels sorted by name and empty labels left out', () => {
    const series: TimeSeries[] = [
      { labels: [['__name__', 'authbench_in_flight'], ['scenario', 'login'], ['phase', ''], ['a', 'b']], samples: [{ value: 3.5, timestampMs: START }, { value: 4, timestampMs: START + 1000 }] },
    ];
    expect(decodeWriteRequest(encodeWriteRequest(series))).toEqual([
      { labels: [['__name__', 'authbench_in_flight'], ['a', 'b'], ['scenario', 'login']], samples: series[0]!.samples },
    ]);
  });
});
