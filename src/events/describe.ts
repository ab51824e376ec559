// One line per event occurrence for the reports: when it ran, how long it took, the p95 and errors of each
// operation in its window against the seconds before, the time to recover, and what the action measured.
import type { EventResult, WindowFigures } from './types.js';

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const seconds = (v: number): string => `${(v / 1000).toFixed(1)}s`;

function shift(key: string, before: WindowFigures | null, during: WindowFigures): string {
  const p95 = before && before.count > 0 ? `p95 ${ms(before.p95Ms)} → ${ms(during.p95Ms)} ms` : `p95 ${ms(during.p95Ms)} ms`;
  return `${key} ${p95}, ${during.errors} errors of ${during.count}`;
}

/** Detail worth a reader's eye, in reading order (a backup's size and speed first). */
function detailText(detail: EventResult['detail']): string {
  if (!detail) return '';
  const d = { ...detail };
  const parts: string[] = [];
  if (typeof d.bytes === 'number') parts.push(`${(d.bytes / 1e6).toFixed(1)} MB at ${d.throughputMBps} MB/s`);
  if (typeof d.walBytes === 'number') parts.push(`WAL ${(d.walBytes / 1e6).toFixed(2)} MB`);
  if (typeof d.incrementalFiles === 'number' && Number(d.incrementalFiles) > 0) parts.push(`${d.incrementalFiles} of ${d.files} files incremental`);
  for (const key of ['rows', 'terminated', 'granted', 'revoked']) if (d[key] !== undefined) parts.push(`${key} ${d[key]}`);
  return parts.join(', ');
}

export function describeEvent(e: EventResult): string {
  const head = `${e.name} (${e.action}${e.occurrence > 0 ? ` #${e.occurrence + 1}` : ''}) planned ${seconds(e.plannedMs)}`;
  if (e.status === 'skipped' || e.status === 'not-reached') return `${head}: ${e.status}${e.error ? ` (${e.error})` : ''}`;
  const took = e.startMs !== undefined && e.endMs !== undefined ? `, ran ${seconds(e.startMs)}–${seconds(e.endMs)}` : '';
  const status = e.status === 'failed' ? `: FAILED (${e.error ?? 'unknown'})` : '';
  const impact = Object.entries(e.impact ?? {}).map(([k, v]) => shift(k, v.before, v.during)).join('; ');
  const recovery = e.recoveryMs === undefined ? '' : e.recoveryMs === null ? '; not clean again before the end' : `; clean again ${seconds(e.recoveryMs)} after`;
  const detail = detailText(e.detail);
  return `${head}${took}${status}${impact ? ` — ${impact}` : ''}${recovery}${detail ? ` [${detail}]` : ''}`;
}
