// The capacity search against synthetic thresholds: it ends, never reports a rate that did not hold, and finds a
// monotone knee within the precision.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextStep, roundRate, searchCapacity, searchState, type SearchOptions, type StepVerdict } from './search.js';

/** A database that holds every rate up to `knee` and breaks above it. */
const monotone = (knee: number, above: StepVerdict = 'failed') => async (rate: number): Promise<StepVerdict> => (rate <= knee ? 'held' : above);

describe('searchCapacity', () => {
  it('doubles from start, then bisects to the knee', async () => {
    const result = await searchCapacity({ start: 100, max: 10_000, precision: 0.05 }, monotone(1000));
    expect(result.tried.slice(0, 5).map((t) => t.rate)).toEqual([100, 200, 400, 800, 1600]);
    expect(result.tried[5]!.rate).toBe(1200);
    expect(result.end).toBe('precision');
    expect(result.knee).toBeLessThanOrEqual(1000);
    expect(result.knee).toBeGreaterThan(1000 * 0.95);
    expect(result.firstBad?.verdict).toBe('failed');
  });

  it('says the generator broke when the first bad step was invalid', async () => {
    const result = await searchCapacity({ start: 50, max: 1000, precision: 0.1 }, monotone(300, 'invalid'));
    expect(result.firstBad?.verdict).toBe('invalid');
    expect(result.knee).toBeGreaterThan(270);
  });

  it('reports max-reached when everything held, and nothing-held when the start already broke', async () => {
    expect(await searchCapacity({ start: 10, max: 100, precision: 0.05 }, monotone(1e9))).toMatchObject({ end: 'max-reached', knee: 100 });
    const none = await searchCapacity({ start: 100, max: 1000, precision: 0.05 }, monotone(0));
    expect(none.end).toBe('nothing-held');
    expect(none.knee).toBeNull();
    // it looked below start before giving up
    expect(none.tried.map((t) => t.rate)).toContain(50);
  });

  it('finds a knee below start by halving', async () => {
    const result = await searchCapacity({ start: 1000, max: 4000, precision: 0.05 }, monotone(300));
    expect(result.end).toBe('precision');
    expect(result.knee).toBeGreaterThan(285);
    expect(result.knee).toBeLessThanOrEqual(300);
  });

  it('never claims an inconclusive rate; ramps past one while nothing has broken', async () => {
    const probe = async (rate: number): Promise<StepVerdict> => (rate < 40 ? 'inconclusive' : rate <= 500 ? 'held' : 'failed');
    const result = await searchCapacity({ start: 10, max: 10_000, precision: 0.05 }, probe);
    expect(result.tried[0]).toEqual({ rate: 10, verdict: 'inconclusive' });
    expect(result.knee).toBeLessThanOrEqual(500);
    expect(result.knee).toBeGreaterThan(475);
  });

  it('stops when asked, keeping what was learned', async () => {
    const result = await searchCapacity({ start: 10, max: 1000, precision: 0.05 }, async (_r, i) => (i === 2 ? 'stop' : 'held'));
    expect(result).toMatchObject({ end: 'stopped', knee: 20 });
  });

  it('rejects bad options with their names', async () => {
    await expect(searchCapacity({ start: 0, max: 10, precision: 0.05 }, monotone(1))).rejects.toThrow('start must be a rate above 0/s');
    await expect(searchCapacity({ start: 10, max: 5, precision: 0.05 }, monotone(1))).rejects.toThrow('max must be at least start');
    await expect(searchCapacity({ start: 10, max: 50, precision: 1 }, monotone(1))).rejects.toThrow('precision must be more than 0 and less than 1');
  });
});

describe('search properties', () => {
  const options = fc.record({
    start: fc.double({ min: 1, max: 5000, noNaN: true }),
    span: fc.double({ min: 1, max: 1000, noNaN: true }),
    precision: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
    growth: fc.double({ min: 1.2, max: 4, noNaN: true }),
  });

  it('terminates within maxSteps and never reports a rate that did not hold', async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.array(fc.constantFrom<StepVerdict>('held', 'failed', 'invalid', 'inconclusive'), { minLength: 1, maxLength: 60 }), async (o, verdicts) => {
        const opts: SearchOptions = { start: o.start, max: o.start * o.span, precision: o.precision, growth: o.growth, maxSteps: 25 };
        const seen = new Map<number, StepVerdict>();
        const result = await searchCapacity(opts, async (rate, i) => {
          const v = verdicts[i % verdicts.length]!;
          seen.set(rate, v);
          return v;
        });
        expect(result.tried.length).toBeLessThanOrEqual(25);
        if (result.knee !== null) expect(seen.get(result.knee)).toBe('held');
        expect(new Set(result.tried.map((t) => t.rate)).size).toBe(result.tried.length); // never repeats a rate
      }),
      { numRuns: 300 },
    );
  });

  it('finds a monotone knee within the precision (or says why not)', async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.double({ min: 0, max: 1, noNaN: true }), async (o, at) => {
        const opts: SearchOptions = { start: o.start, max: o.start * o.span, precision: o.precision, growth: o.growth, maxSteps: 60 };
        const knee = opts.start / 4 + at * (opts.max - opts.start / 4);
        const result = await searchCapacity(opts, monotone(knee));
        if (result.end === 'precision') {
          expect(result.knee).not.toBeNull();
          expect(result.knee!).toBeLessThanOrEqual(knee);
          expect((knee - result.knee!) / knee).toBeLessThanOrEqual(opts.precision);
        } else {
          expect(['max-reached', 'resolution']).toContain(result.end);
          if (result.end === 'max-reached') expect(result.knee).toBe(opts.max);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('roundRate keeps three or more significant digits', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 1e6, noNaN: true }), (r) => Math.abs(roundRate(r) - r) / r <= 0.1));
  });

  it('searchState: the knee lies below every rate that did not hold', () => {
    expect(searchState([{ rate: 10, verdict: 'held' }, { rate: 20, verdict: 'inconclusive' }, { rate: 40, verdict: 'failed' }])).toEqual({
      lastGood: 10,
      firstBad: { rate: 20, verdict: 'inconclusive' },
    });
    expect(nextStep([{ rate: 10, verdict: 'held' }, { rate: 20, verdict: 'inconclusive' }, { rate: 40, verdict: 'failed' }], { start: 10, max: 100, precision: 0.05 })).toEqual({ rate: 15 });
  });
});
