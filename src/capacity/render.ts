// The capacity report for people: one sentence on the knee and a table of every step (rate, achieved rate,
// verdict, P50/P95/P99 per operation), ordered by rate so the latency-vs-rate curve reads top to bottom.
import { latencyCell, shownOperations } from '../report/capacity-operations.js';
import { formatRate } from '../report/format.js';
import type { CapacityResults } from '../results/capacity.js';
import { nonDurableNote } from '../report/verdict-line.js';
import { resourceLabel } from '../diagnosis/render-text.js';

const WHO_BROKE: Record<string, string> = {
  failed: 'a threshold failed — the database (or the system under test) is the limit',
  invalid: 'the load generator could not keep the schedule — its own limit or the connection pool\'s (raise load.connections / run it on a bigger machine), not the database\'s',
  inconclusive: 'too few samples to prove the thresholds — lengthen --step-duration',
};

/** With a diagnosis beside it the verdict needs no guess at the cause: the diagnosis names it. */
const WHAT_BROKE: Record<string, string> = {
  failed: 'a threshold failed',
  invalid: 'the load generator did not keep the schedule',
  inconclusive: WHO_BROKE.inconclusive ?? '',
};

/** One sentence: the knee, and what stopped the search. */
export function summarizeCapacity(r: Omit<CapacityResults, 'summary'>): string {
  const durability = nonDurableNote(r.nonDurable);
  return durability ? `${searchSentence(r)} ${durability}.` : searchSentence(r);
}

function searchSentence(r: Omit<CapacityResults, 'summary'>): string {
  const limit = r.firstBad?.diagnosis ? ` Limited by ${resourceLabel(r.firstBad.diagnosis)}: ${r.firstBad.diagnosis.summary}${r.firstBad.diagnosis.advice[0] ? ` ${r.firstBad.diagnosis.advice[0]}` : ''}` : '';
  const bad = r.firstBad ? ` ${formatRate(r.firstBad.rate)} did not hold: ${(r.firstBad.diagnosis ? WHAT_BROKE : WHO_BROKE)[r.firstBad.verdict] ?? r.firstBad.verdict} (${r.firstBad.reasons.join('; ') || 'no detail'}).${limit}` : '';
  switch (r.end) {
    case 'precision':
      return `Knee: ${formatRate(r.knee)} held (within ${(r.search.precision * 100).toFixed(0)} %).${bad}`;
    case 'max-reached':
      return r.knee === null
        ? `No rate up to --max ${formatRate(r.search.max)} was proven (inconclusive steps).${bad}`
        : `Every rate up to ${formatRate(r.knee)} held; the knee is above it: raise --max.`;
    case 'nothing-held':
      return `No rate held, down to ${formatRate(Math.min(...r.steps.map((s) => s.rate)))}.${bad}`;
    case 'step-limit':
      return r.knee === null
        ? `Step limit reached before any rate held.${bad}`
        : `Step limit reached: highest rate that held ${formatRate(r.knee)} (not refined to the precision).${bad}`;
    case 'resolution':
      return `Knee: ${formatRate(r.knee)} held (rates cannot be split finer).${bad}`;
    case 'stopped':
      return r.knee === null ? `Stopped early, before any rate held.${bad}` : `Stopped early: highest rate that held so far ${formatRate(r.knee)}.${bad}`;
  }
}

export function renderCapacityConsole(r: CapacityResults): string {
  const keys = shownOperations(r);
  const head = ['step', 'rate', 'achieved', 'verdict', ...keys.map((k) => `${k} p50/p95/p99 ms`)];
  const rows = [...r.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => [String(s.index), formatRate(s.rate), formatRate(s.achievedRate), s.rate === r.knee ? 'held ◀ knee' : s.verdict, ...keys.map((k) => latencyCell(s, k))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i >= 1 && i !== 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const out = [
    `authbench capacity — ${r.scenario.name} (${r.steps.length} steps of ${r.search.stepDurationMs / 1000} s, ${r.search.connections} connections, ${r.search.workers} worker${r.search.workers === 1 ? '' : 's'})`,
    '',
    line(head),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
    '',
    `Judged by: ${r.thresholds.join(', ') || '(no latency or error thresholds)'}`,
    ...(r.ignoredThresholds.length > 0 ? [`Not judged (each step sets its own rate): ${r.ignoredThresholds.join(', ')}`] : []),
    '',
    r.summary,
    '',
  ];
  return out.join('\n');
}
