// The run's per-second figures as Prometheus series (names and labels in docs/prometheus.md): counters since the load
// started, split by window (warm-up / measured) so the measured totals equal results.json's, and per-interval gauges.
import type { IntervalPoint } from '../../results/types.js';
import { splitOperationKey } from '../../results/keys.js';
import type { LiveInterval, RunIdentity } from '../types.js';
import type { TimeSeries } from './write-request.js';

type Labels = readonly (readonly [string, string])[];

/** Every series carries these (plus `__name__` and its own). */
export function runLabels(identity: RunIdentity): Labels {
  return [
    ['scenario', identity.scenario],
    ['run_id', identity.runId],
    ['shard', identity.shard],
  ];
}

/** `auth.login/db` → operation `auth.login`, phase `db`; a key without a phase has no phase label. */
function keyLabels(key: string): Labels {
  const { operation, phase } = splitOperationKey(key);
  return phase === undefined ? [['operation', operation]] : [['operation', operation], ['phase', phase]];
}

const QUANTILES = [
  ['0.5', 'p50Ms'],
  ['0.95', 'p95Ms'],
  ['0.99', 'p99Ms'],
  ['1', 'maxMs'],
] as const;

/**
 * Keeps the counters of one run and turns each interval into the series of one push. Intervals must be given in index
 * order (the output reorders them): every series' samples then go forward in time, as the receiver requires.
 */
export class RunSeries {
  readonly #base: Labels;
  readonly #startEpochMs: number;
  /** Counter name + labels → its labels and value so far; every counter is sent with every push, so none goes stale. */
  readonly #counters = new Map<string, { labels: Labels; value: number }>();

  constructor(identity: RunIdentity, startEpochMs: number) {
    this.#base = runLabels(identity);
    this.#startEpochMs = startEpochMs;
  }

  #count(name: string, labels: Labels, n: number): void {
    if (n === 0 && labels.length > 1) return; // a kind that never happened gets no series; window-only counters start at 0
    const all: Labels = [['__name__', name], ...this.#base, ...labels];
    const id = JSON.stringify(all);
    const counter = this.#counters.get(id);
    if (counter) counter.value += n;
    else this.#counters.set(id, { labels: all, value: n });
  }

  /** The last instant pushed: counters sent later must be later still. */
  #lastAtMs = Number.NEGATIVE_INFINITY;

  /** Adds an interval's counts to the counters without sending anything (an interval that came too late for its turn). */
  count(interval: LiveInterval): void {
    const { point, generator } = interval;
    const window: Labels = [['window', point.warmup ? 'warmup' : 'measured']];
    for (const [key, op] of Object.entries(point.operations)) {
      const labels = [...keyLabels(key), ...window];
      this.#count('authbench_iterations_total', labels, op.count);
      for (const [kind, n] of Object.entries(op.errors)) this.#count('authbench_errors_total', [...labels, ['kind', kind]], n ?? 0);
      for (const [outcome, n] of Object.entries(interval.outcomes[key] ?? {})) this.#count('authbench_outcomes_total', [...labels, ['outcome', outcome]], n);
    }
    this.#count('authbench_scheduled_total', window, generator.scheduled);
    this.#count('authbench_started_total', window, generator.started);
    this.#count('authbench_dropped_total', window, point.dropped);
    this.#count('authbench_late_total', window, generator.late);
  }

  /** Every counter's value so far, at `atMs` (after the last push), e.g. once more at the end after a late interval. */
  counters(atMs: number = this.#lastAtMs + 1): TimeSeries[] {
    this.#lastAtMs = Math.max(this.#lastAtMs, atMs);
    return [...this.#counters.values()].map((counter) => ({ labels: counter.labels, samples: [{ value: counter.value, timestampMs: atMs }] }));
  }

  /** The series of one interval: its gauges at its end, and every counter's value so far at the same instant. */
  interval(interval: LiveInterval): TimeSeries[] {
    const { point } = interval;
    const at = Math.max(this.#startEpochMs + point.endMs, this.#lastAtMs + 1);
    this.count(interval);
    const series: TimeSeries[] = [];
    const gauge = (name: string, labels: Labels, value: number): void => {
      series.push({ labels: [['__name__', name], ...this.#base, ...labels], samples: [{ value, timestampMs: at }] });
    };
    gauge('authbench_warmup', [], point.warmup ? 1 : 0);
    if (point.targetRate !== undefined) gauge('authbench_arrival_rate_per_second', [], point.targetRate);
    gauge('authbench_throughput_per_second', [], point.achievedRate);
    gauge('authbench_in_flight', [], point.inFlight);
    gauge('authbench_event_loop_lag_max_seconds', [], point.eventLoopLagMaxMs / 1000);
    for (const [key, op] of Object.entries(point.operations)) {
      if (op.count === 0) continue;
      for (const [quantile, field] of QUANTILES) gauge('authbench_latency_seconds', [...keyLabels(key), ['quantile', quantile]], op[field] / 1000);
    }
    series.push(...this.counters(at));
    return series;
  }

  /**
   * The server-side series of the finished run (sampled on the database, merged into results.json's intervals after
   * the load), one series per figure with a sample per interval. Sent once at the end: they are new series.
   */
  serverSeries(intervals: readonly IntervalPoint[]): TimeSeries[] {
    const figures: readonly (readonly [string, (p: IntervalPoint) => number | undefined])[] = [
      ['authbench_server_connections', (p) => p.serverConnections],
      ['authbench_server_active_connections', (p) => p.serverActiveConnections],
    ];
    const series: TimeSeries[] = [];
    for (const [name, read] of figures) {
      const samples = intervals.flatMap((p) => {
        const value = read(p);
        return value === undefined ? [] : [{ value, timestampMs: this.#startEpochMs + p.endMs }];
      });
      if (samples.length > 0) series.push({ labels: [['__name__', name], ...this.#base], samples });
    }
    return series;
  }
}
