// The merge of N shards' results into one run, pure: histograms added by value per operation, phase and interval
// (never percentiles averaged), counts summed, server-side evidence taken once, thresholds judged once on the sum.
import type { HlogEntry } from '../metrics/aggregator.js';
import { createHistogram, encode, maxUs, mergeEncodedInto, summarize } from '../metrics/histogram.js';
import { hlogTag } from '../metrics/hlog.js';
import {
  ERROR_KINDS,
  type ErrorKind,
  type GeneratorHealth,
  type IntervalOperation,
  type IntervalPoint,
  type MergedShard,
  type OperationResult,
  type PoolerEvidence,
  type RunResults,
  type RunStatus,
} from '../results/types.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { evaluateThresholds } from '../thresholds/index.js';
import { judgeGenerator, overallVerdict } from '../verdict/index.js';
import { splitOperationKey } from '../results/keys.js';

/** One shard's files as the merge read them; `results` absent when the directory had none (a killed shard). */
export interface ShardInput {
  readonly dir: string;
  readonly results?: RunResults;
  /** The shard's interval log entries (times relative to its load start); empty when it wrote none. */
  readonly hlog: readonly HlogEntry[];
}

export interface MergedRun {
  readonly results: RunResults;
  readonly hlog: HlogEntry[];
  /** The common start, epoch ms (the merged .hlog's BaseTime). */
  readonly startEpochMs: number;
}

type Counts = Partial<Record<ErrorKind, number>>;

function addErrors(into: Map<ErrorKind, number>, errors: Counts): void {
  for (const [kind, n] of Object.entries(errors) as [ErrorKind, number][]) into.set(kind, (into.get(kind) ?? 0) + n);
}

function sortedErrors(map: ReadonlyMap<ErrorKind, number>): Counts {
  const out: Counts = {};
  for (const kind of ERROR_KINDS) if (map.get(kind)) out[kind] = map.get(kind)!;
  return out;
}

/** Per-key totals over the measured window: every shard's histograms added into one. */
function mergeOperations(shards: readonly RunResults[], measuredMs: number): OperationResult[] {
  const keys = [...new Set(shards.flatMap((s) => s.operations.map((o) => o.key)))].sort();
  return keys.map((key) => {
    const latency = createHistogram(64);
    const service = createHistogram(64);
    const errors = new Map<ErrorKind, number>();
    const outcomes = new Map<string, number>();
    let count = 0;
    for (const s of shards) {
      const o = s.operations.find((x) => x.key === key);
      if (!o) continue;
      count += o.count;
      addErrors(errors, o.errors);
      for (const [name, n] of Object.entries(o.outcomes)) outcomes.set(name, (outcomes.get(name) ?? 0) + n);
      mergeEncodedInto(latency, o.latencyHistogram);
      mergeEncodedInto(service, o.serviceHistogram);
    }
    return {
      key,
      ...splitOperationKey(key),
      count,
      errors: sortedErrors(errors),
      outcomes: Object.fromEntries([...outcomes.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
      throughputPerSec: measuredMs > 0 ? count / (measuredMs / 1000) : 0,
      latency: summarize(latency),
      service: summarize(service),
      latencyHistogram: encode(latency),
      serviceHistogram: encode(service),
    };
  });
}

/** The interval log: each tag's histograms of one interval (the same start in every shard) added into one line. */
export function mergeHlog(logs: readonly (readonly HlogEntry[])[]): HlogEntry[] {
  const groups = new Map<string, HlogEntry[]>();
  for (const log of logs) {
    for (const e of log) {
      const id = `${e.startMs}\u0000${e.tag}`;
      const list = groups.get(id);
      if (list) list.push(e);
      else groups.set(id, [e]);
    }
  }
  const merged: HlogEntry[] = [];
  for (const list of groups.values()) {
    const h = createHistogram(64);
    for (const e of list) mergeEncodedInto(h, e.histogram);
    merged.push({ tag: list[0]!.tag, startMs: list[0]!.startMs, endMs: Math.max(...list.map((e) => e.endMs)), maxUs: maxUs(h), histogram: encode(h) });
  }
  return merged.sort((a, b) => a.startMs - b.startMs || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}

/** The time series: counts summed by interval, percentiles read from the merged interval histograms. */
function mergeIntervals(shards: readonly RunResults[], hlog: readonly HlogEntry[], evidence: RunResults | undefined): IntervalPoint[] {
  const byStart = new Map<number, IntervalPoint[]>();
  for (const s of shards) for (const p of s.intervals) byStart.set(p.startMs, [...(byStart.get(p.startMs) ?? []), p]);
  const histogramOf = new Map(hlog.map((e) => [`${e.startMs}\u0000${e.tag}`, e.histogram]));
  const serverOf = new Map((evidence?.intervals ?? []).map((p) => [p.startMs, p]));
  return [...byStart.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([startMs, points]) => {
      const keys = [...new Set(points.flatMap((p) => Object.keys(p.operations)))].sort();
      const operations: Record<string, IntervalOperation> = {};
      for (const key of keys) {
        const errors = new Map<ErrorKind, number>();
        let count = 0;
        for (const p of points) {
          const o = p.operations[key];
          if (!o) continue;
          count += o.count;
          addErrors(errors, o.errors);
        }
        const h = createHistogram(64);
        const encoded = histogramOf.get(`${startMs}\u0000${hlogTag(key)}`);
        if (encoded) mergeEncodedInto(h, encoded);
        const sum = summarize(h);
        operations[key] = { count, errors: sortedErrors(errors), p50Ms: sum.p50Ms, p95Ms: sum.p95Ms, p99Ms: sum.p99Ms, maxMs: sum.maxMs };
      }
      const sum = (f: (p: IntervalPoint) => number | undefined): number => points.reduce((a, p) => a + (f(p) ?? 0), 0);
      const server = serverOf.get(startMs);
      const hasTarget = points.some((p) => p.targetRate !== undefined);
      return {
        startMs,
        endMs: Math.max(...points.map((p) => p.endMs)),
        warmup: points.some((p) => p.warmup),
        ...(hasTarget ? { targetRate: sum((p) => p.targetRate) } : {}),
        achievedRate: sum((p) => p.achievedRate),
        dropped: sum((p) => p.dropped),
        // Optional: shards from before the pool wait lack them (absent then, as in their own files).
        ...(points.some((p) => p.queued !== undefined) ? { queued: sum((p) => p.queued) } : {}),
        ...(points.some((p) => p.poolTimeouts !== undefined) ? { poolTimeouts: sum((p) => p.poolTimeouts) } : {}),
        inFlight: sum((p) => p.inFlight),
        operations,
        // The server's own counts are global already (every shard's connections): taken from one shard, not summed.
        ...(server?.serverConnections !== undefined ? { serverConnections: server.serverConnections } : {}),
        ...(server?.serverActiveConnections !== undefined ? { serverActiveConnections: server.serverActiveConnections } : {}),
        // Each shard counted only its own clients at the pooler: summed, as the shards' load.
        ...(points.some((p) => p.poolerClients !== undefined) ? { poolerClients: sum((p) => p.poolerClients) } : {}),
        eventLoopLagMaxMs: Math.max(...points.map((p) => p.eventLoopLagMaxMs)),
      };
    });
}

/**
 * The pooler's evidence of the merged run. Each shard started its own PgBouncer with its share of the pool and counted
 * only its own clients (pooler-sampler.ts), so the client peak is the highest per-interval sum over the measured
 * window; a shard that sampled nothing (or had no pooler) makes the count incomplete, so `clientSamples` is the fewest
 * any shard took (0: `connections(client)` INCONCLUSIVE). The pools add up; their own peaks (waiting clients, server
 * connections) are only kept per shard, so the merged ones are the sums of the shards' peaks: upper bounds.
 */
function mergePooler(shards: readonly RunResults[], intervals: readonly IntervalPoint[], evidence: RunResults | undefined): PoolerEvidence | undefined {
  const poolers = shards.map((s) => s.server?.pooler);
  const first = evidence?.server?.pooler ?? poolers.find((p) => p !== undefined);
  if (!first) return undefined;
  const errors = shards.flatMap((s, i) => {
    const p = poolers[i];
    if (!p) return [`shard ${s.shard!.index}: no pooler evidence`];
    return p.samplingError !== undefined ? [`shard ${s.shard!.index}: ${p.samplingError}`] : [];
  });
  const measured = intervals.filter((p) => !p.warmup && p.poolerClients !== undefined);
  const { samplingError: _one, ...kept } = first;
  return {
    ...kept,
    clientConnectionsPeak: Math.max(0, ...measured.map((p) => p.poolerClients!)),
    poolSize: poolers.reduce((a, p) => a + (p?.poolSize ?? 0), 0),
    clientsWaitingPeak: poolers.reduce((a, p) => a + (p?.clientsWaitingPeak ?? 0), 0),
    serverConnectionsPeak: poolers.reduce((a, p) => a + (p?.serverConnectionsPeak ?? 0), 0),
    clientSamples: Math.min(...poolers.map((p) => p?.clientSamples ?? 0)),
    ...(errors.length > 0 ? { samplingError: errors.join('; ') } : {}),
  };
}

/**
 * Generator health of the whole run: counts summed; lag percentiles are the worst shard's (an upper bound of the
 * merged percentile: if no shard has more than 1 % above x, neither has their union); every shard's reasons kept.
 */
function mergeGenerator(shards: readonly RunResults[], latenessBoundMs: number, model: 'open' | 'closed', extraReasons: readonly string[]): GeneratorHealth {
  const g = shards.map((s) => s.generator);
  const total = (f: (x: GeneratorHealth) => number): number => g.reduce((a, x) => a + f(x), 0);
  const worst = (f: (x: GeneratorHealth) => number): number => Math.max(0, ...g.map(f));
  const judged = judgeGenerator({
    health: {
      scheduled: total((x) => x.scheduled),
      started: total((x) => x.started),
      dropped: total((x) => x.dropped),
      ...(g.some((x) => x.queued !== undefined) ? { queued: total((x) => x.queued ?? 0) } : {}),
      ...(g.some((x) => x.poolTimeouts !== undefined) ? { poolTimeouts: total((x) => x.poolTimeouts ?? 0) } : {}),
      late: total((x) => x.late),
      scheduleLagP99Ms: worst((x) => x.scheduleLagP99Ms),
      scheduleLagMaxMs: worst((x) => x.scheduleLagMaxMs),
      eventLoopLagP99Ms: worst((x) => x.eventLoopLagP99Ms),
      eventLoopLagMaxMs: worst((x) => x.eventLoopLagMaxMs),
    },
    latenessBoundMs,
    incompleteIntervals: [],
    model,
  });
  const shardReasons = shards.flatMap((s) => s.generator.invalidReasons.map((r) => `shard ${s.shard!.index}: ${r}`));
  const reasons = [...extraReasons, ...shardReasons, ...judged.invalidReasons];
  return { ...judged, valid: reasons.length === 0, invalidReasons: reasons };
}

/**
 * Merges shards already checked to belong to one run (read-shards.ts). Missing, failed, aborted and invalid shards
 * and a clock spread above the lateness bound make the merged run INVALID, each named in `generator.invalidReasons`.
 */
export function mergeShards(inputs: readonly ShardInput[], count: number, endedAt: Date = new Date()): MergedRun {
  const present = inputs.filter((i): i is ShardInput & { results: RunResults } => i.results !== undefined).sort((a, b) => a.results.shard!.index - b.results.shard!.index);
  if (present.length === 0) throw new Error('mergeShards: no shard has results');
  const shards = present.map((p) => p.results);
  const first = shards[0]!;
  const record = first.shard!;
  const reasons: string[] = [];
  const indices = new Set(shards.map((s) => s.shard!.index));
  const missing = Array.from({ length: count }, (_, k) => k).filter((k) => !indices.has(k));
  const unread = inputs.filter((i) => i.results === undefined).map((i) => i.dir);
  if (missing.length > 0) {
    reasons.push(`shard ${missing.join(', ')} of ${count} missing${unread.length > 0 ? ` (no results.json in ${unread.join(', ')}: killed or still running?)` : ''}: the merged run lacks its share of the load`);
  }
  for (const s of shards) {
    if (s.status !== 'completed') reasons.push(`shard ${s.shard!.index} ${s.status === 'failed' ? 'failed' : 'was aborted'}${s.abortReason ? `: ${s.abortReason}` : ''}`);
  }
  const offsets = shards.map((s) => s.shard!.clock?.offsetMs);
  const known = offsets.filter((o): o is number => o !== undefined);
  const clockSpreadMs = known.length === offsets.length ? Math.max(...known) - Math.min(...known) : null;
  if (clockSpreadMs === null) {
    reasons.push(`shard ${shards.filter((s) => !s.shard!.clock).map((s) => s.shard!.index).join(', ')} could not read the database server's clock: the shards' intervals cannot be shown to line up`);
  } else if (clockSpreadMs > record.latenessBoundMs) {
    const list = shards.map((s) => `shard ${s.shard!.index} ${fmtOffset(s.shard!.clock!.offsetMs)}`).join(', ');
    reasons.push(`the shards' clocks differ by ${clockSpreadMs.toFixed(1)} ms against the database server (${list}), more than the lateness bound (${record.latenessBoundMs} ms): their common start and 1 s intervals do not line up; synchronise the machines' clocks (NTP)`);
  }

  const evidence = shards.find((s) => s.server !== null);
  const measuredMs = Math.min(...shards.map((s) => s.measuredWindow.endMs - s.measuredWindow.startMs));
  const hlog = mergeHlog(present.map((p) => p.hlog));
  const operations = mergeOperations(shards, measuredMs);
  const generator = mergeGenerator(shards, record.latenessBoundMs, first.load.model, reasons);
  const intervals = mergeIntervals(shards, hlog, evidence);
  const pooler = mergePooler(shards, intervals, evidence);
  const shardServer = evidence?.server ?? null;
  const server = shardServer && pooler ? { ...shardServer, pooler } : shardServer;
  const thresholds = evaluateThresholds(record.thresholds, { operations, server });
  // A missing, failed or aborted shard: the run did not deliver its load, so it is INVALID, never ABORTED or PASS.
  const status: RunStatus = missing.length > 0 || shards.some((s) => s.status !== 'completed') ? 'failed' : 'completed';
  const verdict = overallVerdict(status, generator, thresholds);
  const measuredWindow = { startMs: first.measuredWindow.startMs, endMs: first.measuredWindow.startMs + measuredMs };
  const load = {
    ...first.load,
    connections: shards.reduce((a, s) => a + s.load.connections, 0),
    workers: shards.reduce((a, s) => a + s.load.workers, 0),
    ...(first.load.vus !== undefined ? { vus: shards.reduce((a, s) => a + (s.load.vus ?? 0), 0) } : {}),
  };
  // A shard's own diagnosis explains a verdict without thresholds: diagnose the merged run, with the series (machine
  // and servers) of the shard whose server evidence is kept.
  const series = (evidence ?? first).series;
  const diagnosis = diagnose({
    verdict,
    status,
    intervals,
    generator,
    measuredWindow,
    thresholds,
    load: { model: load.model, connections: load.connections, workers: load.workers },
    environment: (evidence ?? first).environment,
    ...(series ? { series } : {}),
  });
  const faults = shards.flatMap((s) => s.recovery?.faults ?? []);
  const redisFaults = shards.flatMap((s) => s.recovery?.redisFaults ?? []);
  const mergedShards: MergedShard[] = Array.from({ length: count }, (_, k) => {
    const p = present.find((x) => x.results.shard!.index === k);
    if (!p) return { index: k, dir: unread[0] ?? '', status: 'missing', verdict: null, clockOffsetMs: null, scheduled: 0, connections: 0 };
    const s = p.results;
    return { index: k, dir: p.dir, status: s.status, verdict: s.verdict, clockOffsetMs: s.shard!.clock?.offsetMs ?? null, scheduled: s.generator.scheduled, connections: s.load.connections };
  });
  const { shard: _shard, series: _series, diagnosis: _diagnosis, ...base } = first;
  const results: RunResults = {
    ...base,
    ...(evidence ? { target: evidence.target } : {}),
    status,
    ...(status !== 'completed' ? { abortReason: reasons.join('; ') } : {}),
    startedAt: shards.map((s) => s.startedAt).sort()[0]!,
    endedAt: endedAt.toISOString(),
    measuredWindow,
    load,
    operations,
    intervals,
    generator,
    server,
    thresholds,
    verdict,
    ...(series ? { series } : {}),
    diagnosis,
    ...(faults.length > 0 || redisFaults.length > 0 ? { recovery: { faults, ...(redisFaults.length > 0 ? { redisFaults } : {}) } } : {}),
    merge: {
      count,
      shards: mergedShards,
      startAtMs: record.startAtMs,
      clockSpreadMs,
      serverEvidenceFrom: evidence?.shard?.index ?? null,
    },
    artifacts: {},
  };
  return { results, hlog, startEpochMs: record.startAtMs ?? record.loadStartMs };
}

const fmtOffset = (ms: number): string => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`;
