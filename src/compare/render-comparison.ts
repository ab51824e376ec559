// The console form of a Comparison: a table (operation, metric, base, new, delta, noise band, status) and one verdict line.
// Shows the statuses compareRuns decided; decides nothing itself.
import Table from 'cli-table3';
import { formatCount, formatMs, formatRate, formatRatio } from '../report/format.js';
import type { CompareMetric, Comparison, ComparisonStatus, MetricComparison } from './types.js';

export interface RenderComparisonOptions {
  /** ANSI colors; decide at the edge with `shouldUseColor` from src/report. Default false. */
  readonly color?: boolean;
}

type Paint = (s: string) => string;
const sgr = (open: number, close: number): Paint => (s) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain: Paint = (s) => s;

/** A value in its metric's display unit: `31.2ms`, `402/s`, `0.12%`. */
export function formatCompareValue(metric: CompareMetric, value: number): string {
  if (metric === 'throughput') return formatRate(value);
  if (metric === 'errors') return formatRatio(value);
  return formatMs(value);
}

/** A signed percentage: `+30.4%`, `-2.10%`, `0%`. */
function formatSignedPercent(ratio: number): string {
  if (ratio === 0) return '0%';
  const text = formatRatio(Math.abs(ratio));
  return `${ratio > 0 ? '+' : '-'}${text}`;
}

export function formatDelta(row: Pick<MetricComparison, 'deltaRatio'>): string {
  return row.deltaRatio === null ? 'from 0' : formatSignedPercent(row.deltaRatio);
}

/** Relative to the base value when it is not 0, else in the metric's unit. */
export function formatNoiseBand(row: Pick<MetricComparison, 'noiseBand' | 'base' | 'metric'>): string {
  if (row.noiseBand === null) return '—';
  if (row.base === 0) return `±${formatCompareValue(row.metric, row.noiseBand)}`;
  return `±${formatRatio(row.noiseBand / Math.abs(row.base))}`;
}

/** `auth.login p95 +30.4% (noise ±5.20%)`. */
export function describeRow(row: MetricComparison): string {
  return `${row.key} ${row.metric} ${formatDelta(row)} (${formatCompareValue(row.metric, row.base)} → ${formatCompareValue(row.metric, row.next)}, noise ${formatNoiseBand(row)})`;
}

/** The last line: `REGRESSION — …` or `OK — …`. */
export function comparisonVerdictLine(c: Comparison): string {
  const limit = `${Number((c.maxRegression * 100).toPrecision(6))}%`;
  const regressions = c.rows.filter((r) => r.status === 'REGRESSION');
  if (regressions.length > 0) {
    const more = regressions.length > 1 ? ` (+${regressions.length - 1} more regression${regressions.length > 2 ? 's' : ''})` : '';
    return `REGRESSION — ${describeRow(regressions[0]!)} beyond ${limit}${more}`;
  }
  const noisy = c.rows.filter((r) => r.status === 'within noise').length;
  const improved = c.rows.filter((r) => r.status === 'improved').length;
  const thin = c.rows.filter((r) => r.status === 'INCONCLUSIVE').length;
  const notes = [noisy > 0 ? `${noisy} within noise` : '', improved > 0 ? `${improved} improved` : '', thin > 0 ? `${thin} inconclusive: too few samples` : ''].filter(Boolean);
  const judged = c.rows.length - thin;
  const compared = `${formatCount(judged)} comparison${judged === 1 ? '' : 's'}`;
  if (c.rows.length === 0) return 'INCONCLUSIVE — nothing to compare: the runs share no operation';
  if (c.inconclusive) return `INCONCLUSIVE — too few samples to judge any of the ${formatCount(c.rows.length)} comparisons (${c.rows[0]!.reason ?? ''})`;
  return `OK — no regression beyond ${limit} in ${compared}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

function paintStatus(status: ComparisonStatus, color: boolean): string {
  if (!color) return status;
  switch (status) {
    case 'REGRESSION':
      return sgr(1, 22)(sgr(31, 39)(status));
    case 'improved':
      return sgr(32, 39)(status);
    case 'within noise':
      return sgr(33, 39)(status);
    case 'ok':
      return sgr(2, 22)(status);
    case 'INCONCLUSIVE':
      return sgr(33, 39)(status);
  }
}

/** cli-table3 draws the same rule under the header as between rows; keep it only under the header (as console.ts). */
function withHeaderRule(t: Table.Table): string {
  const lines = t.toString().split('\n');
  const rule = (lines[0] ?? '').replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
  return [lines[0], lines[1], rule, ...lines.slice(2)].join('\n');
}

export function renderComparison(c: Comparison, options: RenderComparisonOptions = {}): string {
  const color = options.color === true;
  const bold = color ? sgr(1, 22) : plain;
  const dim = color ? sgr(2, 22) : plain;
  const runLine = (name: string, r: Comparison['base']): string =>
    `${name}: ${r.scenario}, started ${r.startedAt}, ${r.verdict}, ${formatCount(r.datasetUsers)} users, ${r.measuredIntervals} measured intervals`;
  const out = [bold('authbench compare'), dim(runLine('base', c.base)), dim(runLine('new ', c.next)), ''];
  if (c.rows.length > 0) {
    const t = new Table({
      head: ['operation', 'metric', 'base', 'new', 'delta', 'noise band', 'status'].map(bold),
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
    });
    let previousKey = '';
    for (const row of c.rows) {
      // The key once per operation: a block of metric rows reads as one unit.
      const label = row.key === previousKey ? '' : row.phase === undefined ? row.key : `  └ ${row.phase}`;
      previousKey = row.key;
      t.push([label, row.metric, formatCompareValue(row.metric, row.base), formatCompareValue(row.metric, row.next), formatDelta(row), formatNoiseBand(row), paintStatus(row.status, color)]);
    }
    out.push(withHeaderRule(t));
  }
  out.push(dim(`Noise band: ±${c.confidenceZ} standard errors of the difference, from each run's per-second spread (docs/reports.md).`));
  if (c.onlyInBase.length > 0) out.push(`Only in base (not compared): ${c.onlyInBase.join(', ')}`);
  if (c.onlyInNext.length > 0) out.push(`Only in new (not compared): ${c.onlyInNext.join(', ')}`);
  const thin = c.rows.filter((r) => r.status === 'INCONCLUSIVE');
  if (thin.length > 0) {
    out.push(`Inconclusive (too few samples to judge, not a regression): ${[...new Set(thin.map((r) => `${r.key} ${r.metric} (${r.reason ?? ''})`))].join(', ')}`);
  }
  for (const w of c.warnings) out.push(`${color ? sgr(33, 39)('warning') : 'warning'}: ${w}`);
  const line = comparisonVerdictLine(c);
  const dash = line.indexOf(' — ');
  const word = line.slice(0, dash);
  const wordColor = c.regressed ? sgr(31, 39) : c.inconclusive ? sgr(33, 39) : sgr(32, 39);
  out.push('', `${color ? sgr(1, 22)(wordColor(word)) : word}${line.slice(dash)}`);
  return `${out.join('\n')}\n`;
}
