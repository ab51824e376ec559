// Main side: merges the IntervalSnapshots of N workers exactly, by interval index, whatever their arrival order,
// into the time series (IntervalPoint[]), per-key totals over the measured window, and generator-health inputs.
import { ERROR_KINDS, type ErrorKind, type GeneratorHealth, type IntervalOperation, type IntervalPoint, type OperationResult } from '../results/types.js';
import { createHistogram, encode, maxUs, mergeEncodedInto, mergeInto, summarize, type Histogram } from './histogram.js';
import type { IntervalSnapshot } from './types.js';
import { isTopLevelKey, splitOperationKey } from '../results/keys.js';

export interface AggregatorOptions {
  /** Snapshots expected per interval; an interval is merged as soon as all of them arrived (or at finish). */
  readonly workers: number;
  /** Intervals starting before this (ms since load start) are warm-up: shown in the series, excluded from totals. */
  readonly warmupMs: number;
  /** Length of the measured window; the throughput denominator unless finish() is told otherwise. */
  readonly durationMs: number;
  /** Open model: intervals carry `targetRate` (scheduled arrivals ÷ interval seconds). */
  readonly model: 'open' | 'closed';
  /** Called once per interval, in completion order (not index order), e.g. for live progress and streaming outputs. */
  readonly onInterval?: (point: IntervalPoint, index: number, extra: IntervalExtra) => void;
}

/** What an interval's point does not carry (results.json keeps these only as totals), for streaming outputs. */
export interface IntervalExtra {
  readonly scheduled: number;
  readonly started: number;
  readonly late: number;
  /** Sum over the workers of each one's peak in flight during the interval (an upper bound of the true peak). */
  readonly inFlightMax: number;
  /** Correct answers by key and kind in this interval; keys without any are absent. */
  readonly outcomes: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Generator health as measured; `run/` adds the lateness bound and decides validity. */
export type GeneratorHealthInputs = Omit<GeneratorHealth, 'latenessBoundMs' | 'valid' | 'invalidReasons'>;

/** One line of the interval log: one key's merged latency histogram for one interval. */
export interface HlogEntry {
  readonly tag: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly maxUs: number;
  /** Compressed base64 histogram (µs). */
  readonly histogram: string;
}

export interface AggregatedRun {
  /** Sorted by start time. */
  readonly intervals: IntervalPoint[];
  /** Sorted by key; totals over measured intervals only. */
  readonly operations: OperationResult[];
  readonly generator: GeneratorHealthInputs;
  /** Sorted by start time, then tag; warm-up included (the log is the full record). */
  readonly hlog: HlogEntry[];
  /** Intervals merged with fewer snapshots than workers (a worker missed them), by index. */
  readonly incompleteIntervals: number[];
}

/** Run totals of one key over the measured window. */
class KeyTotals {
  readonly latency = createHistogram(64);
  readonly service = createHistogram(64);
  count = 0;
  readonly errors = new Map<ErrorKind, number>();
  readonly outcomes = new Map<string, number>();
}

interface PendingInterval {
  readonly snapshots: IntervalSnapshot[];
  readonly workers: Set<number>;
}

function addCount<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}


function sortedErrors(map: ReadonlyMap<ErrorKind, number>): Partial<Record<ErrorKind, number>> {
  const errors: Partial<Record<ErrorKind, number>> = {};
  for (const kind of ERROR_KINDS) {
    const n = map.get(kind);
    if (n) errors[kind] = n;
  }
  return errors;
}

export class IntervalAggregator {
  readonly #options: AggregatorOptions;
  readonly #pending = new Map<number, PendingInterval>();
  readonly #done = new Map<number, IntervalPoint>();
  readonly #incomplete: number[] = [];
  readonly #hlog: HlogEntry[] = [];
  readonly #totals = new Map<string, KeyTotals>();
  /** Every top-level operation's measured latency merged: the progress line's "P95 so far". */
  readonly #overall = createHistogram(64);
  readonly #scheduleLag = createHistogram(64);
  readonly #eventLoopLag = createHistogram(64);
  /** Reused for every interval and key (reset after use): a fresh histogram is a ~90 KB zeroed allocation. */
  readonly #scratchLatency = createHistogram();
  readonly #scratchService = createHistogram();
  readonly #scratchEventLoop = createHistogram();
  #scheduled = 0;
  #started = 0;
  #dropped = 0;
  #queued = 0;
  #poolTimeouts = 0;
  #late = 0;
  #finished = false;

  constructor(options: AggregatorOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    if (!(options.warmupMs >= 0)) throw new RangeError(`warmupMs must be ≥ 0, got ${options.warmupMs}`);
    if (!(options.durationMs >= 0)) throw new RangeError(`durationMs must be ≥ 0, got ${options.durationMs}`);
    this.#options = options;
  }

  /** Accepts one worker's snapshot. Order does not matter; a second snapshot for the same worker and interval is a bug. */
  add(snapshot: IntervalSnapshot): void {
    if (this.#finished) throw new Error('IntervalAggregator: add() after finish()');
    const { workerId, intervalIndex } = snapshot;
    if (!Number.isInteger(workerId) || workerId < 0 || workerId >= this.#options.workers) {
      throw new RangeError(`snapshot workerId ${workerId} outside 0..${this.#options.workers - 1}`);
    }
    if (!Number.isInteger(intervalIndex) || intervalIndex < 0) throw new RangeError(`snapshot intervalIndex must be a non-negative integer, got ${intervalIndex}`);
    if (this.#done.has(intervalIndex)) throw new Error(`duplicate snapshot: interval ${intervalIndex} already merged (worker ${workerId})`);
    let pending = this.#pending.get(intervalIndex);
    if (pending === undefined) {
      pending = { snapshots: [], workers: new Set() };
      this.#pending.set(intervalIndex, pending);
    }
    if (pending.workers.has(workerId)) throw new Error(`duplicate snapshot: worker ${workerId}, interval ${intervalIndex}`);
    pending.workers.add(workerId);
    pending.snapshots.push(snapshot);
    // Keep only encoded strings while waiting: a dead worker must not make decoded histograms pile up.
    if (pending.workers.size === this.#options.workers) this.#complete(intervalIndex, pending);
  }

  /** Merges one interval's snapshots into its IntervalPoint, the hlog entries and (if measured) the totals. */
  #complete(index: number, pending: PendingInterval): void {
    this.#pending.delete(index);
    const { snapshots } = pending;
    const startMs = Math.min(...snapshots.map((s) => s.startMs));
    const endMs = Math.max(...snapshots.map((s) => s.endMs));
    const seconds = (endMs - startMs) / 1000;
    const warmup = startMs < this.#options.warmupMs;

    const keys = new Set<string>();
    for (const s of snapshots) for (const key of Object.keys(s.operations)) keys.add(key);

    const operations: Record<string, IntervalOperation> = {};
    const intervalOutcomes: Record<string, Record<string, number>> = {};
    for (const key of [...keys].sort()) {
      const latency = this.#scratchLatency;
      const service = this.#scratchService;
      latency.reset();
      service.reset();
      let count = 0;
      const errors = new Map<ErrorKind, number>();
      const outcomes = new Map<string, number>();
      for (const s of snapshots) {
        const k = s.operations[key];
        if (k === undefined) continue;
        count += k.count;
        for (const [kind, n] of Object.entries(k.errors) as [ErrorKind, number][]) addCount(errors, kind, n);
        for (const [name, n] of Object.entries(k.outcomes)) addCount(outcomes, name, n);
        if (k.latency !== null) mergeEncodedInto(latency, k.latency);
        if (k.service !== null) mergeEncodedInto(service, k.service);
      }
      if (outcomes.size > 0) intervalOutcomes[key] = Object.fromEntries(outcomes);
      const summary = summarize(latency);
      operations[key] = { count, errors: sortedErrors(errors), p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, maxMs: summary.maxMs };
      if (latency.totalCount > 0) this.#hlog.push({ tag: key, startMs, endMs, maxUs: maxUs(latency), histogram: encode(latency) });
      if (!warmup) this.#addTotals(key, count, errors, outcomes, latency, service);
    }

    let scheduled = 0;
    let started = 0;
    let late = 0;
    let dropped = 0;
    let queued = 0;
    let poolTimeouts = 0;
    let finished = 0;
    let inFlight = 0;
    let inFlightMax = 0;
    const eventLoopLag = this.#scratchEventLoop;
    eventLoopLag.reset();
    for (const s of snapshots) {
      const g = s.generator;
      scheduled += g.scheduled;
      started += g.started;
      late += g.late;
      dropped += g.dropped;
      // Optional: snapshots from before the pool wait (a merged or replayed older run) lack them.
      queued += g.queued ?? 0;
      poolTimeouts += g.poolTimeouts ?? 0;
      finished += g.finished;
      inFlight += g.inFlight;
      inFlightMax += g.inFlightMax;
      if (g.eventLoopLag !== null) mergeEncodedInto(eventLoopLag, g.eventLoopLag);
      if (!warmup) {
        this.#scheduled += g.scheduled;
        this.#started += g.started;
        this.#dropped += g.dropped;
        this.#queued += g.queued ?? 0;
        this.#poolTimeouts += g.poolTimeouts ?? 0;
        this.#late += g.late;
        if (g.scheduleLag !== null) mergeEncodedInto(this.#scheduleLag, g.scheduleLag);
      }
    }
    if (!warmup) mergeInto(this.#eventLoopLag, eventLoopLag);

    const perSecond = (n: number): number => (seconds > 0 ? n / seconds : 0);
    const point: IntervalPoint = {
      startMs,
      endMs,
      warmup,
      ...(this.#options.model === 'open' ? { targetRate: perSecond(scheduled) } : {}),
      achievedRate: perSecond(finished),
      dropped,
      queued,
      poolTimeouts,
      inFlight,
      operations,
      eventLoopLagMaxMs: maxUs(eventLoopLag) / 1000,
    };
    this.#done.set(index, point);
    if (pending.workers.size < this.#options.workers) this.#incomplete.push(index);
    this.#options.onInterval?.(point, index, { scheduled, started, late, outcomes: intervalOutcomes, inFlightMax });
  }

  #addTotals(key: string, count: number, errors: Map<ErrorKind, number>, outcomes: Map<string, number>, latency: Histogram, service: Histogram): void {
    let totals = this.#totals.get(key);
    if (totals === undefined) {
      totals = new KeyTotals();
      this.#totals.set(key, totals);
    }
    totals.count += count;
    for (const [kind, n] of errors) addCount(totals.errors, kind, n);
    for (const [name, n] of outcomes) addCount(totals.outcomes, name, n);
    mergeInto(totals.latency, latency);
    mergeInto(totals.service, service);
    if (isTopLevelKey(key)) mergeInto(this.#overall, latency);
  }

  /**
   * The measured totals of the intervals merged so far, for live progress and abort-on-fail: the same histograms the
   * final results come from, never decoded a second time. Histogram strings are left empty (nobody reads them mid-run).
   */
  measuredSoFar(measuredMs: number): OperationResult[] {
    return this.#operationResults(measuredMs, false);
  }

  /** P95 over every top-level operation measured so far, ms (0 before the first measured sample). */
  overallP95SoFarMs(): number {
    return this.#overall.totalCount > 0 ? this.#overall.getValueAtPercentile(95) / 1000 : 0;
  }

  /** Arrivals dropped in the measured intervals merged so far. */
  get droppedSoFar(): number {
    return this.#dropped;
  }

  #operationResults(measuredMs: number, withHistograms: boolean): OperationResult[] {
    const measuredSeconds = measuredMs / 1000;
    return [...this.#totals.keys()].sort().map((key) => {
      const t = this.#totals.get(key)!;
      return {
        key,
        ...splitOperationKey(key),
        count: t.count,
        errors: sortedErrors(t.errors),
        outcomes: Object.fromEntries([...t.outcomes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
        throughputPerSec: measuredSeconds > 0 ? t.count / measuredSeconds : 0,
        latency: summarize(t.latency),
        service: summarize(t.service),
        latencyHistogram: withHistograms ? encode(t.latency) : '',
        serviceHistogram: withHistograms ? encode(t.service) : '',
      };
    });
  }

  /** Intervals merged so far (complete ones only), by start time. */
  intervals(): IntervalPoint[] {
    return [...this.#done.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
  }

  /**
   * Merges every interval still missing a worker and returns the results. `measuredMs` overrides the throughput
   * denominator (e.g. an aborted run measured less than the planned duration).
   */
  finish(measuredMs: number = this.#options.durationMs): AggregatedRun {
    if (this.#finished) throw new Error('IntervalAggregator: finish() called twice');
    for (const index of [...this.#pending.keys()].sort((a, b) => a - b)) this.#complete(index, this.#pending.get(index)!);
    this.#finished = true;
    const operations = this.#operationResults(measuredMs, true);

    const generator: GeneratorHealthInputs = {
      scheduled: this.#scheduled,
      started: this.#started,
      dropped: this.#dropped,
      queued: this.#queued,
      poolTimeouts: this.#poolTimeouts,
      late: this.#late,
      scheduleLagP99Ms: this.#scheduleLag.totalCount > 0 ? this.#scheduleLag.getValueAtPercentile(99) / 1000 : 0,
      scheduleLagMaxMs: maxUs(this.#scheduleLag) / 1000,
      eventLoopLagP99Ms: this.#eventLoopLag.totalCount > 0 ? this.#eventLoopLag.getValueAtPercentile(99) / 1000 : 0,
      eventLoopLagMaxMs: maxUs(this.#eventLoopLag) / 1000,
    };

    const hlog = [...this.#hlog].sort((a, b) => a.startMs - b.startMs || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
    return { intervals: this.intervals(), operations, generator, hlog, incompleteIntervals: [...this.#incomplete].sort((a, b) => a - b) };
  }
}
