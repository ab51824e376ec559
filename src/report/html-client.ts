// The browser side of the HTML report: reads the embedded JSON and draws every chart with the inlined uPlot.
// Plain ES5-style JavaScript in a string (no DOM types in this project); each chart shows "no data" instead of failing.
import { REPORT_SERIES_JS } from './html-client-series.js';

export const REPORT_CLIENT_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('authbench-data').textContent);
  var r = data.results;
  var charts = [];
  // Test hook: the browser test checks every chart's data through this list.
  window.__authbenchCharts = charts;
  var PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d', '#c2410c'];
  var ERROR_COLORS = { connection: '#7c3aed', timeout: '#d97706', server: '#dc2626', wrong_answer: '#be123c',
    cache: '#0891b2', interrupted: '#6b7280', client: '#4b5563' };
  var ERROR_KINDS = ['connection', 'timeout', 'server', 'wrong_answer', 'cache', 'interrupted', 'client'];

  function fmtMs(v) {
    if (v == null || !isFinite(v)) return '—';
    var a = Math.abs(v);
    if (a === 0) return '0';
    if (a < 1) return v.toFixed(3);
    if (a < 10) return v.toFixed(2);
    if (a < 100) return v.toFixed(1);
    return Math.round(v).toLocaleString('en-US');
  }
  function fmtNum(v) { return v == null || !isFinite(v) ? '—' : (Math.abs(v) < 100 && v % 1 !== 0 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')); }
  function pctLabel(x) {
    if (x == null) return '—';
    if (x <= 1) return '0%';
    var p = (1 - 1 / x) * 100;
    var digits = Math.max(0, Math.min(4, Math.ceil(Math.log10(x)) - 2));
    return p.toFixed(digits) + '%';
  }
  // Axis ticks: as few digits as the tick needs (0.5, 20, 1,200).
  function axisNum(v) {
    if (v == null) return '';
    var a = Math.abs(v);
    return a >= 1000 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(3));
  }
  function hasValue(arr) { for (var i = 0; i < arr.length; i++) if (arr[i] != null) return true; return false; }

  function noData(el, message) {
    el.classList.add('empty');
    el.textContent = message || 'no data';
    charts.push({ id: el.id, empty: true, instance: null });
  }

  function widthOf(el) { return Math.max(280, Math.floor(el.clientWidth || el.parentNode.clientWidth || 600)); }

  function mount(el, opts, d) {
    opts.width = widthOf(el);
    opts.height = opts.height || 240;
    opts.legend = opts.legend || { live: true };
    opts.cursor = opts.cursor || { drag: { x: true, y: false } };
    var u = new uPlot(opts, d, el);
    charts.push({ id: el.id, empty: false, instance: u });
    return u;
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) {
        if (c.instance) c.instance.setSize({ width: widthOf(c.instance.root.parentNode), height: c.instance.height });
      });
    }, 100);
  });

  // Shades the warm-up, which is drawn but excluded from every measured number.
  function warmupPlugin(endSec) {
    return { hooks: { drawClear: [function (u) {
      if (!(endSec > 0)) return;
      var xs = u.scales.x;
      if (xs.min == null || xs.min >= endSec) return;
      var x0 = u.valToPos(xs.min, 'x', true);
      var x1 = u.valToPos(Math.min(endSec, xs.max), 'x', true);
      var ctx = u.ctx;
      ctx.save();
      ctx.fillStyle = 'rgba(245, 158, 11, 0.13)';
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      ctx.fillStyle = 'rgba(154, 103, 0, 0.85)';
      ctx.font = Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      if (x1 - x0 > 60 * devicePixelRatio) ctx.fillText('warm-up', x0 + 6 * devicePixelRatio, u.bbox.top + 4 * devicePixelRatio);
      ctx.restore();
    }] } };
  }

  // Marks every scenario event: a band from its start to its end and its name, on every time-series chart.
  function eventsPlugin(events) {
    return { hooks: { draw: [function (u) {
      if (!events || events.length === 0) return;
      var ctx = u.ctx, px = devicePixelRatio;
      ctx.save();
      ctx.font = Math.round(10 * px) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      events.forEach(function (e, i) {
        if (e.startMs == null) return;
        var x0 = u.valToPos(e.startMs / 1000, 'x', true);
        var x1 = u.valToPos((e.endMs == null ? e.startMs : e.endMs) / 1000, 'x', true);
        if (x0 < u.bbox.left || x0 > u.bbox.left + u.bbox.width) return;
        ctx.fillStyle = e.status === 'failed' ? 'rgba(220, 38, 38, 0.12)' : 'rgba(124, 58, 237, 0.12)';
        ctx.fillRect(x0, u.bbox.top, Math.max(x1 - x0, px), u.bbox.height);
        ctx.strokeStyle = 'rgba(124, 58, 237, 0.8)';
        ctx.lineWidth = px;
        ctx.beginPath(); ctx.moveTo(x0, u.bbox.top); ctx.lineTo(x0, u.bbox.top + u.bbox.height); ctx.stroke();
        ctx.fillStyle = 'rgba(91, 33, 182, 0.95)';
        ctx.fillText(e.name, x0 + 3 * px, u.bbox.top + (4 + 12 * (i % 3)) * px);
      });
      ctx.restore();
    }] } };
  }

  var secondsAxis = { label: 'seconds since load start', labelSize: 22, values: function (u, vals) { return vals.map(function (v) { return v + 's'; }); } };
  function yAxis(label, fmt) {
    return { label: label, labelSize: 22, size: 56, values: function (u, vals) { return vals.map(fmt || axisNum); } };
  }
  var fromZero = { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } };
  function timeSeriesOpts(yLabel, series, fmt) {
    return {
      scales: { x: { time: false }, y: fromZero },
      axes: [secondsAxis, yAxis(yLabel, fmt)],
      series: [{ label: 'time', value: function (u, v) { return v == null ? '—' : v.toFixed(0) + 's'; } }].concat(series),
      plugins: [warmupPlugin(r.measuredWindow.startMs / 1000), eventsPlugin(r.events)]
    };
  }
  function line(label, color, extra) {
    var s = { label: label, stroke: color, width: 1.6, points: { show: false }, spanGaps: false,
      value: function (u, v) { return v == null ? '—' : fmtNum(v); } };
    for (var k in extra) s[k] = extra[k];
    return s;
  }

  var intervals = r.intervals || [];
  var xs = intervals.map(function (p) { return p.startMs / 1000; });

  // Percentile spectrum, one series per operation, x = 1/(1-p) on a log axis.
  (function () {
    var el = document.getElementById('chart-spectrum');
    var sp = data.spectrum;
    if (!el) return;
    if (!sp || sp.x.length < 2 || sp.series.length === 0) return noData(el, 'no data — no operation recorded latencies');
    var maxX = sp.x[sp.x.length - 1];
    mount(el, {
      height: 320,
      scales: { x: { time: false, distr: 3, log: 10, range: function () { return [1, maxX]; } }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } } },
      axes: [
        { label: 'percentile', labelSize: 22,
          splits: function () { var s = []; for (var v = 1; v <= maxX * 1.0001; v *= 10) s.push(v); return s; },
          values: function (u, vals) { return vals.map(pctLabel); } },
        yAxis('latency (ms)', axisNum)
      ],
      series: [{ label: 'percentile', value: function (u, v) { return pctLabel(v); } }].concat(sp.series.map(function (s, i) {
        return line(s.key, PALETTE[i % PALETTE.length], { value: function (u, v) { return v == null ? '—' : fmtMs(v) + ' ms'; } });
      }))
    }, [sp.x].concat(sp.series.map(function (s) { return s.values; })));
  })();

  // P50/P95/P99 over time, one small chart per operation.
  (function () {
    var box = document.getElementById('latency-over-time');
    if (!box) return;
    var keys = [];
    intervals.forEach(function (p) { Object.keys(p.operations || {}).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
    var order = (r.operations || []).map(function (o) { return o.key; });
    keys.sort(function (a, b) {
      var ia = order.indexOf(a), ib = order.indexOf(b);
      return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib) || (a < b ? -1 : a > b ? 1 : 0);
    });
    if (keys.length === 0) {
      var empty = document.createElement('div');
      empty.className = 'chart';
      empty.id = 'chart-latency-empty';
      box.appendChild(empty);
      return noData(empty, 'no data — no intervals recorded');
    }
    // Lay out every cell first: a chart measured before its siblings exist would take the whole row.
    var cells = keys.map(function (key, i) {
      var cell = document.createElement('div');
      var title = document.createElement('div');
      title.className = 'title';
      title.textContent = key;
      var el = document.createElement('div');
      el.className = 'chart';
      el.id = 'chart-latency-' + i;
      cell.appendChild(title);
      cell.appendChild(el);
      box.appendChild(cell);
      return { key: key, el: el };
    });
    cells.forEach(function (c) {
      function pick(f) { return intervals.map(function (p) { var o = p.operations && p.operations[c.key]; return o ? o[f] : null; }); }
      var d = [xs, pick('p50Ms'), pick('p95Ms'), pick('p99Ms')];
      if (!hasValue(d[1])) return noData(c.el, 'no data');
      var opts = timeSeriesOpts('ms', [line('P50', '#16a34a'), line('P95', '#d97706'), line('P99', '#dc2626')], axisNum);
      var frame = latencyFrame(c.key, d);
      opts.scales.y = { range: frame.range };
      opts.plugins.push(frame.plugin);
      opts.height = 190;
      opts.legend = { show: false };
      opts.axes[0] = { values: secondsAxis.values };
      mount(c.el, opts, d);
    });
  })();

  // Achieved vs target throughput.
  (function () {
    var el = document.getElementById('chart-throughput');
    if (!el) return;
    if (xs.length === 0) return noData(el, 'no data — no intervals recorded');
    var target = intervals.map(function (p) { return p.targetRate == null ? null : p.targetRate; });
    var dropped = intervals.map(function (p) { return p.dropped; });
    var series = [line('achieved /s', '#2563eb', { fill: 'rgba(37, 99, 235, 0.08)', width: 1.8 })];
    var d = [xs, intervals.map(function (p) { return p.achievedRate; })];
    if (hasValue(target)) { series.push(line('target /s', '#111827', { dash: [6, 4], width: 1.4 })); d.push(target); }
    if (dropped.some(function (v) { return v > 0; })) { series.push(line('dropped', '#dc2626', {})); d.push(dropped); }
    mount(el, timeSeriesOpts('iterations / s', series), d);
  })();

  // Errors per interval by kind, summed over operations (phases excluded: they repeat their operation's errors).
  (function () {
    var el = document.getElementById('chart-errors');
    if (!el) return;
    if (xs.length === 0) return noData(el, 'no data — no intervals recorded');
    var byKind = {};
    intervals.forEach(function (p, i) {
      Object.keys(p.operations || {}).forEach(function (key) {
        if (key.indexOf('/') >= 0) return;
        var errs = p.operations[key].errors || {};
        Object.keys(errs).forEach(function (kind) {
          if (!errs[kind]) return;
          if (!byKind[kind]) byKind[kind] = intervals.map(function () { return 0; });
          byKind[kind][i] += errs[kind];
        });
      });
    });
    var kinds = ERROR_KINDS.filter(function (k) { return byKind[k]; })
      .concat(Object.keys(byKind).filter(function (k) { return ERROR_KINDS.indexOf(k) < 0; }));
    if (kinds.length === 0) return noData(el, 'no errors in any interval');
    mount(el, timeSeriesOpts('errors / interval', kinds.map(function (k, i) {
      return line(k, ERROR_COLORS[k] || PALETTE[i % PALETTE.length], { paths: uPlot.paths.stepped({ align: 1 }) });
    })), [xs].concat(kinds.map(function (k) { return byKind[k]; })));
  })();

  // Server-side connection samples, with the generator's in-flight count for comparison.
  (function () {
    var el = document.getElementById('chart-connections');
    if (!el) return;
    if (xs.length === 0) return noData(el, 'no data — no intervals recorded');
    var total = intervals.map(function (p) { return p.serverConnections == null ? null : p.serverConnections; });
    var active = intervals.map(function (p) { return p.serverActiveConnections == null ? null : p.serverActiveConnections; });
    var inflight = intervals.map(function (p) { return p.inFlight; });
    var pooled = intervals.map(function (p) { return p.poolerClients == null ? null : p.poolerClients; });
    var series = [], d = [xs];
    if (hasValue(pooled)) { series.push(line('clients at pooler', '#9333ea', {})); d.push(pooled); }
    if (hasValue(total)) { series.push(line('server connections', '#2563eb', {})); d.push(total); }
    if (hasValue(active)) { series.push(line('server active', '#16a34a', {})); d.push(active); }
    series.push(line('client in flight', '#9ca3af', { dash: [4, 3] })); d.push(inflight);
    if (!hasValue(total) && !hasValue(active) && !inflight.some(function (v) { return v > 0; })) return noData(el, 'no data — connections were not sampled');
    mount(el, timeSeriesOpts('connections', series), d);
  })();
${REPORT_SERIES_JS}
})();
`;
