// The event window arithmetic on a hand-made series: the window runs from the event's start through the seconds
// until the first clean one, percentiles come from the merged histograms, and the recovery is measured from the end.
import { describe, expect, it } from 'vitest';
import type { HlogEntry } from '../metrics/aggregator.js';
import { createHistogram, encode } from '../metrics/histogram.js';
import type { IntervalPoint } from '../results/types.js';
import { eventImpact } from './impact.js';
import type { EventRecord } from './types.js';

/** One second of auth.login: `n` iterations of `latencyMs` each, `errors` of them connection errors. */
function second(index: number, n: number, latencyMs: number, errors = 0): { point: IntervalPoint; hlog: HlogEntry } {
  const h = createHistogram();
  for (let i = 0; i < n; i++) h.recordValue(latencyMs * 1000);
  const startMs = index * 1000;
  return {
    point: {
      startMs,
      endMs: startMs + 1000,
      warmup: index < 1,
      achievedRate: n,
      dropped: 0,
      inFlight: 0,
      operations: { 'auth.login': { count: n, errors: errors > 0 ? { connection: errors } : {}, p50Ms: latencyMs, p95Ms: latencyMs, p99Ms: latencyMs, maxMs: latencyMs } },
      eventLoopLagMaxMs: 0,
    },
    hlog: { tag: 'auth.login', startMs, endMs: startMs + 1000, maxUs: latencyMs * 1000, histogram: encode(h) },
  };
}

describe('eventImpact', () => {
  // warm-up second 0; calm 1..6 at 2 ms; the event runs 7.2–8.5 s; 7, 8 slow with errors; 9 still slow; 10.. calm.
  const seconds = [second(0, 10, 50), ...[1, 2, 3, 4, 5, 6].map((i) => second(i, 100, 2)), second(7, 100, 40, 5), second(8, 100, 30, 2), second(9, 100, 10), second(10, 100, 2), second(11, 100, 2)];
  const input = { intervals: seconds.map((s) => s.point), hlog: seconds.map((s) => s.hlog), measured: { startMs: 1000, endMs: 12_000 } };
  const crash: EventRecord = { name: 'crash', action: 'crash', occurrence: 0, plannedMs: 7000, startMs: 7200, endMs: 8500, status: 'done' };

  it('judges the window through the last unclean second and measures the recovery from the end', () => {
    const [result] = eventImpact({ ...input, records: [crash] }).events;
    expect(result!.window).toEqual({ startMs: 7000, endMs: 10_000 });
    expect(result!.recoveryMs).toBe(1500);
    const login = result!.impact!['auth.login']!;
    expect(login.before).toMatchObject({ count: 500, errors: 0 });
    expect(login.before!.p95Ms).toBeCloseTo(2, 1);
    expect(login.during).toMatchObject({ count: 300, errors: 7, errorsByKind: { connection: 7 } });
    expect(login.during.p50Ms).toBeCloseTo(30, 0);
    expect(login.during.maxMs).toBeCloseTo(40, 0);
  });

  it('gives thresholds the window totals, and leaves events that never ran without a window', () => {
    const notReached: EventRecord = { name: 'late', action: 'checkpoint', occurrence: 0, plannedMs: 20_000, status: 'not-reached' };
    const { events, windows } = eventImpact({ ...input, records: [crash, notReached] });
    expect(windows.crash).toEqual([expect.objectContaining({ key: 'auth.login', count: 300, errors: { connection: 7 }, throughputPerSec: 100 })]);
    expect(windows.late).toBeUndefined();
    expect(events[1]).toEqual(notReached);
  });

  it('has no recovery when the load is never clean again, and no baseline for an event at the start', () => {
    const early: EventRecord = { name: 'early', action: 'checkpoint', occurrence: 0, plannedMs: 1000, startMs: 1000, endMs: 1100, status: 'done' };
    const dirty = [...seconds.slice(0, 7), second(7, 100, 40, 5), second(8, 100, 30, 2)];
    const [result] = eventImpact({ records: [crash], intervals: dirty.map((s) => s.point), hlog: dirty.map((s) => s.hlog), measured: { startMs: 1000, endMs: 9000 } }).events;
    expect(result!.recoveryMs).toBeNull();
    const [first] = eventImpact({ ...input, records: [early] }).events;
    expect(first!.impact!['auth.login']!.before).toBeNull();
    expect(first!.recoveryMs).toBe(900); // the second after the one it ran in
  });
});
