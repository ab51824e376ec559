// The capacity page: one self-contained file (uPlot, styles and data inlined) with the knee, the latency-vs-rate
// curve (P50/P95/P99 per operation against the achieved rate) and every step. It shows results, never judges them.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { CapacityResults } from '../capacity/types.js';
import { shownOperations } from '../capacity/render.js';
import { formatMsValue, formatRate } from './format.js';
import { embedJson, escapeHtml as h, escapeInlineScript } from './html.js';
import { REPORT_CSS } from './html-style.js';

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  return {
    js: fs.readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: fs.readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

/** Step verdicts in the report's colours: held green, failed red, inconclusive amber, invalid purple. */
const PILL: Record<string, string> = { held: 'PASS', failed: 'FAIL', inconclusive: 'INCONCLUSIVE', invalid: 'INVALID' };

const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var r = JSON.parse(document.getElementById('authbench-capacity-data').textContent);
  var keys = JSON.parse(document.getElementById('authbench-capacity-keys').textContent);
  var el = document.getElementById('curve');
  var steps = r.steps.slice().sort(function (a, b) { return a.achievedRate - b.achievedRate; });
  window.__authbenchCharts = [];
  if (steps.length === 0) { el.classList.add('empty'); el.textContent = 'no data'; return; }
  var PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
  var data = [steps.map(function (s) { return s.achievedRate; })];
  var series = [{ label: 'achieved rate /s' }];
  var dash = { p50Ms: [2, 4], p95Ms: undefined, p99Ms: [8, 4] };
  keys.forEach(function (key, k) {
    ['p50Ms', 'p95Ms', 'p99Ms'].forEach(function (field) {
      data.push(steps.map(function (s) {
        var op = s.operations.filter(function (o) { return o.key === key; })[0];
        return op && op.count > 0 && op[field] > 0 ? op[field] : null;
      }));
      series.push({ label: key + ' ' + field.replace('Ms', ''), stroke: PALETTE[k % PALETTE.length], width: field === 'p95Ms' ? 2 : 1,
        dash: dash[field], points: { show: true }, value: function (u, v) { return v == null ? '—' : (+v.toPrecision(3)) + ' ms'; } });
    });
  });
  var opts = {
    width: Math.max(320, el.clientWidth || 900), height: 360, series: series,
    scales: { x: { time: false }, y: { distr: 3 } },
    axes: [{ label: 'achieved rate (iterations/s)' }, { label: 'latency (ms, log)', size: 70 }],
    legend: { live: true },
  };
  var u = new uPlot(opts, data, el);
  window.__authbenchCharts.push({ id: 'curve', empty: false, instance: u });
  window.addEventListener('resize', function () { u.setSize({ width: Math.max(320, el.clientWidth || 900), height: 360 }); });
})();
`;

function stepRows(r: CapacityResults, keys: readonly string[]): string {
  return [...r.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => {
      const ops = keys
        .map((k) => {
          const op = s.operations.find((o) => o.key === k);
          return `<td class="num">${op && op.count > 0 ? `${formatMsValue(op.p50Ms)} / ${formatMsValue(op.p95Ms)} / ${formatMsValue(op.p99Ms)}` : '—'}</td>`;
        })
        .join('');
      const verdict = `<span class="pill ${PILL[s.verdict] ?? ''}">${h(s.verdict)}</span>${s.rate === r.knee ? ' <strong>◀ knee</strong>' : ''}`;
      return `<tr><td class="num">${s.index}</td><td class="num">${h(formatRate(s.rate))}</td><td class="num">${h(formatRate(s.achievedRate))}</td><td>${verdict}</td>${ops}<td>${h(s.reasons.join('; '))}</td><td><a href="${h(s.results)}">results.json</a></td></tr>`;
    })
    .join('');
}

/** The full page. Pure apart from reading the installed uPlot files. */
export function renderCapacityHtml(r: CapacityResults): string {
  const uplot = uplotAssets();
  const keys = shownOperations(r);
  const bannerClass = r.knee === null ? 'FAIL' : r.end === 'precision' || r.end === 'resolution' ? 'PASS' : 'INCONCLUSIVE';
  const head = ['step', 'rate', 'achieved', 'verdict', ...keys.map((k) => `${h(k)} p50 / p95 / p99 ms`), 'why not held', 'step results'];
  const s = r.search;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`capacity · ${r.scenario.name} · ${formatRate(r.knee)}`)}</title>
<style>${uplot.css.replace(/<\/style/gi, '<\\/style')}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<div class="wrap">
<header class="top"><h1><span class="brand">authbench capacity ·</span> ${h(r.scenario.name)}</h1>
<div class="meta">${h(r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))} · ${h(r.scenario.file)}</div></header>
${r.scenario.description ? `<p class="desc">${h(r.scenario.description)}</p>` : ''}
<div class="banner ${bannerClass}"><div class="word">${h(r.knee === null ? 'no knee' : formatRate(r.knee))}</div><div><div class="detail">${h(r.summary)}</div>
<div class="sub">Highest open-model arrival rate at which every threshold held on a valid run · ${r.steps.length} steps of ${s.stepDurationMs / 1000} s (+${s.stepWarmupMs / 1000} s warm-up) · ${s.connections} connections · ${s.workers} workers · precision ${(s.precision * 100).toFixed(0)} %</div></div></div>
<section class="card"><h2>Latency vs achieved rate<span class="hint">P50 dotted, P95 solid, P99 dashed; from the intended start</span></h2><div id="curve" class="chart"></div></section>
<section class="card"><h2>Steps<span class="hint">ordered by rate</span></h2><div class="scroll"><table><thead><tr>${head.map((x, i) => `<th${i < 3 ? ' class="num"' : ''}>${x}</th>`).join('')}</tr></thead><tbody>${stepRows(r, keys)}</tbody></table></div></section>
<section class="card"><h2>Judged by</h2><p>${r.thresholds.map((t) => `<code>${h(t)}</code>`).join(' · ') || '<span class="muted">no latency or error thresholds</span>'}</p>
${r.ignoredThresholds.length > 0 ? `<p class="muted">Not judged (each step sets its own rate): ${r.ignoredThresholds.map((t) => `<code>${h(t)}</code>`).join(' · ')}</p>` : ''}</section>
<footer>Generated by authbench capacity. The complete results are embedded in this file (script#authbench-capacity-data).</footer>
</div>
<script id="authbench-capacity-data" type="application/json">${embedJson(r)}</script>
<script id="authbench-capacity-keys" type="application/json">${embedJson(keys)}</script>
<script>${escapeInlineScript(uplot.js)}</script>
<script>${escapeInlineScript(CLIENT_JS)}</script>
</body>
</html>
`;
}
