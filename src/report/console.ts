// The console report: per-operation latency table, every threshold with its status, generator health and one verdict line.
// Pure: results in, a string out; the caller decides whether colors are wanted (see `shouldUseColor`).
import { describeEvent } from '../events/describe.js';
import Table from 'cli-table3';
import type { ErrorKind, GeneratorHealth, RunResults, RunVerdict } from '../results/types.js';
import { ERROR_KINDS } from '../results/types.js';
import type { ThresholdStatus } from '../thresholds/types.js';
import {
  formatCount,
  formatDuration,
  formatMetricValue,
  formatMsValue,
  formatRateValue,
  orderOperations,
  thresholdLabel,
  thresholdTarget,
} from './format.js';
import { summarizeVerdict } from './verdict-line.js';
import { diagnosisLines } from '../diagnosis/render-text.js';

export interface ConsoleOptions {
  /** ANSI colors. Default false: decide with `shouldUseColor(process.stdout, process.env)` at the edge. */
  readonly color?: boolean;
}

/** Colors only for a terminal and never when NO_COLOR is set (https://no-color.org), unless FORCE_COLOR says otherwise. */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  // FORCE_COLOR (as Node and most CLIs read it): 0/false turns colour off, any other value turns it on, TTY or not
  // (CI log viewers render ANSI), and it wins over NO_COLOR as in Node.
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '') && env.TERM !== 'dumb';
}

type Paint = (s: string) => string;
interface Palette {
  readonly green: Paint;
  readonly red: Paint;
  readonly yellow: Paint;
  readonly magenta: Paint;
  readonly dim: Paint;
  readonly bold: Paint;
}

const sgr = (open: number, close: number): Paint => (s) => `\u001b[${open}m${s}\u001b[${close}m`;
const identity: Paint = (s) => s;
const COLORS: Palette = { green: sgr(32, 39), red: sgr(31, 39), yellow: sgr(33, 39), magenta: sgr(35, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
const PLAIN: Palette = { green: identity, red: identity, yellow: identity, magenta: identity, dim: identity, bold: identity };

function paintStatus(p: Palette, status: ThresholdStatus | RunVerdict): string {
  switch (status) {
    case 'PASS':
      return p.bold(p.green(status));
    case 'FAIL':
      return p.bold(p.red(status));
    case 'INCONCLUSIVE':
      return p.bold(p.yellow(status));
    case 'INVALID':
    case 'ABORTED':
      return p.bold(p.magenta(status));
  }
}

/** cli-table3 draws the same rule under the header as between rows; we want it only under the header. */
function render(t: Table.Table): string {
  const lines = t.toString().split('\n');
  const top = lines[0] ?? '';
  const rule = top.replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
  return [lines[0], lines[1], rule, ...lines.slice(2)].join('\n');
}

function newTable(head: string[], align: ('left' | 'right')[], p: Palette): Table.Table {
  return new Table({
    head: head.map((h) => p.bold(h)),
    colAligns: align,
    // No rule between body rows: a dozen operations stay readable in one screen.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    style: { head: [], border: [], 'padding-left': 1, 'padding-right': 1 },
  });
}

/** `timeout 3, server 1` in the fixed kind order, or `—`. */
export function formatErrorCounts(errors: Readonly<Partial<Record<ErrorKind, number>>>): string {
  const parts = ERROR_KINDS.filter((k) => (errors[k] ?? 0) > 0).map((k) => `${k} ${formatCount(errors[k] ?? 0)}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

export function formatOutcomes(outcomes: Readonly<Record<string, number>>): string {
  const parts = Object.entries(outcomes).map(([k, n]) => `${k} ${formatCount(n)}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function operationsTable(results: RunResults, p: Palette): string {
  if (results.operations.length === 0) return p.dim('No operations finished in the measured window.');
  const t = newTable(
    ['operation', 'count', 'rate/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'outcomes'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left'],
    p,
  );
  for (const o of orderOperations(results.operations)) {
    const errorText = formatErrorCounts(o.errors);
    t.push([
      o.phase === undefined ? o.key : `  └ ${o.phase}`,
      formatCount(o.count),
      formatRateValue(o.throughputPerSec),
      formatMsValue(o.latency.p50Ms),
      formatMsValue(o.latency.p95Ms),
      formatMsValue(o.latency.p99Ms),
      formatMsValue(o.latency.maxMs),
      errorText === '—' ? p.dim(errorText) : p.red(errorText),
      formatOutcomes(o.outcomes),
    ]);
  }
  return render(t);
}

function thresholdsTable(results: RunResults, p: Palette): string {
  if (results.thresholds.length === 0) return p.dim('No thresholds defined.');
  const t = newTable(['threshold', 'target', 'measured', 'samples', 'status', 'note'], ['left', 'right', 'right', 'right', 'left', 'left'], p);
  for (const v of results.thresholds) {
    t.push([
      thresholdLabel(v),
      thresholdTarget(v),
      formatMetricValue(v.metric, v.measured),
      formatCount(v.samples),
      paintStatus(p, v.status),
      // A threshold that held on an INVALID run measured the generator, not the database.
      results.verdict === 'INVALID' && v.status === 'PASS' ? p.dim(`not to be trusted: the run is INVALID${v.reason ? `; ${v.reason}` : ''}`) : (v.reason ?? ''),
    ]);
  }
  return render(t);
}

function generatorLines(g: GeneratorHealth, p: Palette): string {
  const lines = [
    `scheduled ${formatCount(g.scheduled)}, started ${formatCount(g.started)}, waited for a connection ${formatCount(g.queued ?? 0)}, ` +
      `pool timeouts ${formatCount(g.poolTimeouts ?? 0)}, dropped ${formatCount(g.dropped)}, late ${formatCount(g.late)} (> ${formatMsValue(g.latenessBoundMs)}ms)`,
    `schedule lag p99 ${formatMsValue(g.scheduleLagP99Ms)}ms, max ${formatMsValue(g.scheduleLagMaxMs)}ms; ` +
      `event-loop lag p99 ${formatMsValue(g.eventLoopLagP99Ms)}ms, max ${formatMsValue(g.eventLoopLagMaxMs)}ms`,
  ];
  const status = g.valid ? p.green('valid') : p.bold(p.red('INVALID'));
  const out = [`Generator health: ${status}`, ...lines.map((l) => `  ${l}`)];
  for (const reason of g.invalidReasons) out.push(`  ${p.red('✗')} ${reason}`);
  return out.join('\n');
}

function recoveryLines(faults: NonNullable<RunResults['recovery']>['faults'], p: Palette): string {
  const lines = faults.map((f) => {
    const at = `at ${formatMsValue(f.firstErrorMs / 1000)} s`;
    const back = f.downtimeMs === null ? p.red('not recovered before the end') : `recovered after ${formatMsValue(f.downtimeMs)}ms`;
    return `  ${at}: ${back}, ${formatCount(f.connectionErrors)} connection errors (${f.workers} worker${f.workers === 1 ? '' : 's'})`;
  });
  return [`Connection faults: ${faults.length}`, ...lines].join('\n');
}

function redisOutageLines(outages: NonNullable<NonNullable<RunResults['recovery']>['redisFaults']>, p: Palette): string {
  const lines = outages.map((o) => {
    const back = o.downtimeMs === null ? p.red('not recovered before the end') : `recovered after ${formatMsValue(o.downtimeMs)}ms`;
    return `  at ${formatMsValue(o.firstErrorMs / 1000)} s: ${back}, ${formatCount(o.unavailableChecks)} checks unavailable (${o.workers} worker${o.workers === 1 ? '' : 's'})`;
  });
  return [`Redis outages: ${outages.length}`, ...lines].join('\n');
}

/** Behind a pooler, connections are counted in two places: its clients and the server's backends. */
export function poolerLine(results: RunResults): string | undefined {
  const pooler = results.server?.pooler;
  if (!results.server || !pooler) return undefined;
  const clients = pooler.clientSamples > 0 ? `${formatCount(pooler.clientConnectionsPeak)} client connections at ${pooler.kind}` : `client connections at ${pooler.kind} not sampled${pooler.samplingError ? ` (${pooler.samplingError})` : ''}`;
  return (
    `Connections: ${clients} (peak; ${pooler.mode} pooling, pool ${formatCount(pooler.poolSize)}, at most ${formatCount(pooler.clientsWaitingPeak)} waiting), ` +
    `${formatCount(results.server.connectionsPeak)} server backends (peak; the pooler held ${formatCount(pooler.serverConnectionsPeak)}${pooler.serverTransport ? ` ${SERVER_TRANSPORT[pooler.serverTransport]}` : ''})`
  );
}

const SERVER_TRANSPORT = { 'unix-socket': "on PostgreSQL's Unix socket", 'tcp-tls': 'over TCP + TLS', tcp: 'over TCP' } as const;

/** The whole console report, ending with the verdict line. */
export function renderConsole(results: RunResults, options: ConsoleOptions = {}): string {
  const p = options.color ? COLORS : PLAIN;
  const summary = summarizeVerdict(results);
  const load =
    results.load.model === 'open'
      ? `open model, target ${formatRateValue(results.load.targetRate ?? 0)}/s`
      : `closed model, ${formatCount(results.load.vus ?? 0)} VUs`;
  const header =
    `${p.bold(`authbench ${results.authbench.version}`)} — ${results.scenario.name} ` +
    p.dim(`(${load}, ${formatDuration(results.load.durationMs)} measured after ${formatDuration(results.load.warmupMs)} warm-up, ` +
      `${results.target.kind} PostgreSQL ${results.target.serverVersion})`);
  const sections = [
    header,
    '',
    p.bold('Operations (measured window, latency from intended start)'),
    operationsTable(results, p),
    '',
    p.bold('Thresholds'),
    thresholdsTable(results, p),
    '',
    generatorLines(results.generator, p),
  ];
  const pooled = poolerLine(results);
  if (pooled) sections.push(pooled);
  if (results.recovery && results.recovery.faults.length > 0) sections.push('', recoveryLines(results.recovery.faults, p));
  if (results.recovery?.redisFaults?.length) sections.push('', redisOutageLines(results.recovery.redisFaults, p));
  if (results.events?.length) sections.push('', `Events: ${results.events.length}`, ...results.events.map((e) => `  ${describeEvent(e)}`));
  if (results.status === 'aborted' && results.abortReason) sections.push(`Aborted: ${results.abortReason}`);
  // A passing run has nothing to explain; every other verdict says what ran out.
  if (results.diagnosis && results.verdict !== 'PASS') sections.push('', p.bold('Diagnosis'), ...diagnosisLines(results.diagnosis));
  const dash = summary.line.indexOf(' — ');
  sections.push('', `${paintStatus(p, summary.verdict)}${summary.line.slice(dash)}`);
  return `${sections.join('\n')}\n`;
}
