// The run's summary as one JSON document (`authbench run --json`): the verdict, its exit code and the figures a CI
// script reads, without the histograms and time series of results.json (which it points to).
import type { RunResults } from '../results/types.js';
import { thresholdLabel } from './format.js';
import { summarizeVerdict } from './verdict-line.js';

export interface RunSummaryJson {
  readonly verdict: RunResults['verdict'];
  readonly exitCode: number;
  /** The verdict line as the console prints it. */
  readonly line: string;
  readonly scenario: string;
  readonly status: RunResults['status'];
  readonly abortReason?: string;
  readonly measuredSeconds: number;
  readonly thresholds: readonly {
    readonly threshold: string;
    readonly status: string;
    readonly measured: number | null;
    readonly target: number;
    readonly samples: number;
    readonly reason?: string;
  }[];
  readonly operations: readonly {
    readonly key: string;
    readonly count: number;
    readonly throughputPerSec: number;
    readonly errors: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
  }[];
  readonly generator: { readonly valid: boolean; readonly scheduled: number; readonly dropped: number; readonly late: number; readonly invalidReasons: readonly string[] };
  /** The report directory and the files in it (results.json holds everything). */
  readonly reportDir: string;
  readonly artifacts: Readonly<Record<string, string>>;
}

export function runSummaryJson(results: RunResults, exitCode: number, reportDir: string): RunSummaryJson {
  const g = results.generator;
  return {
    verdict: results.verdict,
    exitCode,
    line: summarizeVerdict(results).line,
    scenario: results.scenario.name,
    status: results.status,
    ...(results.abortReason !== undefined ? { abortReason: results.abortReason } : {}),
    measuredSeconds: Math.max(0, results.measuredWindow.endMs - results.measuredWindow.startMs) / 1000,
    thresholds: results.thresholds.map((t) => ({
      threshold: thresholdLabel(t),
      status: t.status,
      measured: t.measured,
      target: t.target,
      samples: t.samples,
      ...(t.reason !== undefined ? { reason: t.reason } : {}),
    })),
    operations: results.operations.map((o) => ({
      key: o.key,
      count: o.count,
      throughputPerSec: o.throughputPerSec,
      errors: Object.values(o.errors).reduce((s: number, n) => s + (n ?? 0), 0),
      p50Ms: o.latency.p50Ms,
      p95Ms: o.latency.p95Ms,
      p99Ms: o.latency.p99Ms,
      maxMs: o.latency.maxMs,
    })),
    generator: { valid: g.valid, scheduled: g.scheduled, dropped: g.dropped, late: g.late, invalidReasons: g.invalidReasons },
    reportDir,
    artifacts: results.artifacts,
  };
}
