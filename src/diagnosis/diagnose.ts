// Names the resource that limited a run, from the per-interval series (series/types.ts) and the latency intervals:
// the generator, the machine's CPU, the database (by its dominant wait class), the disk, or the connection pool.
// Pure: results in, a Diagnosis out; the thresholds for each call are written beside the rule that uses them.
import type { GeneratorHealth, IntervalPoint, RunResults } from '../results/types.js';
import type { SeriesPoint } from '../series/types.js';
import type { Diagnosis, LimitingResource } from './types.js';

export type DiagnosisInput = Pick<RunResults, 'verdict' | 'status' | 'intervals' | 'generator' | 'measuredWindow' | 'thresholds'> & {
  readonly load: Pick<RunResults['load'], 'model' | 'connections' | 'workers'>;
  readonly environment: Pick<RunResults['environment'], 'cpus'>;
  readonly series?: RunResults['series'];
};

/** A thread that was on a CPU or waiting for one this share of the time had no time left to give. */
export const THREAD_SATURATED = 0.9;
/** The machine's CPUs count as used up below this idle share. */
export const HOST_IDLE_MIN = 0.1;
/** Every connection counted busy when the client had at least this share of them in flight. */
const POOL_FULL = 0.95;

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
const cores = (x: number): string => x.toFixed(2);
const msText = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);

/** The wait class of a `type:event` key: `Lock:transactionid` → `Lock`; `CPU` stays `CPU`. */
export function waitClassOf(event: string): string {
  const colon = event.indexOf(':');
  return colon < 0 ? event : event.slice(0, colon);
}

const isWal = (event: string): boolean => /^IO:WAL|^LWLock:WAL/.test(event);

/** Average backends per wait event over the given points, weighted by each point's samples. */
export function averageWaits(points: readonly SeriesPoint[]): { byEvent: Map<string, number>; samples: number; skipped: number } {
  const sums = new Map<string, number>();
  let samples = 0;
  let skipped = 0;
  for (const p of points) {
    skipped += p.waits?.skipped ?? 0;
    if (!p.waits || p.waits.samples === 0) continue;
    samples += p.waits.samples;
    for (const [event, n] of Object.entries(p.waits.byEvent)) sums.set(event, (sums.get(event) ?? 0) + n * p.waits.samples);
  }
  const byEvent = new Map<string, number>();
  if (samples > 0) for (const [event, sum] of [...sums].sort((a, b) => b[1] - a[1])) byEvent.set(event, sum / samples);
  return { byEvent, samples, skipped };
}

/** The worst top-level operation's P95 of an interval (phases repeat their operation's time). */
function intervalP95(p: IntervalPoint): number | null {
  let worst: number | null = null;
  for (const [key, op] of Object.entries(p.operations)) {
    if (key.includes('/') || op.count === 0) continue;
    worst = worst === null ? op.p95Ms : Math.max(worst, op.p95Ms);
  }
  return worst;
}

interface Figures {
  readonly seconds: number;
  readonly slow: readonly SeriesPoint[];
  /** Which seconds `slow` are, in words. */
  readonly focusLabel: string;
  readonly measured: readonly SeriesPoint[];
  readonly busiestWorker: { name: string; cpu: number; waiting: number } | null;
  readonly mainThread: { cpu: number; waiting: number } | null;
  readonly generatorCpu: number | null;
  readonly postgresCpu: number | null;
  readonly redisCpu: number | null;
  readonly hostIdle: number | null;
  readonly hostIowait: number | null;
  readonly inFlight: number;
  readonly poolFullShare: number;
  /** Share of those seconds in which arrivals found every connection busy and waited for one. */
  readonly queuedShare: number;
  readonly queued: number;
  /** Backends working for the load (every wait but the client's), from the wait samples; null: not sampled. */
  readonly dbActive: number | null;
  readonly waits: Map<string, number>;
  readonly waitSamples: number;
  /** Wait-sample ticks skipped because the server had not answered the previous one. */
  readonly waitSkipped: number;
  readonly walSyncMsSlow: number | null;
  readonly walSyncMsOther: number | null;
}

function threadFigures(points: readonly SeriesPoint[]): Pick<Figures, 'busiestWorker' | 'mainThread' | 'generatorCpu'> {
  const perThread = new Map<string, { cpu: number[]; waiting: number[] }>();
  const totals: number[] = [];
  for (const p of points) {
    if (!p.threads) continue;
    let total = 0;
    for (const [name, t] of Object.entries(p.threads)) {
      const slot = perThread.get(name) ?? { cpu: [], waiting: [] };
      slot.cpu.push(t.cpu);
      slot.waiting.push(t.waitingForCpu);
      perThread.set(name, slot);
      total += t.cpu;
    }
    totals.push(total);
  }
  let busiestWorker: Figures['busiestWorker'] = null;
  for (const [name, s] of perThread) {
    if (!/^authbench-w\d+$/.test(name)) continue;
    const cpu = mean(s.cpu);
    const waiting = mean(s.waiting);
    if (!busiestWorker || cpu + waiting > busiestWorker.cpu + busiestWorker.waiting) busiestWorker = { name, cpu, waiting };
  }
  const main = perThread.get('main');
  return {
    busiestWorker,
    mainThread: main ? { cpu: mean(main.cpu), waiting: mean(main.waiting) } : null,
    generatorCpu: totals.length > 0 ? mean(totals) : null,
  };
}

/** An interval's figure for a latency metric of one operation key (p50/p95/p99 kept per interval; others read as p99). */
function intervalLatency(p: IntervalPoint, key: string, metric: string): number | null {
  const op = p.operations[key];
  if (!op || op.count === 0) return null;
  return metric === 'p50' ? op.p50Ms : metric === 'p90' || metric === 'p95' || metric === 'mean' ? op.p95Ms : op.p99Ms;
}

const LATENCY = new Set(['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean']);

/**
 * The seconds that went wrong, where the evidence is read: above a failed latency threshold; else (INVALID) those with
 * dropped arrivals or an event loop later than the bound; else those slower than the median second; else all.
 */
function focusOf(input: DiagnosisInput, measured: readonly SeriesPoint[]): { points: SeriesPoint[]; label: string } {
  const byStart = new Map(input.intervals.map((p) => [p.startMs, p] as const));
  const pick = (test: (p: IntervalPoint) => boolean): SeriesPoint[] => measured.filter((s) => {
    const p = byStart.get(s.startMs);
    return p !== undefined && test(p);
  });
  const failed = input.thresholds.filter((t) => t.status === 'FAIL' && LATENCY.has(t.metric) && t.scopeKey !== 'run');
  if (failed.length > 0) {
    const above = pick((p) => failed.some((t) => (intervalLatency(p, t.scopeKey, t.metric) ?? 0) > t.target));
    if (above.length > 0) return { points: above, label: `${above.length} seconds above ${failed[0]?.scopeKey} ${failed[0]?.source}` };
  }
  if (!input.generator.valid) {
    const bound = input.generator.latenessBoundMs;
    const bad = pick((p) => p.dropped > 0 || p.eventLoopLagMaxMs > bound);
    if (bad.length > 0 && bad.length < measured.length) return { points: bad, label: `${bad.length} seconds with dropped arrivals or event-loop lag over ${bound} ms` };
  }
  const p95 = (s: SeriesPoint): number => {
    const p = byStart.get(s.startMs);
    return p ? (intervalP95(p) ?? 0) : 0;
  };
  const ranked = [...measured].sort((a, b) => p95(b) - p95(a));
  const median = ranked.length > 0 ? p95(ranked[Math.floor(ranked.length / 2)] as SeriesPoint) : 0;
  const slower = ranked.filter((s) => p95(s) > median);
  if (slower.length > 0) return { points: slower, label: `${slower.length} slowest seconds` };
  return { points: [...measured], label: `${measured.length} measured seconds` };
}

function figuresOf(input: DiagnosisInput): Figures {
  const { startMs, endMs } = input.measuredWindow;
  const measured = (input.series?.points ?? []).filter((p) => p.startMs >= startMs && p.startMs < endMs);
  const focus = focusOf(input, measured);
  const slow = focus.points;
  const slowSet = new Set(slow);
  const starts = new Set(slow.map((p) => p.startMs));
  const intervals = input.intervals.filter((p) => !p.warmup && (starts.size === 0 || starts.has(p.startMs)));
  const waits = averageWaits(slow);
  let dbActive: number | null = null;
  if (waits.samples > 0) {
    dbActive = 0;
    for (const [event, n] of waits.byEvent) if (waitClassOf(event) !== 'Client') dbActive += n;
  }
  const hostPoints = slow.flatMap((p) => (p.host ? [p.host] : []));
  const walMs = (ps: readonly SeriesPoint[]): number | null => {
    const syncs = ps.reduce((s, p) => s + (p.postgres?.walSyncs ?? 0), 0);
    const time = ps.reduce((s, p) => s + (p.postgres?.walSyncTimeMs ?? 0), 0);
    return syncs > 0 && ps.some((p) => p.postgres?.walSyncTimeMs !== undefined) ? time / syncs : null;
  };
  const values = (pick: (p: SeriesPoint) => number | undefined): number | null => {
    const xs = slow.flatMap((p) => {
      const v = pick(p);
      return v === undefined ? [] : [v];
    });
    return xs.length > 0 ? mean(xs) : null;
  };
  return {
    seconds: measured.length,
    slow,
    focusLabel: focus.label,
    measured,
    ...threadFigures(slow),
    postgresCpu: values((p) => p.postgresCpu),
    redisCpu: values((p) => p.redis?.cpu),
    hostIdle: hostPoints.length > 0 ? mean(hostPoints.map((h) => h.idle)) : null,
    hostIowait: hostPoints.length > 0 ? mean(hostPoints.map((h) => h.iowait)) : null,
    inFlight: mean(intervals.map((p) => p.inFlight)),
    poolFullShare: intervals.length > 0 ? intervals.filter((p) => p.inFlight >= POOL_FULL * input.load.connections).length / intervals.length : 0,
    queuedShare: intervals.length > 0 ? intervals.filter((p) => (p.queued ?? 0) > 0).length / intervals.length : 0,
    queued: intervals.reduce((n, p) => n + (p.queued ?? 0), 0),
    dbActive,
    waits: waits.byEvent,
    waitSamples: waits.samples,
    waitSkipped: waits.skipped,
    walSyncMsSlow: walMs(slow),
    walSyncMsOther: walMs(measured.filter((p) => !slowSet.has(p))),
  };
}

function waitShares(f: Figures): string {
  const total = [...f.waits.values()].reduce((s, n) => s + n, 0);
  if (total <= 0) return 'no backend of the load was seen working';
  return [...f.waits].slice(0, 4).map(([event, n]) => `${event} ${pct(n / total)} (${n.toFixed(1)} backends)`).join(', ');
}

function cpuLine(f: Figures, cpus: number): string | null {
  const parts: string[] = [];
  if (f.generatorCpu !== null) parts.push(`generator ${cores(f.generatorCpu)}`);
  if (f.postgresCpu !== null) parts.push(`PostgreSQL ${cores(f.postgresCpu)}`);
  if (f.redisCpu !== null) parts.push(`Redis ${cores(f.redisCpu)}`);
  if (parts.length === 0 && f.hostIdle === null) return null;
  if (f.hostIdle !== null && f.generatorCpu !== null) {
    // What the machine spent beyond the processes measured: other work sharing the CPUs.
    const others = (1 - f.hostIdle - (f.hostIowait ?? 0)) * cpus - f.generatorCpu - (f.postgresCpu ?? 0) - (f.redisCpu ?? 0);
    if (others > 0.05) parts.push(`other processes ${cores(others)}`);
  }
  const idle = f.hostIdle === null ? '' : `; machine idle ${pct(f.hostIdle)}${f.hostIowait ? `, iowait ${pct(f.hostIowait)}` : ''}`;
  return `CPU in cores of ${cpus}: ${parts.join(', ') || 'per process not recorded'}${idle}`;
}

function generatorLine(g: GeneratorHealth): string {
  return `generator: ${g.late} of ${g.scheduled} arrivals late, ${g.dropped} dropped; schedule lag p99 ${msText(g.scheduleLagP99Ms)} ms, event-loop lag p99 ${msText(g.eventLoopLagP99Ms)} ms`;
}

/** Advice for a database bound by `wait` (a `type:event` key or `CPU`). */
function databaseAdvice(wait: string): string[] {
  const cls = waitClassOf(wait);
  if (wait === 'CPU') return ['PostgreSQL is busy on CPU: make the top statements (pg_stat_statements, by total time) cheaper, or give the database more cores.'];
  if (cls === 'Lock') return ['Transactions wait for each other\'s locks (a hot row or table): spread the writes over more rows, keep the transactions that hold the locks short, or stop updating the same row on every request.'];
  if (isWal(wait)) return ['Commits wait for the WAL to reach the disk: a faster WAL device (NVMe with power-loss protection), commit_delay/commit_siblings to group commits, or synchronous_commit off only for data that may be lost in a crash.'];
  if (cls === 'LWLock') return [`Backends contend for an internal lock (${wait}): fewer connections doing the same work often help; see the PostgreSQL documentation of this wait event.`];
  if (cls === 'Timeout') return [`The statements themselves wait (${wait}): the time is spent in the SQL, not in a resource the database ran out of.`];
  if (cls === 'IO') return ['Backends wait for data reads or writes: a larger shared_buffers (or more memory for the page cache), or a faster disk.'];
  return [`Backends wait on ${wait}: see the PostgreSQL documentation of this wait event.`];
}

function result(resource: LimitingResource, summary: string, evidence: (string | null)[], advice: string[], f: Figures, wait?: string): Diagnosis {
  return {
    resource,
    ...(wait !== undefined ? { wait } : {}),
    summary,
    evidence: evidence.filter((e): e is string => e !== null),
    advice,
    seconds: f.seconds,
    slowSeconds: f.slow.length,
  };
}

/** The diagnosis of one run. */
export function diagnose(input: DiagnosisInput): Diagnosis {
  const f = figuresOf(input);
  const g = input.generator;
  const cpus = input.environment.cpus;
  const connections = input.load.connections;
  const cpu = cpuLine(f, cpus);
  const top = [...f.waits][0];
  const dbTop = [...f.waits].find(([event]) => waitClassOf(event) !== 'Client');
  // Skipped ticks are a server too slow to answer its monitor: the shares rest on fewer samples than the rate promises.
  const skippedText = f.waitSkipped > 0 ? `, ${f.waitSkipped} skipped while the server had not answered the previous one` : '';
  const waitsLine = f.waitSamples > 0 ? `backends of the load in the ${f.focusLabel} (${f.waitSamples} samples${skippedText}): ${waitShares(f)}` : null;
  const flightLine = `client in flight ${f.inFlight.toFixed(1)} of ${connections} connections on average` + (f.dbActive !== null ? `, server backends working ${f.dbActive.toFixed(1)}` : '') +
    (f.queued > 0 ? `; ${f.queued} arrivals waited for a free connection` : '');

  if (input.series === undefined) {
    return result('unknown', 'No server series was recorded (a run with --no-server-series, or one stopped before the load started), so the limiting resource cannot be named.', [generatorLine(g)], ['Run again without --no-server-series to have the verdict diagnosed.'], f);
  }

  // 1. The generator: a worker thread with no time to spare, or answers waiting for it while the server idles.
  const w = f.busiestWorker;
  const workerDemand = w ? w.cpu + w.waiting : 0;
  const serverIdleWhileClientBusy = f.dbActive !== null && f.inFlight >= 2 && f.dbActive < 0.5 * f.inFlight;
  const generatorLate = !g.valid && g.late > 0;
  const hostBusy = f.hostIdle !== null && f.hostIdle < HOST_IDLE_MIN;
  const threadLine = w ? `busiest load worker ${w.name}: on a CPU ${pct(w.cpu)} of the time, waiting for one ${pct(w.waiting)}` : null;
  // A failing run's latency is the generator's only when its lateness or the idle server says so: on a crowded machine
  // every thread waits for a CPU, while the time may still be spent on the server.
  if (w && workerDemand >= THREAD_SATURATED && (generatorLate || serverIdleWhileClientBusy || input.verdict === 'INVALID')) {
    return result(
      'generator',
      `The load generator: ${w.name} was busy ${pct(workerDemand)} of the time (on a CPU ${pct(w.cpu)}, waiting for one ${pct(w.waiting)}), so arrivals could not start on time` +
        (f.dbActive !== null ? ` while the server had ${f.dbActive.toFixed(1)} backends working.` : '.'),
      [threadLine, generatorLine(g), flightLine, cpu],
      // A thread that mostly waited for a CPU was starved by the machine it shares, not slowed by its own work.
      hostBusy && w.waiting > w.cpu
        ? [`${w.name} spent more time waiting for a CPU than on one: the machine's ${cpus} CPUs are shared by the generator, the servers and other processes. Run the generator on a machine of its own (or stop the other work); more workers or connections will not help on a full machine.`]
        : [`Give the generator more threads (load.workers, now ${input.load.workers}) if the machine has idle CPU, or run it on another machine; more connections will not help.`],
      f,
    );
  }
  if (serverIdleWhileClientBusy && (generatorLate || g.eventLoopLagP99Ms >= g.latenessBoundMs) && input.verdict !== 'PASS') {
    return result(
      'generator',
      `The load generator: answers waited for its threads while the server was idle (${f.inFlight.toFixed(1)} in flight on the client, ${(f.dbActive ?? 0).toFixed(1)} backends working).`,
      [flightLine, generatorLine(g), threadLine, cpu],
      [`The generator's event loop is late (p99 ${msText(g.eventLoopLagP99Ms)} ms): fewer connections per worker or more workers (load.workers, now ${input.load.workers}), or a generator machine of its own; more connections make it worse.`],
      f,
    );
  }

  if (input.verdict === 'PASS') {
    const busiest = w ? `; busiest load worker ${w.name} at ${pct(workerDemand)}` : '';
    return result('none', `Nothing ran out${f.hostIdle !== null ? `: the machine was ${pct(f.hostIdle)} idle` : ''}${busiest}.`, [cpu, waitsLine, flightLine], [], f);
  }
  const walLine = f.walSyncMsSlow !== null ? `WAL fsync ${msText(f.walSyncMsSlow)} ms per sync in those seconds` + (f.walSyncMsOther !== null ? `, ${msText(f.walSyncMsOther)} ms in the others` : '') : null;
  const total = [...f.waits.values()].reduce((s, n) => s + n, 0);
  const share = dbTop && total > 0 ? dbTop[1] / total : 0;
  const database = (wait: string): Diagnosis =>
    result(
      'database',
      `The database: its backends spent ${pct(share)} of their time ${wait === 'CPU' ? 'on CPU' : `in ${wait}`} in the seconds that went wrong${top && top[0] !== wait ? ` (most of the rest: ${top[0]})` : ''}.`,
      [waitsLine, walLine, cpu, flightLine],
      databaseAdvice(wait),
      f,
      wait,
    );
  // Arrivals waiting for a connection (or left waiting at the end) say every connection was busy.
  const openPoolFull = input.load.model === 'open' && (f.poolFullShare >= 0.5 || f.queuedShare >= 0.5 || (g.dropped > 0 && g.dropped >= g.late));
  const pool = (): Diagnosis =>
    result(
      'connection-pool',
      `The connection pool: ${f.queued > 0 ? `arrivals waited for one of the ${connections} connections in ${pct(f.queuedShare)}` : `all ${connections} connections were busy in ${pct(f.poolFullShare)}`} of the seconds that went wrong, while the machine was ${f.hostIdle === null ? 'not measured' : `${pct(f.hostIdle)} idle`}.`,
      [flightLine, waitsLine, cpu, generatorLine(g)],
      [`Raise load.connections (now ${connections}) or maxInFlight: the database had capacity left for more concurrent statements.`],
      f,
    );

  // 2. A wait other than CPU dominates the database's time: the CPU is not what the latency is made of, whatever its load.
  if (dbTop && dbTop[0] !== 'CPU') {
    const walStall = f.walSyncMsSlow !== null && f.walSyncMsSlow >= 5 && (f.walSyncMsOther === null || f.walSyncMsSlow >= 2 * f.walSyncMsOther);
    if (isWal(dbTop[0]) && (walStall || (f.hostIowait ?? 0) >= 0.1)) {
      return result(
        'disk',
        `The disk: commits waited for WAL fsync (${dbTop[0]}) in the seconds that went wrong${f.walSyncMsSlow !== null ? `, ${msText(f.walSyncMsSlow)} ms per sync` : ''}.`,
        [walLine, waitsLine, f.hostIowait !== null ? `iowait ${pct(f.hostIowait)}` : null, cpu],
        databaseAdvice(dbTop[0]),
        f,
        dbTop[0],
      );
    }
    // Sleeping statements occupy connections without using the server: a full pool of them is the pool's limit.
    if (waitClassOf(dbTop[0]) === 'Timeout' && openPoolFull) return pool();
    return database(dbTop[0]);
  }

  // 3. The backends are on CPU (or not seen): the machine's CPUs, the pool, or the database's CPU.
  if (hostBusy) {
    return result(
      'host-cpu',
      `The machine's CPU, shared by all: ${pct(1 - (f.hostIdle ?? 0))} busy over the measured window.`,
      [cpu, threadLine, waitsLine, generatorLine(g)],
      [`The generator, PostgreSQL and Redis share ${cpus} CPUs: run the generator on another machine, or use one with more cores; this result measures the machine, not the database.`],
      f,
    );
  }
  if (openPoolFull && (f.hostIdle === null || f.hostIdle >= 0.3)) return pool();
  if (dbTop) return database(dbTop[0]);

  return result(
    'unknown',
    'No resource stands out: the series show no saturated thread, CPU, wait or pool.',
    [cpu, waitsLine, flightLine, generatorLine(g)],
    ['Read the "where the time went" charts in report.html; a longer run gives the sampler more to go on.'],
    f,
  );
}
