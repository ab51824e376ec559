// The capacity page: one self-contained file (uPlot, styles and data inlined) with the knee, the latency-vs-rate
// curve (P50/P95/P99 per operation against the achieved rate) and every step. It shows results, never judges them.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { CapacityResults } from '../results/capacity.js';
import { latencyCell, shownOperations } from './capacity-operations.js';
import { formatCountOf, formatRate } from './format.js';
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
/** The same colours for the chart's vertical markers (the CSS variables of REPORT_CSS). */
const MARKER_COLOR: Record<string, string> = { knee: '#1a7f37', held: '#1a7f37', failed: '#cf222e', inconclusive: '#9a6700', invalid: '#8250df' };

/** One colour per operation on the curve (its three percentiles share it and differ by line style). */
const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
/** SVG stroke-dasharray per percentile: the chart's dash pattern, drawn the same in the legend. */
const DASH: Readonly<Record<'p50' | 'p95' | 'p99', string>> = { p50: '2 4', p95: '', p99: '8 4' };

/**
 * The curve's legend as a small table, one row per operation in its colour and one column per percentile in its line
 * style: uPlot's own legend put 3 × operations entries (12 for four operations) in one wrapped run of text.
 */
function curveLegend(keys: readonly string[]): string {
  const line = (color: string, field: 'p50' | 'p95' | 'p99'): string =>
    `<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" stroke="${color}" stroke-width="${field === 'p95' ? 2.5 : 1.5}"${DASH[field] ? ` stroke-dasharray="${DASH[field]}"` : ''}/></svg>`;
  const rows = keys.map((key, k) => {
    const color = PALETTE[k % PALETTE.length]!;
    return `<tr data-key="${h(key)}"><td><span class="swatch" style="background:${color}"></span>${h(key)}</td>${(['p50', 'p95', 'p99'] as const).map((f) => `<td>${line(color, f)}</td>`).join('')}</tr>`;
  });
  return `<table class="curve-legend" id="curve-legend"><thead><tr><th>operation</th><th>p50</th><th>p95</th><th>p99</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A vertical line on the curve at a step's achieved rate: the knee, and the first rate that did not hold. */
interface CurveMarker {
  readonly kind: 'knee' | 'first-bad';
  /** Achieved rate of the step: the chart's x axis. */
  readonly x: number;
  readonly label: string;
  readonly color: string;
}

function curveMarkers(r: CapacityResults): CurveMarker[] {
  const markers: CurveMarker[] = [];
  const knee = r.knee === null ? undefined : r.steps.find((s) => s.rate === r.knee);
  if (knee) markers.push({ kind: 'knee', x: knee.achievedRate, label: `knee ${formatRate(knee.rate)}`, color: MARKER_COLOR.knee ?? '' });
  const bad = r.firstBad === null ? undefined : r.steps.find((s) => s.rate === r.firstBad?.rate);
  if (bad) markers.push({ kind: 'first-bad', x: bad.achievedRate, label: `${formatRate(bad.rate)} ${bad.verdict}`, color: MARKER_COLOR[bad.verdict] ?? '' });
  return markers;
}

/** The sentence under the chart: what each marker is, so the picture reads without the table. */
function markerNote(r: CapacityResults, markers: readonly CurveMarker[]): string {
  const swatch = (color: string): string => `<span class="swatch" style="background:${h(color)}"></span>`;
  const parts = markers.map((m) => {
    const step = m.kind === 'knee' ? r.steps.find((s) => s.rate === r.knee) : r.steps.find((s) => s.rate === r.firstBad?.rate);
    const achieved = step ? ` (${formatRate(step.achievedRate)} achieved)` : '';
    return m.kind === 'knee'
      ? `<span data-marker="knee">${swatch(m.color)}knee: ${h(formatRate(r.knee))} scheduled${h(achieved)}, the highest rate that held</span>`
      : `<span data-marker="first-bad">${swatch(m.color)}first rate that did not hold: ${h(formatRate(r.firstBad?.rate))}, ${h(r.firstBad?.verdict ?? '')}${h(achieved)}</span>`;
  });
  if (r.knee === null) parts.unshift('<span data-marker="none">no rate held: there is no knee to mark</span>');
  return `<div class="legend-note" id="curve-markers">${parts.join('')}</div>`;
}

const CAPACITY_CSS = `
.pill.INVALID { color: var(--invalid); background: var(--invalid-bg); }
td.verdict, .banner .word { white-space: nowrap; }
td.reasons { min-width: 220px; max-width: 480px; }
th .unit { font-weight: 400; }
#curve-markers { margin: 10px 0 0; }
.curve-legend { margin: 10px 0 0; width: auto; font-size: 13px; }
.curve-legend th, .curve-legend td { padding: 2px 10px 2px 0; border: 0; text-align: left; }
.curve-legend svg { vertical-align: middle; }
`;

const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var r = JSON.parse(document.getElementById('authbench-capacity-data').textContent);
  var view = JSON.parse(document.getElementById('authbench-capacity-view').textContent);
  var keys = view.keys, markers = view.markers;
  var el = document.getElementById('curve');
  var charts = [];
  // Test hook, as in the run report: the browser test checks the chart's data and markers through this list.
  window.__authbenchCharts = charts;
  function widthOf() { return Math.max(280, Math.floor(el.clientWidth || el.parentNode.clientWidth || 900)); }
  function noData(message) {
    el.classList.add('empty');
    el.textContent = message;
    charts.push({ id: 'curve', empty: true, instance: null, markers: [] });
  }
  var steps = r.steps.slice().sort(function (a, b) { return a.achievedRate - b.achievedRate || a.rate - b.rate; });
  if (steps.length === 0) return noData('no data — no step ran');
  var PALETTE = view.palette;
  var data = [steps.map(function (s) { return s.achievedRate; })];
  var series = [{ label: 'achieved rate', value: function (u, v) { return v == null ? '—' : (+v.toPrecision(4)) + '/s'; } }];
  var dash = { p50Ms: [2, 4], p95Ms: undefined, p99Ms: [8, 4] };
  var any = false;
  keys.forEach(function (key, k) {
    ['p50Ms', 'p95Ms', 'p99Ms'].forEach(function (field) {
      data.push(steps.map(function (s) {
        var op = s.operations.filter(function (o) { return o.key === key; })[0];
        var v = op && op.count > 0 && op[field] > 0 ? op[field] : null;
        if (v != null) any = true;
        return v;
      }));
      series.push({ label: key + ' ' + field.replace('Ms', ''), stroke: PALETTE[k % PALETTE.length], width: field === 'p95Ms' ? 2 : 1,
        dash: dash[field], points: { show: true }, value: function (u, v) { return v == null ? '—' : (+v.toPrecision(3)) + ' ms'; } });
    });
  });
  if (!any) return noData('no data — no step recorded a latency');

  // Dashed vertical lines at the knee and the first rate that did not hold, labelled at the top of the plot.
  function markerPlugin() {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx, dpr = devicePixelRatio || 1, left = u.bbox.left, right = u.bbox.left + u.bbox.width;
      markers.forEach(function (m, i) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        if (x < left - 1 || x > right + 1) return;
        ctx.save();
        ctx.strokeStyle = m.color;
        ctx.lineWidth = 1.5 * dpr;
        ctx.setLineDash([6 * dpr, 4 * dpr]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.font = '600 ' + Math.round(12 * dpr) + 'px system-ui, sans-serif';
        ctx.textBaseline = 'top';
        ctx.textAlign = 'left';
        var w = ctx.measureText(m.label).width, pad = 5 * dpr, y = u.bbox.top + (4 + 16 * i) * dpr;
        // The knee's label sits on the side that held (left), the first bad rate's on the side that broke (right),
        // unless the plot has no room there.
        var leftX = x - pad - w, rightX = x + pad;
        var tx = m.kind === 'knee' ? (leftX >= left ? leftX : rightX) : (rightX + w <= right ? rightX : leftX);
        ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
        ctx.fillRect(tx - 2 * dpr, y - 1 * dpr, w + 4 * dpr, 15 * dpr);
        ctx.fillStyle = m.color;
        ctx.fillText(m.label, tx, y);
        ctx.restore();
      });
    }] } };
  }

  var opts = {
    width: widthOf(), height: 360, series: series,
    scales: { x: { time: false }, y: { distr: 3 } },
    axes: [{ label: 'achieved rate (iterations/s)' }, { label: 'latency (ms, log)', size: 70 }],
    // The legend is the table under the chart (curveLegend); uPlot's would list every operation × percentile in a row.
    legend: { show: false },
    plugins: [markerPlugin()],
  };
  var u = new uPlot(opts, data, el);
  charts.push({ id: 'curve', empty: false, instance: u, markers: markers });
  window.addEventListener('resize', function () { u.setSize({ width: widthOf(), height: 360 }); });
})();
`;

function stepRows(r: CapacityResults, keys: readonly string[]): string {
  if (r.steps.length === 0) return `<tr><td colspan="${keys.length + 6}" class="muted">no step ran</td></tr>`;
  return [...r.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => {
      const ops = keys.map((k) => `<td class="num">${h(latencyCell(s, k))}</td>`).join('');
      const verdict = `<span class="pill ${PILL[s.verdict] ?? ''}">${h(s.verdict)}</span>${s.rate === r.knee ? ' <strong>◀ knee</strong>' : ''}`;
      return `<tr><td class="num">${s.index}</td><td class="num">${h(formatRate(s.rate))}</td><td class="num">${h(formatRate(s.achievedRate))}</td><td class="verdict">${verdict}</td>${ops}<td class="reasons">${h(s.reasons.join('; '))}</td><td><a href="${h(s.results)}">results.json</a></td></tr>`;
    })
    .join('');
}

/** The full page. Pure apart from reading the installed uPlot files. */
export function renderCapacityHtml(r: CapacityResults): string {
  const uplot = uplotAssets();
  const keys = shownOperations(r);
  const markers = curveMarkers(r);
  // Grey for a search stopped before anything held (like an aborted run), red when nothing held, amber when the knee is a lower bound.
  const bannerClass = r.knee === null ? (r.end === 'stopped' ? 'ABORTED' : 'FAIL') : r.end === 'precision' || r.end === 'resolution' ? 'PASS' : 'INCONCLUSIVE';
  const head = ['step', 'rate', 'achieved', 'verdict', ...keys.map((k) => `${h(k)}<br><span class="unit">p50 / p95 / p99 ms</span>`), 'why not held', 'step results'];
  const s = r.search;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`capacity · ${r.scenario.name} · ${formatRate(r.knee)}`)}</title>
<style>${uplot.css.replace(/<\/style/gi, '<\\/style')}</style>
<style>${REPORT_CSS}${CAPACITY_CSS}</style>
</head>
<body>
<div class="wrap">
<header class="top"><h1><span class="brand">authbench capacity ·</span> ${h(r.scenario.name)}</h1>
<div class="meta">${h(r.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))} · ${h(r.scenario.file)}</div></header>
${r.scenario.description ? `<p class="desc">${h(r.scenario.description)}</p>` : ''}
<div class="banner ${bannerClass}"><div class="word">${h(r.knee === null ? 'no knee' : formatRate(r.knee))}</div><div><div class="detail">${h(r.summary)}</div>
<div class="sub">Highest open-model arrival rate at which every threshold held on a valid run · ${r.steps.length} steps of ${s.stepDurationMs / 1000} s (+${s.stepWarmupMs / 1000} s warm-up) · ${formatCountOf(s.connections, 'connection')} · ${formatCountOf(s.workers, 'worker')} · precision ${(s.precision * 100).toFixed(0)} %</div></div></div>
<section class="card"><h2>Latency vs achieved rate<span class="hint">P50 dotted, P95 solid, P99 dashed; from the intended start</span></h2><div id="curve" class="chart"></div>
${curveLegend(keys)}
${markerNote(r, markers)}</section>
<section class="card"><h2>Steps<span class="hint">ordered by rate</span></h2><div class="scroll"><table id="steps"><thead><tr>${head.map((x, i) => `<th${i < 3 || (i > 3 && i < 4 + keys.length) ? ' class="num"' : ''}>${x}</th>`).join('')}</tr></thead><tbody>${stepRows(r, keys)}</tbody></table></div></section>
<section class="card"><h2>Judged by</h2><p>${r.thresholds.map((t) => `<code>${h(t)}</code>`).join(' · ') || '<span class="muted">no latency or error thresholds</span>'}</p>
${r.ignoredThresholds.length > 0 ? `<p class="muted">Not judged (each step sets its own rate): ${r.ignoredThresholds.map((t) => `<code>${h(t)}</code>`).join(' · ')}</p>` : ''}</section>
<footer>Generated by authbench capacity. The complete results are embedded in this file (script#authbench-capacity-data).</footer>
</div>
<script id="authbench-capacity-data" type="application/json">${embedJson(r)}</script>
<script id="authbench-capacity-view" type="application/json">${embedJson({ keys, markers, palette: PALETTE })}</script>
<script>${escapeInlineScript(uplot.js)}</script>
<script>${escapeInlineScript(CLIENT_JS)}</script>
</body>
</html>
`;
}
