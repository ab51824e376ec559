// The HTML report's diagnosis card (top of the page) and its "where the time went" section: wait events stacked over
// time and CPU by process, drawn by html-client-series.ts on the latency charts' time axis.
import type { RunResults } from '../results/types.js';
import { resourceLabel } from '../diagnosis/render-text.js';

const h = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export const DIAGNOSIS_CSS = `
.diagnosis { border-left: 4px solid var(--invalid, #7c3aed); }
.diagnosis .resource { font-size: 17px; font-weight: 650; margin: 0 0 6px; }
.diagnosis ul { margin: 6px 0 0 18px; padding: 0; }
.diagnosis li { margin: 2px 0; }
.diagnosis .advice li { font-weight: 550; }
.pill.untrusted { background: #f3f4f6; color: #6b7280; text-decoration: line-through; }
`;

export function diagnosisCard(results: RunResults): string {
  const d = results.diagnosis;
  if (!d) return '';
  const evidence = d.evidence.length > 0 ? `<ul class="evidence">${d.evidence.map((e) => `<li>${h(e)}</li>`).join('')}</ul>` : '';
  const advice = d.advice.length > 0 ? `<ul class="advice">${d.advice.map((a) => `<li>${h(a)}</li>`).join('')}</ul>` : '';
  return `<section class="card diagnosis" id="diagnosis"><h2>Diagnosis<span class="hint">which resource ran out, from the per-second series</span></h2>` +
    `<p class="resource" data-resource="${h(d.resource)}">Limited by ${h(resourceLabel(d))}</p><p>${h(d.summary)}</p>${evidence}${advice}</section>`;
}

export function whereTheTimeWentSection(results: RunResults): string {
  if (!results.series) {
    return `<section class="card" id="where-the-time-went"><h2>Where the time went</h2><p class="muted">No server series recorded (run with --no-server-series).</p></section>`;
  }
  const unavailable = Object.entries(results.series.unavailable).map(([k, v]) => `${k}: ${v}`);
  const note = unavailable.length > 0 ? `<p class="muted small">Not recorded — ${h(unavailable.join('; '))}</p>` : '';
  return `<section class="card" id="where-the-time-went"><h2>Where the time went<span class="hint">same time axis as the latency charts · warm-up shaded</span></h2>${note}` +
    `<div class="title">Wait events of the load's backends (average backends, stacked; CPU = no wait)</div><div class="chart" id="chart-waits"></div>` +
    `<div class="title">CPU by process and thread (cores)</div><div class="chart" id="chart-cpu"></div>` +
    `<div class="title">Disk: WAL fsync time per sync (ms) and iowait</div><div class="chart" id="chart-disk"></div></section>`;
}
