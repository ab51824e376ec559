// The open model's dispatcher alone (no database): every arrival of the schedule is scheduled once, started or
// dropped, in order; a stop ends it at once; and nothing is started early.
import { describe, expect, it } from 'vitest';
import { epochNowMs } from '../../src/load/clock.js';
import { ConnectionSlots, type Slot } from '../../src/load/connection-slots.js';
import type { IterationRunner, IterationTiming } from '../../src/load/iteration-runner.js';
import { InFlight } from '../../src/load/models/in-flight.js';
import { runOpenModel } from '../../src/load/models/open-model.js';
import { StopSignal } from '../../src/load/models/stop-signal.js';
import { createArrivalSchedule } from '../../src/load/schedule.js';
import { IntervalRecorder } from '../../src/metrics/interval-recorder.js';

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
});
