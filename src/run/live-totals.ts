// Running totals while the load is on: what live progress shows and what abort-on-fail thresholds are judged on.
// Merged exactly from the workers' interval histograms (never averaged); the final numbers come from the Aggregator.
import type { ErrorKind, OperationResult } from '../results/types.js';
import { createHistogram, decode, mergeInto, summarize, type Histogram } from '../metrics/histogram.js';
import type { IntervalSnapshot } from '../metrics/types.js';
import { isTopLevelKey, splitOperationKey } from '../results/keys.js';

class KeyRunning {
  readonly latency: Histogram = createHistogram(64);
  readonly service: Histogram = createHistogram(64);
  count = 0;
  readonly errors: Partial<Record<ErrorKind, number>> = {};
  readonly outcomes: Record<string, number> = {};
}

export class LiveTotals {
  private readonly keys = new Map<string, KeyRunning>();
  /** Top-level operations merged: the "P95 so far" of the progress line. */
  private readonly overall: Histogram = createHistogram(64);
  private errorCount = 0;
  private droppedCount = 0;
  private finishedCount = 0;

  constructor(private readonly warmupMs: number) {}

  add(snapshot: IntervalSnapshot): void {
    if (snapshot.startMs < this.warmupMs) return;
    this.droppedCount += snapshot.generator.dropped;
    for (const [key, k] of Object.entries(snapshot.operations)) {
      let running = this.keys.get(key);
      if (!running) {
        running = new KeyRunning();
        this.keys.set(key, running);
      }
      running.count += k.count;
      for (const [kind, n] of Object.entries(k.errors) as [ErrorKind, number][]) running.errors[kind] = (running.errors[kind] ?? 0) + n;
      for (const [name, n] of Object.entries(k.outcomes)) running.outcomes[name] = (running.outcomes[name] ?? 0) + n;
      if (k.latency !== null) {
        const latency = decode(k.latency);
        mergeInto(running.latency, latency);
        if (isTopLevelKey(key)) mergeInto(this.overall, latency);
      }
      if (k.service !== null) mergeInto(running.service, decode(k.service));
      if (isTopLevelKey(key)) {
        this.finishedCount += k.count;
        for (const n of Object.values(k.errors)) this.errorCount += n ?? 0;
      }
    }
  }

  get errors(): number {
    return this.errorCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get finished(): number {
    return this.finishedCount;
  }

  /** P95 over every top-level operation so far, ms (0 before the first measured sample). */
  overallP95Ms(): number {
    return this.overall.totalCount > 0 ? this.overall.getValueAtPercentile(95) / 1000 : 0;
  }

  /** OperationResults of the measured window so far (histogram strings left empty: nobody reads them mid-run). */
  operations(measuredMs: number): OperationResult[] {
    const seconds = measuredMs / 1000;
    return [...this.keys.entries()].map(([key, r]) => {
      return {
        key,
        ...splitOperationKey(key),
        count: r.count,
        errors: { ...r.errors },
        outcomes: { ...r.outcomes },
        throughputPerSec: seconds > 0 ? r.count / seconds : 0,
        latency: summarize(r.latency),
        service: summarize(r.service),
        latencyHistogram: '',
        serviceHistogram: '',
      };
    });
  }
}
