// Pure: from the recorded events and the run's per-second series (intervals + hlog histograms), each event's window,
// its figures against the seconds before it, the time to recover, and per event name the operations' totals over
// its windows (what `op@event` thresholds are judged on). Percentiles come from merged histograms, never averaged.
import type { HlogEntry } from '../metrics/aggregator.js';
import { createHistogram, mergeEncodedInto, summarize } from '../metrics/histogram.js';
import type { ErrorKind, IntervalPoint, OperationResult } from '../results/types.js';
import { splitOperationKey } from '../results/keys.js';
import type { EventRecord, EventResult, WindowFigures } from './types.js';

/** Seconds before an event its figures are compared with. */
export const BEFORE_INTERVALS = 5;
/**
 * A second is clean when every operation that ran in it had no error and a p95 within twice the p95 before the
 * event (or 1 ms above it, for sub-millisecond operations), and something finished in it.
 */
export const CLEAN_P95_FACTOR = 2;
const CLEAN_P95_SLACK_MS = 1;

/** An operation's results over an event's windows: what threshold evaluation reads. */
export type WindowOperation = Pick<OperationResult, 'key' | 'operation' | 'count' | 'errors' | 'throughputPerSec' | 'latency'> & { readonly phase?: string };

export interface EventImpact {
  readonly events: EventResult[];
  /** Event name → its operations over the union of its occurrences' windows. */
  readonly windows: Record<string, WindowOperation[]>;
}

export interface ImpactInput {
  readonly records: readonly EventRecord[];
  readonly intervals: readonly IntervalPoint[];
  readonly hlog: readonly HlogEntry[];
  /** ms since load start: intervals before startMs are warm-up. */
  readonly measured: { readonly startMs: number; readonly endMs: number };
}

export function eventImpact(input: ImpactInput): EventImpact {
  const measured = input.intervals.filter((i) => !i.warmup && i.startMs < input.measured.endMs);
  const hlogByStart = new Map<number, HlogEntry[]>();
  for (const entry of input.hlog) {
    const list = hlogByStart.get(entry.startMs) ?? [];
    list.push(entry);
    hlogByStart.set(entry.startMs, list);
  }
  const windowsByName = new Map<string, Set<IntervalPoint>>();
  const events = input.records.map((record): EventResult => {
    if (record.startMs === undefined || record.endMs === undefined) return record;
    const { startMs, endMs } = record;
    const before = measured.filter((i) => i.endMs <= startMs).slice(-BEFORE_INTERVALS);
    const during = measured.filter((i) => i.endMs > startMs && i.startMs < Math.max(endMs, startMs + 1));
    const keys = topLevelKeys([...before, ...during]);
    const beforeFigures = new Map(keys.map((k) => [k, before.length > 0 ? figures(k, before, hlogByStart) : null]));
    const after = measured.filter((i) => i.startMs >= (during.at(-1)?.endMs ?? endMs));
    const firstClean = after.findIndex((i) => isClean(i, beforeFigures));
    const unclean = firstClean < 0 ? after : after.slice(0, firstClean);
    const window = [...during, ...unclean];
    const set = windowsByName.get(record.name) ?? new Set<IntervalPoint>();
    for (const i of window) set.add(i);
    windowsByName.set(record.name, set);
    const impact = Object.fromEntries(keys.map((k) => [k, { before: beforeFigures.get(k) ?? null, during: figures(k, window, hlogByStart) }]));
    return {
      ...record,
      ...(window.length > 0 ? { window: { startMs: window[0]!.startMs, endMs: window.at(-1)!.endMs } } : {}),
      recoveryMs: firstClean < 0 ? null : Math.max(0, after[firstClean]!.startMs - endMs),
      impact,
    };
  });
  const windows: Record<string, WindowOperation[]> = {};
  for (const [name, set] of windowsByName) windows[name] = windowOperations([...set].sort((a, b) => a.startMs - b.startMs), hlogByStart);
  return { events, windows };
}

function topLevelKeys(intervals: readonly IntervalPoint[]): string[] {
  return [...new Set(intervals.flatMap((i) => Object.keys(i.operations)))].filter((k) => !k.includes('/')).sort();
}

function isClean(point: IntervalPoint, before: ReadonlyMap<string, WindowFigures | null>): boolean {
  const ops = Object.entries(point.operations).filter(([k]) => !k.includes('/'));
  if (ops.reduce((sum, [, o]) => sum + o.count, 0) === 0) return false;
  return ops.every(([key, o]) => {
    if (errorTotal(o.errors) > 0) return false;
    const base = before.get(key);
    return !base || base.count === 0 || o.p95Ms <= Math.max(base.p95Ms * CLEAN_P95_FACTOR, base.p95Ms + CLEAN_P95_SLACK_MS);
  });
}

function errorTotal(errors: Readonly<Partial<Record<ErrorKind, number>>>): number {
  return Object.values(errors).reduce<number>((s, n) => s + (n ?? 0), 0);
}

function addErrors(into: Partial<Record<ErrorKind, number>>, errors: Readonly<Partial<Record<ErrorKind, number>>>): void {
  for (const [kind, n] of Object.entries(errors) as [ErrorKind, number][]) into[kind] = (into[kind] ?? 0) + n;
}

function figures(key: string, intervals: readonly IntervalPoint[], hlog: ReadonlyMap<number, HlogEntry[]>): WindowFigures {
  const { count, errorsByKind, latency } = merged(key, intervals, hlog);
  return { count, errors: errorTotal(errorsByKind), errorsByKind, p50Ms: latency.p50Ms, p95Ms: latency.p95Ms, p99Ms: latency.p99Ms, maxMs: latency.maxMs };
}

function merged(key: string, intervals: readonly IntervalPoint[], hlog: ReadonlyMap<number, HlogEntry[]>): { count: number; errorsByKind: Partial<Record<ErrorKind, number>>; latency: OperationResult['latency'] } {
  const histogram = createHistogram(64);
  let count = 0;
  const errorsByKind: Partial<Record<ErrorKind, number>> = {};
  for (const point of intervals) {
    const op = point.operations[key];
    if (op) {
      count += op.count;
      addErrors(errorsByKind, op.errors);
    }
    for (const entry of hlog.get(point.startMs) ?? []) if (entry.tag === key) mergeEncodedInto(histogram, entry.histogram);
  }
  return { count, errorsByKind, latency: summarize(histogram) };
}

function windowOperations(intervals: readonly IntervalPoint[], hlog: ReadonlyMap<number, HlogEntry[]>): WindowOperation[] {
  const seconds = intervals.reduce((s, i) => s + (i.endMs - i.startMs), 0) / 1000;
  const keys = [...new Set(intervals.flatMap((i) => Object.keys(i.operations)))].sort();
  return keys.map((key) => {
    const { count, errorsByKind, latency } = merged(key, intervals, hlog);
    return {
      key,
      ...splitOperationKey(key),
      count,
      errors: errorsByKind,
      throughputPerSec: seconds > 0 ? count / seconds : 0,
      latency,
    };
  });
}
