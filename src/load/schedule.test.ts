// Arrival schedule properties: monotonic arrivals, counts match the integral of the rate, constant-rate and ramp
// closed forms, zero-rate holds, and worker partitions that are disjoint and cover every arrival.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateStage } from '../scenario/plan.js';
import { createArrivalSchedule, solveRamp, workerArrivals, type ScheduleInput } from './schedule.js';

/** Independent reference: ∫₀ᵀ rate, stage by stage (trapezoids are exact for linear rates). */
function integral(input: ScheduleInput, T: number): number {
  const pieces: [number, number, number][] = [[input.warmupMs, input.startRate, input.startRate]];
  let prev = input.startRate;
  for (const s of input.stages) {
    pieces.push([s.durationMs, prev, s.targetRate]);
    prev = s.targetRate;
  }
  let t = 0;
  let n = 0;
  for (const [d, a, b] of pieces) {
    if (d === 0) continue;
    const upto = Math.min(d, Math.max(0, T - t));
    const rEnd = a + ((b - a) * upto) / d;
    n += ((a + rEnd) / 2) * (upto / 1000);
    t += d;
  }
  return n;
}

const stage = fc.record({ durationMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4000 })), targetRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1500, noNaN: true })) });
const input = fc.record({
  startRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1500, noNaN: true })),
  warmupMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
  stages: fc.array(stage, { maxLength: 5 }) as fc.Arbitrary<RateStage[]>,
});

function allArrivals(input: ScheduleInput): number[] {
  const s = createArrivalSchedule(input);
  return Array.from({ length: s.totalArrivals }, (_, n) => s.nthArrivalMs(n));
}

describe('arrival schedule', () => {
  it('arrivals are non-decreasing and inside the schedule', () => {
    fc.assert(
      fc.property(input, (inp) => {
        const s = createArrivalSchedule(inp);
        const times = allArrivals(inp);
        for (let n = 0; n < times.length; n++) {
          expect(times[n]).toBeGreaterThanOrEqual(n === 0 ? 0 : times[n - 1]!);
          expect(times[n]).toBeLessThanOrEqual(s.durationMs);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the number of arrivals in [0, T] is round(∫rate) within 1', () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0, max: 1, noNaN: true }), (inp, frac) => {
        const s = createArrivalSchedule(inp);
        const T = frac * s.durationMs;
        const times = allArrivals(inp);
        const inWindow = times.filter((t) => t <= T).length;
        const expected = Math.round(integral(inp, T));
        expect(Math.abs(inWindow - expected)).toBeLessThanOrEqual(1);
        expect(Math.abs(s.arrivalsBy(T) - inWindow)).toBeLessThanOrEqual(1);
        expect(Math.abs(s.totalArrivals - Math.round(integral(inp, Infinity)))).toBeLessThanOrEqual(1);
        expect(s.cumulativeAt(T)).toBeCloseTo(integral(inp, T), 6);
      }),
      { numRuns: 60 },
    );
  });

  it('a constant rate r puts arrival n at (n + ½)·1000/r', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 20_000, noNaN: true }), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 0, max: 5000 }), (r, durationMs, warmupMs) => {
        const s = createArrivalSchedule({ startRate: r, warmupMs, stages: [{ durationMs, targetRate: r }] });
        expect(s.totalArrivals).toBe(Math.floor((r * (durationMs + warmupMs)) / 1000 + 0.5));
        for (const n of [0, 1, Math.floor(s.totalArrivals / 2), s.totalArrivals - 1]) {
          if (n < 0 || n >= s.totalArrivals) continue;
          expect(s.nthArrivalMs(n)).toBeCloseTo(((n + 0.5) * 1000) / r, 6);
        }
      }),
    );
  });

  it('a ramp from 0 follows t = √(2(n + ½)·D/r)', () => {
    const s = createArrivalSchedule({ startRate: 0, warmupMs: 0, stages: [{ durationMs: 10_000, targetRate: 1000 }] });
    expect(s.totalArrivals).toBe(5000);
    for (const n of [0, 10, 2500, 4999]) expect(s.nthArrivalMs(n)).toBeCloseTo(1000 * Math.sqrt((2 * (n + 0.5) * 10) / 1000), 6); // D = 10 s, r = 1000/s
    expect(s.rateAt(5000)).toBeCloseTo(500, 9);
    expect(s.peakRate).toBe(1000);
  });

  it('a zero-rate hold has no arrivals and the rate resumes after it', () => {
    const s = createArrivalSchedule({
      startRate: 100,
      warmupMs: 1000,
      stages: [
        { durationMs: 0, targetRate: 0 }, // instant drop
        { durationMs: 2000, targetRate: 0 },
        { durationMs: 0, targetRate: 100 }, // instant jump back
        { durationMs: 1000, targetRate: 100 },
      ],
    });
    const times = Array.from({ length: s.totalArrivals }, (_, n) => s.nthArrivalMs(n));
    expect(s.totalArrivals).toBe(200);
    expect(times.filter((t) => t > 1000 && t < 3000)).toEqual([]);
    expect(times[100]).toBeCloseTo(3005, 9);
    expect(s.rateAt(2000)).toBe(0);
    expect(s.rateAt(3500)).toBe(100);
    expect(s.rateAt(4000)).toBe(0);
  });

  it('an empty schedule has no arrivals', () => {
    const s = createArrivalSchedule({ startRate: 0, warmupMs: 0, stages: [] });
    expect(s.totalArrivals).toBe(0);
    expect(() => s.nthArrivalMs(0)).toThrow(RangeError);
    expect(s.rateAt(0)).toBe(0);
  });

  it('rejects negative or non-finite rates and durations, naming the field', () => {
    expect(() => createArrivalSchedule({ startRate: -1, warmupMs: 0, stages: [] })).toThrow(/startRate/);
    expect(() => createArrivalSchedule({ startRate: 1, warmupMs: Number.NaN, stages: [] })).toThrow(/warmupMs/);
    expect(() => createArrivalSchedule({ startRate: 1, warmupMs: 0, stages: [{ durationMs: 1, targetRate: Infinity }] })).toThrow(/stages\[0\]\.targetRate/);
  });

  it('worker partitions are disjoint, cover every arrival, and keep its time', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 9 }), (inp, workers) => {
        const s = createArrivalSchedule(inp);
        const seen = new Array<number>(s.totalArrivals).fill(0);
        for (let w = 0; w < workers; w++) {
          for (const a of workerArrivals(s, w, workers)) {
            expect(a.index % workers).toBe(w);
            expect(a.intendedMs).toBe(s.nthArrivalMs(a.index));
            seen[a.index]!++;
          }
        }
        expect(seen.every((c) => c === 1)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('solveRamp is stable for tiny slopes and exact for constant rates', () => {
    expect(solveRamp(2, 0, 10)).toBe(5);
    expect(solveRamp(2, 1e-300, 10)).toBeCloseTo(5, 12);
    expect(solveRamp(0, 2, 4)).toBeCloseTo(2, 12);
    // ramp down to zero: a = 1, c = -1/d over d = 10 covers 5 arrivals exactly at the end
    expect(solveRamp(1, -0.1, 5)).toBeCloseTo(10, 6);
  });
});
