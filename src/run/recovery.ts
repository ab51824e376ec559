// Turns the workers' connection-outage logs into the results' `recovery` section: outages seen by several workers at
// once are one fault, from the first error anywhere to the moment the last affected worker had reconnected.
import type { ConnectionFault } from '../load/protocol.js';
import type { ConnectionFaultResult, RunResults } from '../results/types.js';

/** Merges overlapping worker faults; times become ms since the load start. Undefined when nothing went wrong. */
export function summarizeFaults(faults: readonly ConnectionFault[], startAtMs: number): RunResults['recovery'] {
  if (faults.length === 0 || !Number.isFinite(startAtMs)) return undefined;
  const sorted = [...faults].sort((a, b) => a.firstErrorAtMs - b.firstErrorAtMs);
  const merged: { first: number; recovered: number | null; errors: number; workers: number }[] = [];
  for (const f of sorted) {
    const last = merged.at(-1);
    if (last && (last.recovered === null || f.firstErrorAtMs <= last.recovered)) {
      last.recovered = last.recovered === null || f.recoveredAtMs === null ? null : Math.max(last.recovered, f.recoveredAtMs);
      last.errors += f.connectionErrors;
      last.workers += 1;
    } else {
      merged.push({ first: f.firstErrorAtMs, recovered: f.recoveredAtMs, errors: f.connectionErrors, workers: 1 });
    }
  }
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  const out: ConnectionFaultResult[] = merged.map((m) => ({
    firstErrorMs: round(m.first - startAtMs),
    recoveredMs: m.recovered === null ? null : round(m.recovered - startAtMs),
    downtimeMs: m.recovered === null ? null : round(m.recovered - m.first),
    connectionErrors: m.errors,
    workers: m.workers,
  }));
  return { faults: out };
}
