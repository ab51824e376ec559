// Turns the workers' outage logs into the results' `recovery` section: outages seen by several workers at once are
// one fault, from the first error anywhere to the moment the last affected worker had recovered. PostgreSQL's come
// from the connection slots, Redis's from the layer's checks.
import type { ConnectionFault, RedisOutage } from '../load/protocol.js';
import type { ConnectionFaultResult, RedisFaultResult, RunResults } from '../results/types.js';

/** One worker's outage, whatever the server: first error, recovery (null: not before the end), errors counted. */
interface Outage {
  readonly first: number;
  readonly recovered: number | null;
  readonly errors: number;
}

interface MergedOutage {
  readonly firstMs: number;
  readonly recoveredMs: number | null;
  readonly downtimeMs: number | null;
  readonly errors: number;
  readonly workers: number;
}

/** Merges overlapping outages; times become ms since the load start. */
function mergeOutages(outages: readonly Outage[], startAtMs: number): MergedOutage[] {
  const sorted = [...outages].sort((a, b) => a.first - b.first);
  const merged: { first: number; recovered: number | null; errors: number; workers: number }[] = [];
  for (const f of sorted) {
    const last = merged.at(-1);
    if (last && (last.recovered === null || f.first <= last.recovered)) {
      last.recovered = last.recovered === null || f.recovered === null ? null : Math.max(last.recovered, f.recovered);
      last.errors += f.errors;
      last.workers += 1;
    } else {
      merged.push({ first: f.first, recovered: f.recovered, errors: f.errors, workers: 1 });
    }
  }
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return merged.map((m) => ({
    firstMs: round(m.first - startAtMs),
    recoveredMs: m.recovered === null ? null : round(m.recovered - startAtMs),
    downtimeMs: m.recovered === null ? null : round(m.recovered - m.first),
    errors: m.errors,
    workers: m.workers,
  }));
}

/** The `recovery` section; undefined when nothing went wrong. */
export function summarizeFaults(faults: readonly ConnectionFault[], startAtMs: number, redisOutages: readonly RedisOutage[] = []): RunResults['recovery'] {
  if ((faults.length === 0 && redisOutages.length === 0) || !Number.isFinite(startAtMs)) return undefined;
  const pg: ConnectionFaultResult[] = mergeOutages(
    faults.map((f) => ({ first: f.firstErrorAtMs, recovered: f.recoveredAtMs, errors: f.connectionErrors })),
    startAtMs,
  ).map((m) => ({ firstErrorMs: m.firstMs, recoveredMs: m.recoveredMs, downtimeMs: m.downtimeMs, connectionErrors: m.errors, workers: m.workers }));
  if (redisOutages.length === 0) return { faults: pg };
  const redis: RedisFaultResult[] = mergeOutages(
    redisOutages.map((o) => ({ first: o.firstUnavailableAtMs, recovered: o.recoveredAtMs, errors: o.unavailable })),
    startAtMs,
  ).map((m) => ({ firstErrorMs: m.firstMs, recoveredMs: m.recoveredMs, downtimeMs: m.downtimeMs, unavailableChecks: m.errors, workers: m.workers }));
  return { faults: pg, redisFaults: redis };
}
