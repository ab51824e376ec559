// The stylesheet of the HTML report: system fonts, a responsive card grid, tabular numbers right-aligned.
// Kept apart from the page markup so the markup reads as structure.

export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --faint: #8c959f; --line: #d1d9e0; --soft: #f6f8fa; --bg: #f3f5f8; --card: #fff;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn: #9a6700; --warn-bg: #fff8c5;
  --invalid: #8250df; --invalid-bg: #fbefff; --aborted: #57606a; --aborted-bg: #eaeef2;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
.wrap { max-width: 1320px; margin: 0 auto; padding: 24px 24px 48px; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 4px 24px; margin-bottom: 16px; }
header.top h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: -0.01em; }
header.top h1 .brand { color: var(--faint); font-weight: 500; }
header.top .meta { color: var(--muted); font-size: 13px; }
.desc { margin: -8px 0 16px; color: var(--muted); }
.banner { display: flex; align-items: center; gap: 20px; padding: 18px 22px; border-radius: 10px; margin-bottom: 16px;
  border: 1px solid currentColor; }
.banner .word { font-size: 30px; font-weight: 750; letter-spacing: 0.02em; line-height: 1; }
.banner .detail { font-size: 16px; color: var(--fg); }
.banner .sub { color: var(--muted); font-size: 13px; margin-top: 2px; }
.banner .stopped { font-size: 14px; color: var(--fg); margin-top: 4px; font-weight: 600; }
.banner.PASS { color: var(--pass); background: var(--pass-bg); }
.banner.FAIL { color: var(--fail); background: var(--fail-bg); }
.banner.INCONCLUSIVE { color: var(--warn); background: var(--warn-bg); }
.banner.INVALID { color: var(--invalid); background: var(--invalid-bg); }
.banner.ABORTED { color: var(--aborted); background: var(--aborted-bg); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 16px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.kpi .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.kpi .value .u { font-size: 13px; }
.kpi .note { color: var(--faint); font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 16px; margin-bottom: 16px; }
.grid.three { grid-template-columns: repeat(auto-fit, minmax(min(100%, 360px), 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px 16px; min-width: 0; margin-bottom: 16px; }
.grid > .card { margin-bottom: 0; }
.card h2 { margin: 0 0 10px; font-size: 15px; font-weight: 650; }
ul.events { margin: 0; padding-left: 18px; font-size: 13px; line-height: 1.5; }
ul.events li.bad { color: #b91c1c; }
.card h2 .hint { font-weight: 400; color: var(--muted); font-size: 12px; margin-left: 6px; }
.card h3 { margin: 14px 0 6px; font-size: 13px; font-weight: 600; color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { text-align: left; font-size: 12px; font-weight: 600; color: var(--muted); white-space: nowrap; background: var(--soft); }
tbody tr:last-child td { border-bottom: none; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.key { font-family: var(--mono); font-size: 13px; white-space: nowrap; }
td.key.phase { padding-left: 26px; color: var(--muted); }
td.small, td .small { font-size: 12px; color: var(--muted); }
.u { color: var(--faint); margin-left: 1px; font-size: 12px; }
.muted { color: var(--faint); }
.err { color: var(--fail); }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 650; letter-spacing: 0.02em; }
.pill.PASS { color: var(--pass); background: var(--pass-bg); }
.pill.FAIL { color: var(--fail); background: var(--fail-bg); }
.pill.INCONCLUSIVE { color: var(--warn); background: var(--warn-bg); }
.chart { width: 100%; min-height: 200px; }
.chart.empty { display: flex; align-items: center; justify-content: center; min-height: 200px; color: var(--faint);
  background: var(--soft); border-radius: 6px; font-size: 13px; }
.small-multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 400px), 1fr)); gap: 12px 20px; }
.small-multiples .title { font-family: var(--mono); font-size: 12px; color: var(--muted); margin: 0 0 2px; }
.legend-note { color: var(--muted); font-size: 12px; margin: -4px 0 8px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
td code.sql { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; white-space: pre-wrap;
  word-break: break-word; max-width: 640px; }
ul.reasons { margin: 8px 0 0; padding-left: 20px; color: var(--fail); }
pre.scenario { margin: 0; padding: 12px 14px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  font: 12.5px/1.55 var(--mono); overflow: auto; max-height: 480px; white-space: pre; }
footer { color: var(--faint); font-size: 12px; margin-top: 24px; text-align: center; }
.uplot { font-family: inherit; width: 100%; }
.uplot .u-legend { font-size: 12px; }
.uplot .u-legend .u-series > * { padding: 2px 4px; }
@media (max-width: 640px) { .wrap { padding: 12px; } .banner { flex-direction: column; align-items: flex-start; gap: 8px; } }
@media print { body { background: #fff; } .card, .kpi { break-inside: avoid; } }
`;
