// The open model's dispatcher alone (no database): every arrival of the schedule is scheduled once and started (after
// waiting for a connection if need be) or timed out, in order; a stop ends it at once; and nothing is started early.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochNowMs } from '../../src/load/clock.js';
import { ConnectionSlots, type Slot } from '../../src/load/connection-slots.js';
import { IterationRunner, type IterationTiming } from '../../src/load/iteration-runner.js';
import type { IterationScope } from '../../src/load/operations/types.js';
import { InFlight } from '../../src/load/models/in-flight.js';
import { MAX_STARTS_PER_WAKE, runOpenModel } from '../../src/load/models/open-model.js';
import { StopSignal } from '../../src/load/models/stop-signal.js';
import { IntervalClose } from '../../src/load/models/interval-close.js';
import { IntervalTicker } from '../../src/load/interval-ticker.js';
import { intervalRange } from '../../src/metrics/intervals.js';
import { createArrivalSchedule } from '../../src/load/schedule.js';
import { IntervalRecorder } from '../../src/metrics/interval-recorder.js';
import { decode } from '../../src/metrics/histogram.js';

async function dispatch(opts: { rate: number; durationMs: number; connections: number; serviceMs: number; stopAfterMs?: number; poolTimeoutMs?: number }) {
  const slots = await ConnectionSlots.open({ url: 'postgres://unused', count: opts.connections, connect: false, applicationName: 't', queryTimeoutMs: 1000 });
  const recorder = new IntervalRecorder({ workerId: 0, latenessBoundUs: 10_000 });
  const inFlight = new InFlight();
  const stop = new StopSignal();
  const timings: IterationTiming[] = [];
  /** Arrivals that gave up waiting: when they were meant to start and when they gave up (epoch ms). */
  const timeouts: { intendedStartMs: number; atMs: number }[] = [];
  const runner = {
    run: (_slot: Slot, timing: IterationTiming) => {
      timings.push(timing);
      return new Promise<boolean>((resolve) => setTimeout(() => resolve(true), opts.serviceMs));
    },
    recordPoolTimeout: (intendedStartMs: number, atMs: number) => timeouts.push({ intendedStartMs, atMs }),
  } as unknown as IterationRunner;
  const startAtMs = epochNowMs() + 5;
  const schedule = createArrivalSchedule({ startRate: opts.rate, warmupMs: 0, stages: [{ durationMs: opts.durationMs, targetRate: opts.rate }] });
  if (opts.stopAfterMs !== undefined) setTimeout(() => stop.trigger(), opts.stopAfterMs);
  const began = epochNowMs();
  const poolTimeoutMs = opts.poolTimeoutMs ?? 5000;
  await runOpenModel({ workerId: 0, workerCount: 1, startAtMs, warmupMs: 0, totalMs: opts.durationMs, slots, runner, recorder, inFlight, stop }, { schedule, maxInFlight: opts.connections, poolTimeoutMs });
  const tookMs = epochNowMs() - began;
  await inFlight.settle(1000);
  const { generator } = recorder.flush(0, 0, opts.durationMs);
  return { generator, timings, timeouts, tookMs, inFlight, startAtMs, schedule };
}

/** Every arrival ends one way: started, timed out waiting for a connection, or dropped at a stop. */
const accounted = (g: { started: number; poolTimeouts?: number; dropped: number }): number => g.started + (g.poolTimeouts ?? 0) + g.dropped;

describe('open model dispatcher', () => {
  it('starts every arrival of the schedule once, in order, never before its intended time', async () => {
    const { generator, timings, inFlight } = await dispatch({ rate: 1000, durationMs: 300, connections: 50, serviceMs: 1 });
    expect(generator.scheduled).toBe(300);
    expect(generator.started).toBe(300);
    expect(generator.finished).toBe(generator.started);
    expect(inFlight.size).toBe(0);
    for (let i = 1; i < timings.length; i++) expect(timings[i]!.intendedStartMs).toBeGreaterThan(timings[i - 1]!.intendedStartMs);
    for (const t of timings) expect(t.startedAtMs).toBeGreaterThanOrEqual(t.intendedStartMs);
  });

  it('an arrival that finds every connection busy waits for one, in order, and its wait counts from the intended start', async () => {
    // 200 arrivals in 200 ms on 2 connections of 20 ms each: most wait, none is lost.
    const { generator, timings } = await dispatch({ rate: 1000, durationMs: 200, connections: 2, serviceMs: 20 });
    expect(generator.scheduled).toBe(200);
    expect(generator.started).toBe(200);
    expect(generator.dropped).toBe(0);
    expect(generator.poolTimeouts).toBe(0);
    expect(generator.queued).toBeGreaterThan(150);
    // First come, first served: starts follow the schedule's order.
    for (let i = 1; i < timings.length; i++) expect(timings[i]!.intendedStartMs).toBeGreaterThan(timings[i - 1]!.intendedStartMs);
    const waited = timings.filter((t) => (t.connectionWaitMs ?? 0) > 0);
    expect(waited.length).toBeGreaterThan(150);
    for (const t of waited) expect(t.connectionWaitMs).toBe(t.startedAtMs - t.intendedStartMs);
    // The last arrivals waited behind ~198 others at 2 per 20 ms: about 2 s, far beyond their 1 ms spacing.
    expect(timings.at(-1)!.startedAtMs - timings.at(-1)!.intendedStartMs).toBeGreaterThan(1000);
  });

  it('gives up on an arrival that waited past the pool timeout, never before it', async () => {
    const { generator, timeouts } = await dispatch({ rate: 1000, durationMs: 200, connections: 2, serviceMs: 20, poolTimeoutMs: 50 });
    expect(generator.scheduled).toBe(200);
    expect(generator.poolTimeouts).toBeGreaterThan(100);
    expect(timeouts).toHaveLength(generator.poolTimeouts!);
    expect(accounted(generator)).toBe(200);
    for (const t of timeouts) expect(t.atMs - t.intendedStartMs).toBeGreaterThanOrEqual(50);
  });

  it('times a waiting arrival out at its own deadline, not at the next arrival', async () => {
    // Arrivals 500 ms apart, one connection busy for 1.5 s: the second arrival gives up after 20 ms of waiting,
    // long before the third arrival would wake the dispatcher.
    const { timeouts } = await dispatch({ rate: 2, durationMs: 1000, connections: 1, serviceMs: 1500, poolTimeoutMs: 20 });
    expect(timeouts.length).toBeGreaterThanOrEqual(1);
    expect(timeouts[0]!.atMs - timeouts[0]!.intendedStartMs).toBeLessThan(400);
  });

  it('returns at once when stopped, and counts the arrivals still waiting as dropped', async () => {
    const { generator, tookMs } = await dispatch({ rate: 100, durationMs: 10_000, connections: 1, serviceMs: 5000, stopAfterMs: 200 });
    expect(tookMs).toBeLessThan(1000);
    expect(generator.scheduled).toBeLessThan(100);
    expect(generator.dropped).toBeGreaterThan(0);
    expect(accounted(generator)).toBe(generator.scheduled);
  });

  it('property: every arrival of the schedule is scheduled exactly once, started or timed out, in order, never early', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          rate: fc.integer({ min: 50, max: 4000 }),
          durationMs: fc.integer({ min: 20, max: 150 }),
          connections: fc.integer({ min: 1, max: 64 }),
          serviceMs: fc.integer({ min: 0, max: 5 }),
          poolTimeoutMs: fc.integer({ min: 1, max: 50 }),
        }),
        async (o) => {
          const { generator, timings, timeouts, schedule, startAtMs } = await dispatch(o);
          expect(generator.scheduled).toBe(schedule.totalArrivals);
          expect(generator.dropped).toBe(0);
          expect(accounted(generator)).toBe(schedule.totalArrivals);
          expect(generator.started).toBe(timings.length);
          expect(generator.poolTimeouts).toBe(timeouts.length);
          // Started and timed-out arrivals are distinct arrivals of the schedule; starts in order, none early.
          const intended = new Set<number>();
          for (let n = 0; n < schedule.totalArrivals; n++) intended.add(startAtMs + schedule.nthArrivalMs(n));
          const seen = new Set<number>();
          for (const t of [...timings.map((x) => x.intendedStartMs), ...timeouts.map((x) => x.intendedStartMs)]) {
            expect(intended.has(t)).toBe(true);
            expect(seen.has(t)).toBe(false);
            seen.add(t);
          }
          for (let i = 1; i < timings.length; i++) expect(timings[i]!.intendedStartMs).toBeGreaterThan(timings[i - 1]!.intendedStartMs);
          for (const t of timings) expect(t.startedAtMs).toBeGreaterThanOrEqual(t.intendedStartMs);
          for (const t of timeouts) expect(t.atMs - t.intendedStartMs).toBeGreaterThanOrEqual(o.poolTimeoutMs);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('works through a backlog beyond what one wake-up handles without starving the event loop or a stop', async () => {
    // 1 000 000 arrivals due within 100 ms on 2 connections: nearly all wait, in slices of MAX_STARTS_PER_WAKE.
    let timerFiredAtMs = 0;
    const began = epochNowMs();
    setTimeout(() => (timerFiredAtMs = epochNowMs()), 20);
    const { generator, tookMs } = await dispatch({ rate: 10_000_000, durationMs: 100, connections: 2, serviceMs: 1, stopAfterMs: 300 });
    expect(generator.scheduled).toBeGreaterThan(MAX_STARTS_PER_WAKE);
    expect(accounted(generator)).toBe(generator.scheduled);
    expect(timerFiredAtMs).toBeGreaterThan(0);
    expect(timerFiredAtMs - began).toBeLessThan(tookMs + 5);
    expect(tookMs).toBeLessThan(2000);
  });

  it('records latency from the intended start: a late start adds its lag to the latency, not to the service time', async () => {
    const slots = await ConnectionSlots.open({ url: 'postgres://unused', count: 1, connect: false, applicationName: 't', queryTimeoutMs: 1000 });
    const recorder = new IntervalRecorder({ workerId: 0, latenessBoundUs: 10_000 });
    const step = { operation: 'noop', samplers: new Map(), prepared: { run: () => new Promise((r) => setTimeout(() => r({ outcome: 'ok' }), 2)) } };
    const runner = new IterationRunner(() => ({ name: 'noop', steps: [step] }) as never, slots, recorder);
    const now = epochNowMs();
    // Meant to start 30 ms ago, started now: latency ≥ 32 ms, service ≈ 2 ms.
    await runner.run(slots.tryAcquire()!, { intendedStartMs: now - 30, startedAtMs: now });
    const snapshot = recorder.flush(0, 0, 1000).operations['noop']!;
    const latency = decode(snapshot.latency!);
    const service = decode(snapshot.service!);
    expect(latency.minNonZeroValue).toBeGreaterThanOrEqual(31_000);
    expect(service.maxValue).toBeLessThan(20_000);
    latency.destroy();
    service.destroy();
  });

  it('the database phase carries the wait for a connection in its latency, not in its service time; other phases do not', async () => {
    const slots = await ConnectionSlots.open({ url: 'postgres://unused', count: 1, connect: false, applicationName: 't', queryTimeoutMs: 1000 });
    const recorder = new IntervalRecorder({ workerId: 0, latenessBoundUs: 10_000 });
    const pause = (ms: number) => () => new Promise((r) => setTimeout(r, ms));
    const step = {
      operation: 'op',
      samplers: new Map(),
      prepared: {
        run: async (scope: IterationScope) => {
          await scope.phase('ratelimit', pause(1));
          await scope.phase('db', pause(2));
          await scope.phase('db', pause(2));
          return { outcome: 'ok' };
        },
      },
    };
    const runner = new IterationRunner(() => ({ name: 'op', steps: [step] }) as never, slots, recorder);
    const now = epochNowMs();
    // Meant to start 40 ms ago and waited all of it for its connection.
    await runner.run(slots.tryAcquire()!, { intendedStartMs: now - 40, startedAtMs: now, connectionWaitMs: 40 });
    const ops = recorder.flush(0, 0, 1000).operations;
    const db = { latency: decode(ops['op/db']!.latency!), service: decode(ops['op/db']!.service!) };
    const ratelimit = decode(ops['op/ratelimit']!.latency!);
    // The two db calls are one sample: their time plus the wait, once.
    expect(db.latency.totalCount).toBe(1);
    expect(db.latency.minNonZeroValue).toBeGreaterThanOrEqual(44_000);
    expect(db.service.maxValue).toBeLessThan(40_000);
    expect(ratelimit.maxValue).toBeLessThan(40_000);
    for (const h of [db.latency, db.service, ratelimit]) h.destroy();
  });

  it('counts every arrival in the interval it was due in, when the loop is busy across the boundaries', async () => {
    // 20 ms intervals at 3000/s; before every boundary the loop is blocked for 3 ms, so arrivals due just before a
    // boundary are reached after it, and the boundary's flush and their timers race. The worker's wiring (src/load/
    // worker.ts): catch-up before each flush, then the recorder told where the open interval ends.
    const grid = { warmupMs: 30, intervalMs: 20 };
    const durationMs = 230;
    const slots = await ConnectionSlots.open({ url: 'postgres://unused', count: 64, connect: false, applicationName: 't', queryTimeoutMs: 1000 });
    const recorder = new IntervalRecorder({ workerId: 0, latenessBoundUs: 10_000 });
    const inFlight = new InFlight();
    const stop = new StopSignal();
    const intervalClose = new IntervalClose();
    const runner = { run: () => new Promise<boolean>((resolve) => setImmediate(() => resolve(true))), recordPoolTimeout: () => {} } as unknown as IterationRunner;
    const schedule = createArrivalSchedule({ startRate: 3000, warmupMs: grid.warmupMs, stages: [{ durationMs: durationMs - grid.warmupMs, targetRate: 3000 }] });
    const startAtMs = epochNowMs() + 20;
    const counted: { startMs: number; endMs: number; scheduled: number }[] = [];
    const flush = (range: { index: number; startMs: number; endMs: number }): void => {
      intervalClose.close(range.endMs);
      counted.push({ startMs: range.startMs, endMs: range.endMs, scheduled: recorder.flush(range.index, range.startMs, range.endMs).generator.scheduled });
      recorder.openIntervalUntil(intervalRange(grid, range.index + 1).endMs);
    };
    recorder.openIntervalUntil(intervalRange(grid, 0).endMs);
    const ticker = new IntervalTicker(startAtMs, grid, durationMs, flush);
    for (let i = 0; intervalRange(grid, i).endMs < durationMs; i++) {
      const blockAtMs = startAtMs + intervalRange(grid, i).endMs - 2 - epochNowMs();
      setTimeout(() => {
        const until = epochNowMs() + 3;
        while (epochNowMs() < until) {
          // busy: the event loop is late for whatever is due meanwhile
        }
      }, Math.max(0, blockAtMs));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, startAtMs - epochNowMs())));
    ticker.start();
    await runOpenModel({ workerId: 0, workerCount: 1, startAtMs, warmupMs: grid.warmupMs, totalMs: durationMs, slots, runner, recorder, inFlight, stop, intervalClose }, { schedule, maxInFlight: 64, poolTimeoutMs: 5000 });
    await inFlight.settle(1000);
    flush(ticker.finish(durationMs));
    const dueIn = (startMs: number, endMs: number): number => {
      let n = 0;
      for (let k = 0; k < schedule.totalArrivals; k++) {
        const at = schedule.nthArrivalMs(k);
        if (at >= startMs && at < endMs) n++;
      }
      return n;
    };
    expect(counted.length).toBeGreaterThan(10);
    expect(counted.map((c) => c.scheduled)).toEqual(counted.map((c) => dueIn(c.startMs, c.endMs)));
    expect(counted.reduce((s, c) => s + c.scheduled, 0)).toBe(schedule.totalArrivals);
  });
});
