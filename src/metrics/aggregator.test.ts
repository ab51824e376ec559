// Worker recorder + main-thread aggregator: exact merge across workers, any arrival order, missing intervals,
// warm-up exclusion, generator counters and structured-clone-able snapshots.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalAggregator } from './aggregator.js';
import { createHistogram, decode, encode, maxUs, summarize } from './histogram.js';
import { IntervalRecorder } from './interval-recorder.js';
import type { IntervalSnapshot } from './types.js';

const recorder = (workerId: number): IntervalRecorder => new IntervalRecorder({ workerId, latenessBoundUs: 1000 });

describe('IntervalRecorder', () => {
  it('flushes plain data per key and resets', () => {
    const r = recorder(2);
    r.record('auth.login', 1500, 1200);
    r.record('auth.login', 2500, 2000);
    r.recordError('auth.login', 'timeout', 5_000_000);
    r.recordOutcome('auth.login', 'granted');
    r.recordOutcome('auth.login', 'granted');
    r.record('auth.login/db', 800, 800);
    r.countScheduled(2);
    r.countArrival(10);
    r.countArrival(5000);
    r.countStarted();
    r.countStarted();
    r.countQueued();
    r.countPoolTimeout();
    r.countDropped();
    r.countFinished();
    r.recordEventLoopLag(3000);
    const s = r.flush(7, 7000, 8000);
    expect(structuredClone(s)).toEqual(s);
    expect(s).toMatchObject({ workerId: 2, intervalIndex: 7, startMs: 7000, endMs: 8000 });
    const login = s.operations['auth.login']!;
    expect(login.count).toBe(3);
    expect(login.errors).toEqual({ timeout: 1 });
    expect(login.outcomes).toEqual({ granted: 2 });
    expect(decode(login.latency!).totalCount).toBe(3);
    expect(decode(login.service!).totalCount).toBe(2);
    expect(s.operations['auth.login/db']!.count).toBe(1);
    expect(s.generator).toMatchObject({ scheduled: 4, started: 2, dropped: 1, queued: 1, poolTimeouts: 1, late: 1, finished: 1, inFlight: 1, inFlightMax: 2 });
    expect(decode(s.generator.scheduleLag!).totalCount).toBe(2);

    const next = r.flush(8, 8000, 9000);
    expect(next.operations).toEqual({});
    expect(next.generator).toEqual({ scheduled: 0, started: 0, dropped: 0, queued: 0, poolTimeouts: 0, late: 0, finished: 0, inFlight: 1, inFlightMax: 1, scheduleLag: null, eventLoopLag: null });
    r.recordOutcome('auth.login', 'denied');
    expect(r.flush(9, 9000, 10000).operations['auth.login']).toEqual({ count: 0, errors: {}, outcomes: { denied: 1 }, latency: null, service: null });
  });

  it('rejects unknown error kinds', () => {
    // @ts-expect-error deliberately wrong kind
    expect(() => recorder(0).recordError('x', 'bogus')).toThrow(RangeError);
    // @ts-expect-error deliberately wrong kind
    expect(() => recorder(0).recordError('x', 'toString')).toThrow(RangeError);
  });
});

describe('IntervalAggregator', () => {
  it('merges out-of-order snapshots exactly and excludes warm-up from totals', () => {
    const workers = 3;
    const recs = [0, 1, 2].map(recorder);
    const snapshots: IntervalSnapshot[] = [];
    const measured = createHistogram();
    let v = 1;
    for (let i = 0; i < 4; i++) {
      for (const r of recs) {
        for (let k = 0; k < 50; k++) {
          v = (v * 7919) % 100_003;
          const us = 100 + v * (i === 0 ? 50 : 1); // warm-up interval 0 has a huge tail that must not leak
          r.record('op', us, us);
          if (i > 0) measured.recordValue(us);
          r.countStarted();
          r.countFinished();
        }
        r.countScheduled(50);
        if (i > 0) r.recordError('op', 'server');
        snapshots.push(r.flush(i, i * 1000, (i + 1) * 1000));
      }
    }
    snapshots.reverse();
    const agg = new IntervalAggregator({ workers, warmupMs: 1000, durationMs: 3000, model: 'open' });
    for (const s of snapshots) agg.add(s);
    const run = agg.finish();

    expect(run.incompleteIntervals).toEqual([]);
    expect(run.intervals.map((p) => [p.startMs, p.warmup])).toEqual([[0, true], [1000, false], [2000, false], [3000, false]]);
    expect(run.intervals[1]!.targetRate).toBe(150);
    expect(run.intervals[1]!.achievedRate).toBe(150);
    expect(run.intervals[1]!.operations['op']!.count).toBe(153);
    expect(run.intervals[1]!.operations['op']!.errors).toEqual({ server: 3 });

    const op = run.operations.find((o) => o.key === 'op')!;
    expect(op.count).toBe(3 * 3 * 51);
    expect(op.errors).toEqual({ server: 9 });
    expect(op.throughputPerSec).toBe(op.count / 3);
    expect(op.latency).toEqual(summarize(measured));
    expect(decode(op.latencyHistogram).totalCount).toBe(measured.totalCount);
    expect(run.generator).toMatchObject({ scheduled: 450, started: 450, dropped: 0, late: 0 });
    expect(run.hlog.filter((e) => e.tag === 'op')).toHaveLength(4);
  });

  it('merges an interval a worker missed at finish() and reports it', () => {
    const a = recorder(0);
    const b = recorder(1);
    const seen: number[] = [];
    const agg = new IntervalAggregator({ workers: 2, warmupMs: 0, durationMs: 2000, model: 'closed', onInterval: (_p, i) => seen.push(i) });
    a.record('op', 100, 100);
    agg.add(a.flush(0, 0, 1000));
    a.record('op', 200, 200);
    agg.add(a.flush(1, 1000, 2000));
    b.record('op', 300, 300);
    agg.add(b.flush(1, 1000, 2000)); // b never sends interval 0
    expect(seen).toEqual([1]);
    expect(agg.intervals()).toHaveLength(1);
    const run = agg.finish();
    expect(seen).toEqual([1, 0]);
    expect(run.incompleteIntervals).toEqual([0]);
    expect(run.intervals.map((p) => p.operations['op']!.count)).toEqual([1, 2]);
    expect(run.intervals[0]!.targetRate).toBeUndefined();
    expect(run.operations[0]!.count).toBe(3);
    expect(run.operations[0]!.latency.maxMs).toBe(0.3);
  });

  it('rejects duplicates, bad worker ids and add after finish', () => {
    const agg = new IntervalAggregator({ workers: 2, warmupMs: 0, durationMs: 1000, model: 'open' });
    const s = recorder(0).flush(0, 0, 1000);
    agg.add(s);
    expect(() => agg.add(s)).toThrow(/duplicate/);
    expect(() => agg.add({ ...s, workerId: 5 })).toThrow(RangeError);
    agg.add({ ...s, workerId: 1 });
    expect(() => agg.add({ ...s, workerId: 1 })).toThrow(/duplicate/);
    agg.finish();
    expect(() => agg.add({ ...s, intervalIndex: 3 })).toThrow(/finish/);
  });

  it('splits operation and phase', () => {
    const r = recorder(0);
    r.record('auth.login/db', 100, 100);
    const agg = new IntervalAggregator({ workers: 1, warmupMs: 0, durationMs: 1000, model: 'open' });
    agg.add(r.flush(0, 0, 1000));
    expect(agg.finish().operations[0]).toMatchObject({ key: 'auth.login/db', operation: 'auth.login', phase: 'db' });
  });

  it('property: any split over workers and intervals, any arrival order, equals one histogram of the measured samples', () => {
    const sample = fc.record({ worker: fc.nat(3), interval: fc.nat(4), us: fc.integer({ min: 0, max: 10_000_000 }), error: fc.boolean() });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 300 }), fc.integer({ min: 0, max: 3 }), fc.infiniteStream(fc.nat()), (samples, warmupIntervals, order) => {
        const workers = 4;
        const recs = [0, 1, 2, 3].map(recorder);
        const snapshots: IntervalSnapshot[] = [];
        const expected = createHistogram();
        let expectedCount = 0;
        for (let i = 0; i < 5; i++) {
          for (const s of samples) {
            if (s.interval !== i) continue;
            if (s.error) recs[s.worker]!.recordError('op', 'timeout', s.us);
            else recs[s.worker]!.record('op', s.us, s.us);
            if (i >= warmupIntervals) {
              expected.recordValue(s.us);
              expectedCount++;
            }
          }
          for (const r of recs) snapshots.push(r.flush(i, i * 1000, i * 1000 + 1000));
        }
        // a deterministic shuffle driven by fast-check
        const it = order[Symbol.iterator]();
        for (let i = snapshots.length - 1; i > 0; i--) {
          const j = it.next().value % (i + 1);
          [snapshots[i], snapshots[j]] = [snapshots[j]!, snapshots[i]!];
        }
        const agg = new IntervalAggregator({ workers, warmupMs: warmupIntervals * 1000, durationMs: 5000 - warmupIntervals * 1000, model: 'open' });
        for (const s of snapshots) agg.add(s);
        const run = agg.finish();
        const op = run.operations.find((o) => o.key === 'op');
        if (expectedCount === 0) {
          expect(op?.count ?? 0).toBe(0);
          return;
        }
        expect(op!.count).toBe(expectedCount);
        expect(op!.latency).toEqual(summarize(expected));
        expect(encode(decode(op!.latencyHistogram))).toBe(op!.latencyHistogram);
        expect(maxUs(decode(op!.latencyHistogram))).toBe(maxUs(expected));
        expect(run.intervals).toHaveLength(5);
      }),
      { numRuns: 25 },
    );
  });
});

describe('IntervalAggregator.measuredSoFar', () => {
  it('is the final totals of the merged intervals (no second decode), warm-up excluded, phases apart', () => {
    const agg = new IntervalAggregator({ workers: 2, warmupMs: 1000, durationMs: 2000, model: 'open' });
    const recs = [recorder(0), recorder(1)];
    recs[0]!.record('auth.login', 90_000, 90_000); // warm-up: not counted
    recs[0]!.countDropped();
    for (const r of recs) agg.add(r.flush(0, 0, 1000));
    expect(agg.measuredSoFar(0)).toEqual([]);
    recs[0]!.record('auth.login', 2000, 2000);
    recs[1]!.record('auth.login', 4000, 4000);
    recs[1]!.record('auth.login/db', 1000, 1000);
    recs[1]!.countDropped();
    agg.add(recs[0]!.flush(1, 1000, 2000));
    expect(agg.measuredSoFar(1000)).toEqual([]); // interval 1 waits for worker 1
    agg.add(recs[1]!.flush(1, 1000, 2000));
    const soFar = agg.measuredSoFar(1000);
    expect(soFar.map((o) => [o.key, o.count, o.phase])).toEqual([['auth.login', 2, undefined], ['auth.login/db', 1, 'db']]);
    expect(agg.droppedSoFar).toBe(1);
    expect(agg.overallP95SoFarMs()).toBeCloseTo(4, 1);
    const final = agg.finish(1000).operations;
    expect(soFar).toEqual(final.map((o) => ({ ...o, latencyHistogram: '', serviceHistogram: '' })));
  });
});
