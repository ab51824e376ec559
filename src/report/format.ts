// Formatting shared by every reporter: milliseconds, rates, counts, ratios, threshold values and operation order.
// Units are converted here, once, at the edge (program units are ms, per second and ratios 0..1).
import type { OperationResult } from '../results/types.js';
import type { ThresholdMetric, ThresholdVerdict } from '../thresholds/types.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators: `12,345`. */
/** `1 worker`, `2 workers`: a count with its noun, singular for one. */
export function formatCountOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatCount(n: number): string {
  return Number.isFinite(n) ? integer.format(n) : '—';
}

/** Milliseconds with precision that suits the magnitude: 0.412, 3.18, 31.2, 412, 1,250. No unit. */
export function formatMsValue(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const abs = Math.abs(ms);
  if (abs === 0) return '0';
  if (abs < 1) return ms.toFixed(3);
  if (abs < 10) return ms.toFixed(2);
  if (abs < 100) return ms.toFixed(1);
  return integer.format(ms);
}

/** Milliseconds with the unit: `31.2ms`; seconds above 10 s: `12.5s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${formatMsValue(ms)}ms`;
}

/** Rate per second without the unit: `1,250` or `12.4` for small rates. */
export function formatRateValue(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined || !Number.isFinite(perSec)) return '—';
  if (Math.abs(perSec) < 100 && perSec % 1 !== 0) return perSec.toFixed(1);
  return integer.format(perSec);
}

export function formatRate(perSec: number | null | undefined): string {
  const v = formatRateValue(perSec);
  return v === '—' ? v : `${v}/s`;
}

/** A ratio 0..1 as a percentage with enough digits to tell 0.01% from 0: `0.12%`, `99.4%`. */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const pct = ratio * 100;
  if (pct === 0) return '0%';
  if (pct === 100) return '100%';
  if (Math.abs(pct) < 0.01) return `${pct.toPrecision(2)}%`;
  if (Math.abs(pct) < 10) return `${pct.toFixed(2)}%`;
  return `${pct.toFixed(1)}%`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** A duration for humans: `45s`, `2m 30s`, `1h 5m`, or `850ms` below a second. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSec = Math.round(ms / 1000);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return s ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

const LATENCY_METRICS: ReadonlySet<ThresholdMetric> = new Set(['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);

/** A threshold value in the metric's display unit: `25ms`, `1.00%`, `1,000/s`, `40`. */
export function formatMetricValue(metric: ThresholdMetric, value: number | null): string {
  if (value === null) return '—';
  if (LATENCY_METRICS.has(metric)) return formatMs(value);
  if (metric === 'errors') return formatRatio(value);
  if (metric === 'throughput') return formatRate(value);
  return formatCount(value);
}

/** How a threshold is named everywhere: `auth.login/db p95 < 25ms`, or just `errors < 1%` when run-wide. */
export function thresholdLabel(v: Pick<ThresholdVerdict, 'scopeKey' | 'source'>): string {
  return v.scopeKey === 'run' || v.source.startsWith(`${v.scopeKey} `) ? v.source : `${v.scopeKey} ${v.source}`;
}

/** A target as the user wrote it: no padding digits (`25ms`, `1%`, `0.5%`, `380/s`). */
export function formatTargetValue(metric: ThresholdMetric, value: number): string {
  const trim = (n: number): string => String(Number(n.toPrecision(6)));
  if (LATENCY_METRICS.has(metric)) return `${trim(value)}ms`;
  if (metric === 'errors') return `${trim(value * 100)}%`;
  if (metric === 'throughput') return `${trim(value)}/s`;
  return trim(value);
}

/** The comparison with the target in display units: `< 25ms`. */
export function thresholdTarget(v: Pick<ThresholdVerdict, 'metric' | 'comparator' | 'target'>): string {
  return `${v.comparator} ${formatTargetValue(v.metric, v.target)}`;
}

/** Operations first in the order given, each followed by its phases, so `auth.login/db` sits under `auth.login`. */
export function orderOperations(ops: readonly OperationResult[]): OperationResult[] {
  const firstSeen = new Map<string, number>();
  ops.forEach((o, i) => {
    if (!firstSeen.has(o.operation)) firstSeen.set(o.operation, i);
  });
  return ops
    .map((o, i) => ({ o, i }))
    .sort((a, b) => {
      const byOp = (firstSeen.get(a.o.operation) ?? 0) - (firstSeen.get(b.o.operation) ?? 0);
      if (byOp !== 0) return byOp;
      const aPhase = a.o.phase === undefined ? 0 : 1;
      const bPhase = b.o.phase === undefined ? 0 : 1;
      return aPhase - bPhase || a.i - b.i;
    })
    .map(({ o }) => o);
}
