// Browser code of the "where the time went" section and the latency charts' threshold lines, spliced into the report's
// client script (html-client.ts) so it shares its helpers (mount, line, timeSeriesOpts, xs, r). Plain ES5 in a string.

export const REPORT_SERIES_JS = String.raw`
  // Horizontal dashed lines at the thresholds of a chart's operation, labelled with their text.
  function thresholdPlugin(limits) {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      limits.forEach(function (t) {
        var y = u.valToPos(t.target, 'y', true);
        if (!(y >= u.bbox.top && y <= u.bbox.top + u.bbox.height)) return;
        ctx.save();
        ctx.strokeStyle = t.status === 'FAIL' ? '#dc2626' : '#111827';
        ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
        ctx.lineWidth = devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y);
        ctx.lineTo(u.bbox.left + u.bbox.width, y);
        ctx.stroke();
        ctx.fillStyle = ctx.strokeStyle;
        ctx.font = Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
        ctx.textBaseline = 'bottom';
        ctx.fillText(t.metric + ' ' + t.comparator + ' ' + fmtMs(t.target) + ' ms', u.bbox.left + 4 * devicePixelRatio, y - 2 * devicePixelRatio);
        ctx.restore();
      });
    }] } };
  }
  // Called by the latency charts (before this point in the script: function declarations are hoisted, vars are not):
  // thresholds on the key, and a y range from the measured window (not a warm-up spike).
  function latencyFrame(key, d) {
    var LATENCY_METRICS = { p50: 1, p90: 1, p95: 1, p99: 1, 'p99.9': 1, max: 1, mean: 1 };
    var limits = (r.thresholds || []).filter(function (t) { return t.scopeKey === key && LATENCY_METRICS[t.metric] && t.target != null; });
    var top = 0;
    intervals.forEach(function (p, i) {
      if (p.warmup) return;
      for (var s = 1; s < d.length; s++) { var v = d[s][i]; if (v != null && v > top) top = v; }
    });
    limits.forEach(function (t) { if (t.target > top) top = t.target; });
    return { limits: limits, plugin: thresholdPlugin(limits), range: function (u, min, max) { return [0, top > 0 ? top * 1.1 : (max > 0 ? max * 1.08 : 1)]; } };
  }

  var series = r.series;
  var xRange = xs.length > 1 ? [xs[0], intervals[intervals.length - 1].endMs / 1000] : null;
  function alignedOpts(yLabel, s, fmt) {
    var opts = timeSeriesOpts(yLabel, s, fmt);
    // The same x range as the latency charts, so a second lines up across every chart.
    if (xRange) opts.scales.x = { time: false, range: function () { return xRange; } };
    return opts;
  }
  // Series points by interval start, on the intervals' x values.
  function pickSeries(f) {
    var byStart = {};
    ((series && series.points) || []).forEach(function (p) { byStart[p.startMs] = p; });
    return intervals.map(function (p) { var s = byStart[p.startMs]; if (!s) return null; var v = f(s); return v == null ? null : v; });
  }
  var WAIT_COLORS = { CPU: '#16a34a', Lock: '#dc2626', LWLock: '#d97706', IO: '#2563eb', Client: '#9ca3af', Timeout: '#7c3aed', IPC: '#0891b2', Activity: '#65a30d', BufferPin: '#db2777', Extension: '#4b5563' };

  // Wait events stacked: each band is one type:event, its height the average backends in it.
  (function () {
    var el = document.getElementById('chart-waits');
    if (!el) return;
    if (!series || xs.length === 0) return noData(el, 'no data — the series was not recorded');
    var totals = {};
    series.points.forEach(function (p) { if (!p.waits) return; Object.keys(p.waits.byEvent).forEach(function (e) { totals[e] = (totals[e] || 0) + p.waits.byEvent[e]; }); });
    var events = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a]; });
    if (events.length > 8) events = events.slice(0, 7).concat(['other']);
    if (events.length === 0) return noData(el, 'no backend of the load was seen working');
    var raw = events.map(function (e) {
      return pickSeries(function (p) {
        // A second whose ticks were all skipped (the server did not answer) is a gap, not zero backends.
        if (!p.waits || p.waits.samples === 0) return null;
        if (e !== 'other') return p.waits.byEvent[e] || 0;
        var sum = 0; Object.keys(p.waits.byEvent).forEach(function (k) { if (events.indexOf(k) < 0) sum += p.waits.byEvent[k]; }); return sum;
      });
    });
    var stacked = [], acc = intervals.map(function () { return null; });
    raw.forEach(function (vals) {
      acc = acc.map(function (a, i) { return vals[i] == null ? a : (a || 0) + vals[i]; });
      stacked.push(acc.slice());
    });
    var order = events.map(function (e, i) { return i; }).reverse();
    var s = order.map(function (k, j) {
      var cls = events[k].split(':')[0];
      var color = WAIT_COLORS[cls] || PALETTE[k % PALETTE.length];
      return line(events[k], color, { fill: color, width: 1, value: function (u, v, si, idx) { var x = raw[k][idx]; return x == null ? '—' : x.toFixed(2); } });
    });
    mount(el, alignedOpts('backends', s, axisNum), [xs].concat(order.map(function (k) { return stacked[k]; })));
  })();

  // CPU by process: the generator's threads, PostgreSQL, Redis, and the whole machine.
  (function () {
    var el = document.getElementById('chart-cpu');
    if (!el) return;
    if (!series || xs.length === 0) return noData(el, 'no data — the series was not recorded');
    var names = [];
    series.points.forEach(function (p) { Object.keys(p.threads || {}).forEach(function (n) { if (names.indexOf(n) < 0) names.push(n); }); });
    names.sort(function (a, b) { var rank = function (n) { return n === 'main' ? 0 : n === 'other' ? 2 : 1; }; return rank(a) - rank(b) || (a < b ? -1 : 1); });
    var s = [], d = [xs];
    names.forEach(function (n, i) {
      s.push(line(n === 'main' ? 'generator main' : n === 'other' ? 'generator other threads' : n, PALETTE[(i + 4) % PALETTE.length], {}));
      d.push(pickSeries(function (p) { return p.threads && p.threads[n] ? p.threads[n].cpu : null; }));
    });
    var pgCpu = pickSeries(function (p) { return p.postgresCpu; });
    if (hasValue(pgCpu)) { s.push(line('PostgreSQL', '#2563eb', { width: 2 })); d.push(pgCpu); }
    var redisCpu = pickSeries(function (p) { return p.redis ? p.redis.cpu : null; });
    if (hasValue(redisCpu)) { s.push(line('redis-server', '#dc2626', { width: 2 })); d.push(redisCpu); }
    var cpus = (r.environment && r.environment.cpus) || 1;
    var host = pickSeries(function (p) { return p.host ? (1 - p.host.idle - p.host.iowait) * cpus : null; });
    if (hasValue(host)) { s.push(line('machine busy (all processes)', '#111827', { dash: [6, 4] })); d.push(host); }
    if (s.length === 0) return noData(el, 'no data — CPU was not recorded');
    mount(el, alignedOpts('cores', s, axisNum), d);
  })();

  // WAL fsync time per sync and the machine's iowait: disk stalls line up with latency spikes here.
  (function () {
    var el = document.getElementById('chart-disk');
    if (!el) return;
    if (!series || xs.length === 0) return noData(el, 'no data — the series was not recorded');
    var sync = pickSeries(function (p) { var g = p.postgres; return g && g.walSyncs > 0 && g.walSyncTimeMs != null ? g.walSyncTimeMs / g.walSyncs : null; });
    var iowait = pickSeries(function (p) { return p.host ? p.host.iowait * 100 : null; });
    var s = [], d = [xs];
    if (hasValue(sync)) { s.push(line('WAL fsync ms / sync', '#2563eb', {})); d.push(sync); }
    if (hasValue(iowait)) { s.push(line('iowait %', '#d97706', { dash: [4, 3] })); d.push(iowait); }
    if (s.length === 0) return noData(el, 'no data — neither WAL syncs nor iowait were recorded');
    mount(el, alignedOpts('ms · %', s, axisNum), d);
  })();
`;
