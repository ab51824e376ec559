// The open-model arrival schedule, pure: piecewise-linear rate (warm-up at startRate, then the stages), its
// integral N(t), and the intended start time of every arrival by inverting N. No clocks, no state.
import type { OpenLoad } from '../scenario/plan.js';

/*
 * Conventions
 * - Time is ms since load start (warm-up included); rates are per second.
 * - N(t) = ∫₀ᵗ rate is the expected number of arrivals by t. Arrival n (0-based) is intended at the earliest t with
 *   N(t) = n + ½: each arrival sits in the middle of its unit of cumulative rate. So a constant rate r puts arrival n
 *   at (n + ½)·1000/r, a zero-rate hold produces no arrival, and the arrivals in [0, T] number exactly round(N(T)).
 * - The schedule has round(N(end)) arrivals in total.
 * - Workers: worker w of W takes the arrivals n ≡ w (mod W). The merged stream is then exactly this schedule, gap for
 *   gap. Splitting the rate instead (W schedules at rate/W) would fire all workers at the same instants (bursts of
 *   W arrivals, then silence) and round each worker's count separately.
 */

/** An OpenLoad satisfies it as is: `createArrivalSchedule(plan.load)`. */
export interface ScheduleInput {
  readonly startRate: number;
  readonly warmupMs: number;
  readonly stages: OpenLoad['stages'];
}

/** A segment where the rate moves linearly (or stays constant); kept in per-ms units for the inversion. */
interface Segments {
  readonly startMs: Float64Array;
  readonly durationMs: Float64Array;
  /** Arrivals per ms at the segment's start and end. */
  readonly fromRate: Float64Array;
  readonly toRate: Float64Array;
  /** N at the segment's start; one extra entry holds N at the end of the schedule. */
  readonly cumulative: Float64Array;
}

export interface ArrivalSchedule {
  /** Warm-up + all stages, ms. */
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Arrivals in the whole schedule. */
  readonly totalArrivals: number;
  /** Highest rate anywhere in the schedule (per second). */
  readonly peakRate: number;
  /** Intended start of arrival n (0 ≤ n < totalArrivals), ms since load start. O(log segments). */
  nthArrivalMs(n: number): number;
  /** Scheduled rate at t (per second); 0 outside [0, durationMs). */
  rateAt(tMs: number): number;
  /** N(t): expected arrivals by t (the integral of the rate). */
  cumulativeAt(tMs: number): number;
  /** Number of arrivals intended at or before t: round(N(t)). */
  arrivalsBy(tMs: number): number;
}

function checkRate(name: string, rate: number): void {
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`${name} must be a finite rate ≥ 0 per second, got ${rate}`);
}

function checkDuration(name: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be a finite duration ≥ 0 ms, got ${ms}`);
}

/** Index of the last i with sorted[i] ≤ x (−1 if none), over the first `length` entries. */
function lastAtOrBelow(sorted: Float64Array, length: number, x: number): number {
  let lo = 0;
  let hi = length; // invariant: answer in [lo − 1, hi − 1]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The first segment i whose end reaches x, i.e. cumulative[i + 1] ≥ x (`count` if none). */
function firstSegmentReaching(cumulative: Float64Array, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid + 1]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Solves a·τ + c·τ²/2 = y for τ ≥ 0 (arrivals y into a segment starting at rate a, slope c). The form
 * 2y / (a + √(a² + 2cy)) avoids the cancellation of (−a + √…)/c when the slope is tiny, and covers c = 0.
 */
export function solveRamp(a: number, c: number, y: number): number {
  const disc = Math.max(0, a * a + 2 * c * y);
  const denom = a + Math.sqrt(disc);
  return denom > 0 ? (2 * y) / denom : 0;
}

export function createArrivalSchedule(input: ScheduleInput): ArrivalSchedule {
  checkRate('startRate', input.startRate);
  checkDuration('warmupMs', input.warmupMs);
  const pieces: { durationMs: number; from: number; to: number }[] = [];
  if (input.warmupMs > 0) pieces.push({ durationMs: input.warmupMs, from: input.startRate, to: input.startRate });
  let previous = input.startRate;
  input.stages.forEach((stage, i) => {
    checkDuration(`stages[${i}].durationMs`, stage.durationMs);
    checkRate(`stages[${i}].targetRate`, stage.targetRate);
    // a zero-length stage is an instant jump: no arrivals, but the next stage starts from its target
    if (stage.durationMs > 0) pieces.push({ durationMs: stage.durationMs, from: previous, to: stage.targetRate });
    previous = stage.targetRate;
  });

  const count = pieces.length;
  const seg: Segments = {
    startMs: new Float64Array(count),
    durationMs: new Float64Array(count),
    fromRate: new Float64Array(count),
    toRate: new Float64Array(count),
    cumulative: new Float64Array(count + 1),
  };
  let t = 0;
  let n = 0;
  let peakRate = 0;
  pieces.forEach((p, i) => {
    seg.startMs[i] = t;
    seg.durationMs[i] = p.durationMs;
    seg.fromRate[i] = p.from / 1000;
    seg.toRate[i] = p.to / 1000;
    seg.cumulative[i] = n;
    n += ((p.from + p.to) / 2) * (p.durationMs / 1000);
    t += p.durationMs;
    peakRate = Math.max(peakRate, p.from, p.to);
  });
  seg.cumulative[count] = n;
  const durationMs = t;
  const totalN = n;
  const totalArrivals = Math.floor(totalN + 0.5);

  const cumulativeAt = (tMs: number): number => {
    if (!(tMs > 0)) return 0;
    if (tMs >= durationMs) return totalN;
    const i = lastAtOrBelow(seg.startMs, count, tMs);
    const tau = tMs - seg.startMs[i]!;
    const a = seg.fromRate[i]!;
    const c = (seg.toRate[i]! - a) / seg.durationMs[i]!;
    return seg.cumulative[i]! + a * tau + (c * tau * tau) / 2;
  };

  return {
    durationMs,
    warmupMs: input.warmupMs,
    totalArrivals,
    peakRate,
    nthArrivalMs(index: number): number {
      if (!Number.isInteger(index) || index < 0 || index >= totalArrivals) {
        throw new RangeError(`arrival index must be an integer in 0..${totalArrivals - 1}, got ${index}`);
      }
      const target = index + 0.5;
      // it has positive area: N at its start is below the target, N at its end reaches it
      const i = Math.min(count - 1, firstSegmentReaching(seg.cumulative, count, target));
      const a = seg.fromRate[i]!;
      const d = seg.durationMs[i]!;
      const tau = solveRamp(a, (seg.toRate[i]! - a) / d, target - seg.cumulative[i]!);
      return seg.startMs[i]! + Math.min(Math.max(tau, 0), d);
    },
    rateAt(tMs: number): number {
      if (!(tMs >= 0) || tMs >= durationMs) return 0;
      const i = lastAtOrBelow(seg.startMs, count, tMs);
      const a = seg.fromRate[i]!;
      return (a + ((seg.toRate[i]! - a) * (tMs - seg.startMs[i]!)) / seg.durationMs[i]!) * 1000;
    },
    cumulativeAt,
    arrivalsBy(tMs: number): number {
      return Math.min(totalArrivals, Math.floor(cumulativeAt(tMs) + 0.5));
    },
  };
}

/** Arrival indices of worker `worker` of `workers`: n ≡ worker (mod workers). */
export function* workerArrivals(schedule: ArrivalSchedule, worker: number, workers: number): Generator<{ index: number; intendedMs: number }> {
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (!Number.isInteger(worker) || worker < 0 || worker >= workers) throw new RangeError(`worker must be an integer in 0..${workers - 1}, got ${worker}`);
  for (let n = worker; n < schedule.totalArrivals; n += workers) yield { index: n, intendedMs: schedule.nthArrivalMs(n) };
}
