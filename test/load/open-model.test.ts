// The open model's dispatcher alone (no database): every arrival of the schedule is scheduled once, started or
// dropped, in order; a stop ends it at once; and nothing is started early.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochNowMs } from '../../src/load/clock.js';
import { ConnectionSlots, type Slot } from '../../src/load/connection-slots.js';
import { IterationRunner, type IterationTiming } from '../../src/load/iteration-runner.js';
import { InFlight } from '../../src/load/models/in-flight.js';
import { MAX_STARTS_PER_WAKE, runOpenModel } from '../../src/load/models/open-model.js';
import { StopSignal } from '../../src/load/models/stop-signal.js';
import { createArrivalSchedule } from '../../src/load/schedule.js';
import { IntervalRecorder } from '../../src/metrics/interval-recorder.js';
import { decode } from '../../src/metrics/histogram.js';

async function dispatch(opts: { rate: number; durationMs: number; connections: number; serviceMs: number; stopAfterMs?: number }) {
  const slots = await ConnectionSlots.open({ url: 'postgres://unused', count: opts.connections, connect: false, applicationName: 't', queryTimeoutMs: 1000 });
  const recorder = new IntervalRecorder({ workerId: 0, latenessBoundUs: 10_000 });
  const inFlight = new InFlight();
  const stop = new StopSignal();
  const timings: IterationTiming[] = [];
  const runner = {
    run: (_slot: Slot, timing: IterationTiming) => {
      timings.push(timing);
      return new Promise<boolean>((resolve) => setTimeout(() => resolve(true), opts.serviceMs));
    },
  } as unknown as IterationRunner;
  const startAtMs = epochNowMs() + 5;
  const schedule = createArrivalSchedule({ startRate: opts.rate, warmupMs: 0, stages: [{ durationMs: opts.durationMs, targetRate: opts.rate }] });
  if (opts.stopAfterMs !== undefined) setTimeout(() => stop.trigger(), opts.stopAfterMs);
  const began = epochNowMs();
  await runOpenModel({ workerId: 0, workerCount: 1, startAtMs, warmupMs: 0, totalMs: opts.durationMs, slots, runner, recorder, inFlight, stop }, { schedule, maxInFlight: opts.connections });
  const tookMs = epochNowMs() - began;
  await inFlight.settle(1000);
  const { generator } = recorder.flush(0, 0, opts.durationMs);
  return { generator, timings, tookMs, inFlight, startAtMs, schedule };
}

describe('open model dispatcher', () => {
  it('starts every arrival of the schedule once, in order, never before its intended time', async () => {
    const { generator, timings, inFlight } = await dispatch({ rate: 1000, durationMs: 300, connections: 50, serviceMs: 1 });
    expect(generator.scheduled).toBe(300);
    expect(generator.started + generator.dropped).toBe(300);
    expect(generator.finished).toBe(generator.started);
    expect(inFlight.size).toBe(0);
    for (let i = 1; i < timings.length; i++) expect(timings[i]!.intendedStartMs).toBeGreaterThan(timings[i - 1]!.intendedStartMs);
    for (const t of timings) expect(t.startedAtMs).toBeGreaterThanOrEqual(t.intendedStartMs);
  });

  it('drops arrivals that find every connection busy, and counts them', async () => {
    const { generator } = await dispatch({ rate: 1000, durationMs: 200, connections: 2, serviceMs: 20 });
    expect(generator.scheduled).toBe(200);
    expect(generator.dropped).toBeGreaterThan(100);
    expect(generator.started + generator.dropped).toBe(200);
  });

  it('returns at once when stopped', async () => {
    const { generator, tookMs } = await dispatch({ rate: 100, durationMs: 10_000, connections: 4, serviceMs: 1, stopAfterMs: 100 });
    expect(tookMs).toBeLessThan(1000);
    expect(generator.scheduled).toBeLessThan(100);
  });

  it('property: every arrival of the schedule is scheduled exactly once, started or dropped, never early', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ rate: fc.integer({ min: 50, max: 4000 }), durationMs: fc.integer({ min: 20, max: 150 }), connections: fc.integer({ min: 1, max: 64 }), serviceMs: fc.integer({ min: 0, max: 5 }) }),
        async (o) => {
          const { generator, timings, schedule, startAtMs } = await dispatch(o);
          expect(generator.scheduled).toBe(schedule.totalArrivals);
          expect(generator.started + generator.dropped).toBe(schedule.totalArrivals);
          expect(generator.started).toBe(timings.length);
          // The started arrivals are distinct arrivals of the schedule, in order, each started at or after its time.
          const intended = new Set<number>();
          for (let n = 0; n < schedule.totalArrivals; n++) intended.add(startAtMs + schedule.nthArrivalMs(n));
          const seen = new Set<number>();
          for (const t of timings) {
            expect(intended.has(t.intendedStartMs)).toBe(true);
            expect(seen.has(t.intendedStartMs)).toBe(false);
            seen.add(t.intendedStartMs);
            expect(t.startedAtMs).toBeGreaterThanOrEqual(t.intendedStartMs);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('works through a backlog beyond what one wake-up starts without starving the event loop or a stop', async () => {
    // 1 000 000 arrivals due within 100 ms on 2 connections: nearly all dropped, in slices of MAX_STARTS_PER_WAKE.
    let timerFiredAtMs = 0;
    const began = epochNowMs();
    setTimeout(() => (timerFiredAtMs = epochNowMs()), 20);
    const { generator, tookMs } = await dispatch({ rate: 10_000_000, durationMs: 100, connections: 2, serviceMs: 1, stopAfterMs: 300 });
    expect(generator.scheduled).toBeGreaterThan(MAX_STARTS_PER_WAKE);
    expect(generator.started + generator.dropped).toBe(generator.scheduled);
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
});
