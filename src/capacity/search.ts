// The capacity search, pure: from the rates tried so far and their verdicts, the next rate to try (ramp up by a
// growth factor, then bisect between the last rate that held and the first that broke) and the knee.
import type { SearchEnd, StepVerdict } from '../results/capacity.js';

export type { SearchEnd, StepVerdict };

export interface TriedRate {
  /** Scheduled arrivals per second. */
  readonly rate: number;
  readonly verdict: StepVerdict;
}

export interface SearchOptions {
  /** First rate tried, per second (> 0). */
  readonly start: number;
  /** Highest rate tried, per second (>= start). */
  readonly max: number;
  /** Bisection stops when (first bad − last good) <= precision × last good; 0 < precision < 1. */
  readonly precision: number;
  /** Ramp factor between steps; default 2 (doubling). */
  readonly growth?: number;
  /** Hard cap on steps (the search always ends); default 30. */
  readonly maxSteps?: number;
  /** Below this rate the search gives up looking for a rate that holds; default start / 64. */
  readonly minRate?: number;
}

export interface SearchState {
  /** Highest rate that held below the first bad one; null when none did. */
  readonly lastGood: number | null;
  /** Lowest rate that did not hold (failed, invalid, or inconclusive above lastGood); null while ramping. */
  readonly firstBad: TriedRate | null;
}

export function validateSearchOptions(opts: SearchOptions): void {
  const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
  if (!positive(opts.start)) throw new RangeError(`start must be a rate above 0/s, got ${opts.start}`);
  if (!positive(opts.max) || opts.max < opts.start) throw new RangeError(`max must be at least start (${opts.start}/s), got ${opts.max}`);
  if (!(opts.precision > 0 && opts.precision < 1)) throw new RangeError(`precision must be more than 0 and less than 1 (e.g. 0.05), got ${opts.precision}`);
  if (opts.growth !== undefined && !(opts.growth > 1)) throw new RangeError(`growth must be more than 1, got ${opts.growth}`);
  if (opts.maxSteps !== undefined && !(Number.isInteger(opts.maxSteps) && opts.maxSteps >= 1)) throw new RangeError(`maxSteps must be a whole number >= 1, got ${opts.maxSteps}`);
}

/** Where the search stands: a rate that did not hold bounds the knee from above, one that held from below. */
export function searchState(tried: readonly TriedRate[]): SearchState {
  let bad: TriedRate | null = null;
  for (const t of tried) if ((t.verdict === 'failed' || t.verdict === 'invalid') && (bad === null || t.rate < bad.rate)) bad = t;
  if (bad === null) {
    const held = tried.filter((t) => t.verdict === 'held').map((t) => t.rate);
    return { lastGood: held.length > 0 ? Math.max(...held) : null, firstBad: null };
  }
  const broke: TriedRate = bad;
  const held = tried.filter((t) => t.rate < broke.rate && t.verdict === 'held').map((t) => t.rate);
  const lastGood = held.length > 0 ? Math.max(...held) : null;
  // Once bisecting, an unproven rate above the last good one cannot be claimed: it bounds the knee like a failure.
  let firstBad = broke;
  for (const t of tried) if (t.verdict === 'inconclusive' && t.rate > (lastGood ?? 0) && t.rate < firstBad.rate) firstBad = t;
  return { lastGood, firstBad };
}

/** Rates people can read: whole numbers from 100/s, one decimal from 10/s, two below. */
export function roundRate(rate: number): number {
  const digits = rate >= 100 ? 0 : rate >= 10 ? 1 : 2;
  const f = 10 ** digits;
  return Math.round(rate * f) / f;
}

/** The next rate to try, or the reason the search is over. */
export function nextStep(tried: readonly TriedRate[], opts: SearchOptions): { readonly rate: number } | { readonly end: SearchEnd } {
  const growth = opts.growth ?? 2;
  const maxSteps = opts.maxSteps ?? 30;
  const minRate = opts.minRate ?? opts.start / 64;
  if (tried.length === 0) return { rate: opts.start };
  const { lastGood, firstBad } = searchState(tried);
  if (firstBad === null) {
    // Ramping: every rate so far held (or was inconclusive, which a higher rate may still prove).
    const highest = Math.max(...tried.map((t) => t.rate));
    if (highest >= opts.max) return { end: 'max-reached' };
    if (tried.length >= maxSteps) return { end: 'step-limit' };
    return { rate: Math.min(opts.max, roundRate(highest * growth)) };
  }
  if (lastGood === null) {
    // Nothing held yet: halve below the lowest bad rate until something holds.
    const lower = roundRate(firstBad.rate / 2);
    if (lower < minRate || lower <= 0 || lower >= firstBad.rate) return { end: 'nothing-held' };
    if (tried.length >= maxSteps) return { end: 'step-limit' };
    return { rate: lower };
  }
  if (firstBad.rate - lastGood <= opts.precision * lastGood) return { end: 'precision' };
  if (tried.length >= maxSteps) return { end: 'step-limit' };
  const mid = roundRate((lastGood + firstBad.rate) / 2);
  if (mid <= lastGood || mid >= firstBad.rate) return { end: 'resolution' };
  return { rate: mid };
}

/** Runs the search to the end with `probe` deciding each step (the real runner awaits a benchmark step). */
export async function searchCapacity(
  opts: SearchOptions,
  probe: (rate: number, stepIndex: number) => Promise<StepVerdict | 'stop'>,
): Promise<{ readonly tried: readonly TriedRate[]; readonly end: SearchEnd | 'stopped'; readonly knee: number | null; readonly firstBad: TriedRate | null }> {
  validateSearchOptions(opts);
  const tried: TriedRate[] = [];
  for (;;) {
    const next = nextStep(tried, opts);
    if ('end' in next) {
      const state = searchState(tried);
      return { tried, end: next.end, knee: state.lastGood, firstBad: state.firstBad };
    }
    const verdict = await probe(next.rate, tried.length);
    if (verdict === 'stop') {
      const state = searchState(tried);
      return { tried, end: 'stopped', knee: state.lastGood, firstBad: state.firstBad };
    }
    tried.push({ rate: next.rate, verdict });
  }
}
