// Realistic RunResults for reporter tests: latencies drawn from a seeded PRNG and recorded into real HDR histograms,
// so every encoded histogram, summary and interval percentile is genuine. Four runs: PASS, FAIL, INVALID, ABORTED (empty).
import { createHistogram, encode, summarize, type Histogram } from '../../src/metrics/histogram.js';
import {
  RESULTS_SCHEMA_VERSION,
  type ErrorKind,
  type GeneratorHealth,
  type IntervalOperation,
  type IntervalPoint,
  type OperationResult,
  type RunResults,
  type RunVerdict,
  type ServerEvidence,
} from '../../src/results/types.js';
import type { ThresholdMetric, ThresholdStatus, ThresholdVerdict, Comparator } from '../../src/thresholds/types.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import type { RunSeries, SeriesPoint } from '../../src/series/types.js';

export type FixtureKind = 'pass' | 'fail' | 'invalid' | 'aborted';

/** mulberry32: tiny, seedable, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

interface OperationModel {
  readonly operation: string;
  readonly phase?: string;
  readonly share: number;
  /** Log-normal latency: median ms and spread. */
  readonly medianMs: number;
  readonly sigma: number;
  readonly errorRate: number;
  readonly outcomes: readonly (readonly [string, number])[];
}

const SCENARIO_TEXT = `# Login-heavy mix at 400 iterations/s.
# (the </script><script>alert(1)</script> below must stay text in the HTML report)
name: login-mix
description: Logins, session checks and permission checks against a warm cache
load:
  model: open
  rate: 400/s
  duration: 60s
  warmup: 10s
  connections: 32
mix:
  - { op: auth.login, weight: 20, params: { user: zipf(1.1) } }
  - { op: session.validate, weight: 50 }
  - { op: rbac.check_permission, weight: 25 }
  - { op: token.refresh, weight: 5 }
thresholds:
  auth.login/db: [p95 < 25ms]
  session.validate: [p99 < 10ms]
  run: [errors < 1%, throughput > 380/s]
`;

function models(kind: FixtureKind): OperationModel[] {
  const slowDb = kind === 'fail';
  return [
    { operation: 'auth.login', share: 0.2, medianMs: slowDb ? 16 : 9, sigma: 0.45, errorRate: slowDb ? 0.004 : 0.0008, outcomes: [['granted', 0.9], ['denied', 0.08], ['rate_limited', 0.02]] },
    { operation: 'auth.login', phase: 'db', share: 0.2, medianMs: slowDb ? 14 : 7.5, sigma: 0.45, errorRate: 0, outcomes: [] },
    { operation: 'auth.login', phase: 'cache', share: 0.2, medianMs: 0.35, sigma: 0.3, errorRate: 0, outcomes: [['hit', 0.85], ['miss', 0.15]] },
    { operation: 'session.validate', share: 0.5, medianMs: 1.4, sigma: 0.5, errorRate: 0.0004, outcomes: [['valid', 0.95], ['revoked', 0.05]] },
    { operation: 'rbac.check_permission', share: 0.25, medianMs: 2.1, sigma: 0.55, errorRate: 0.0002, outcomes: [['granted', 0.93], ['denied', 0.07]] },
    { operation: 'token.refresh', share: 0.05, medianMs: 4.8, sigma: 0.5, errorRate: 0, outcomes: [['refreshed', 1]] },
  ];
}

const key = (m: Pick<OperationModel, 'operation' | 'phase'>): string => (m.phase ? `${m.operation}/${m.phase}` : m.operation);

function addErrors(into: Partial<Record<ErrorKind, number>>, kind: ErrorKind, n = 1): void {
  into[kind] = (into[kind] ?? 0) + n;
}

function intervalFigures(h: Histogram, count: number, errors: Partial<Record<ErrorKind, number>>): IntervalOperation {
  const s = summarize(h);
  return { count, errors: { ...errors }, p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms, maxMs: s.maxMs };
}

interface Recorded {
  operations: OperationResult[];
  intervals: IntervalPoint[];
  scheduled: number;
}

function record(kind: FixtureKind, seed: number): Recorded {
  const rand = prng(seed);
  const warmupSec = 10;
  const measuredSec = kind === 'aborted' ? 0 : 60;
  const targetRate = 400;
  const ops = models(kind);
  const totals = new Map(ops.map((m) => [key(m), { latency: createHistogram(64), service: createHistogram(64), count: 0, errors: {} as Partial<Record<ErrorKind, number>>, outcomes: {} as Record<string, number> }]));
  const intervals: IntervalPoint[] = [];
  let scheduled = 0;
  const errorKinds: ErrorKind[] = ['timeout', 'connection', 'server'];
  for (let sec = 0; sec < warmupSec + measuredSec; sec += 1) {
    const warmup = sec < warmupSec;
    // A ramp during warm-up, a dip at 35 s (a checkpoint) in the FAIL run, a generator stall in the INVALID run.
    const rate = warmup ? Math.round(targetRate * (0.5 + (0.5 * sec) / warmupSec)) : targetRate;
    const stall = kind === 'invalid' && sec >= 40 && sec < 46;
    const checkpoint = kind === 'fail' && sec >= 34 && sec < 38;
    const achievedTarget = stall ? Math.round(rate * 0.55) : rate;
    scheduled += rate;
    const perInterval = new Map(ops.map((m) => [key(m), { h: createHistogram(32), count: 0, errors: {} as Partial<Record<ErrorKind, number>> }]));
    let finished = 0;
    for (let i = 0; i < achievedTarget; i += 1) {
      let pick = rand();
      const chosen = ops.filter((m) => m.phase === undefined).find((m) => (pick -= m.share) < 0) ?? ops[0]!;
      finished += 1;
      for (const m of ops.filter((o) => o.operation === chosen.operation)) {
        const slow = (checkpoint ? 2.2 : 1) * (stall ? 3 : 1) * (warmup ? 1.3 : 1);
        const spike = rand() < 0.002 ? 6 + rand() * 10 : 1;
        const serviceMs = m.medianMs * Math.exp(m.sigma * gaussian(rand)) * slow * spike;
        const queueMs = stall ? rand() * 40 : 0;
        const latencyUs = Math.max(1, Math.round((serviceMs + queueMs) * 1000));
        const iv = perInterval.get(key(m))!;
        iv.h.recordValue(latencyUs);
        iv.count += 1;
        const failed = m.errorRate > 0 && rand() < m.errorRate * (checkpoint ? 8 : 1);
        const errorKind = failed ? errorKinds[Math.floor(rand() * errorKinds.length)]! : undefined;
        if (errorKind) addErrors(iv.errors, errorKind);
        if (warmup) continue;
        const t = totals.get(key(m))!;
        t.latency.recordValue(latencyUs);
        t.service.recordValue(Math.max(1, Math.round(serviceMs * 1000)));
        t.count += 1;
        if (errorKind) {
          addErrors(t.errors, errorKind);
        } else if (m.outcomes.length > 0) {
          let o = rand();
          const outcome = m.outcomes.find(([, share]) => (o -= share) < 0)?.[0] ?? m.outcomes[0]![0];
          t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
        }
      }
    }
    const operations: Record<string, IntervalOperation> = {};
    for (const [k, iv] of perInterval) if (iv.count > 0) operations[k] = intervalFigures(iv.h, iv.count, iv.errors);
    const connections = 32 + 2;
    intervals.push({
      startMs: sec * 1000,
      endMs: (sec + 1) * 1000,
      warmup,
      targetRate: rate,
      achievedRate: finished,
      dropped: stall ? rate - achievedTarget : 0,
      inFlight: Math.round(rate * 0.006 * (checkpoint ? 2.5 : 1) + (stall ? 30 : 0)),
      operations,
      serverConnections: connections,
      serverActiveConnections: Math.min(connections, Math.round(3 + rand() * 3 + (checkpoint ? 10 : 0))),
      eventLoopLagMaxMs: stall ? 180 + rand() * 40 : 2 + rand() * 4,
    });
  }
  const operations: OperationResult[] = [];
  for (const m of ops) {
    const t = totals.get(key(m))!;
    if (t.count === 0) continue;
    operations.push({
      key: key(m),
      operation: m.operation,
      ...(m.phase ? { phase: m.phase } : {}),
      count: t.count,
      errors: t.errors,
      outcomes: t.outcomes,
      throughputPerSec: t.count / measuredSec,
      latency: summarize(t.latency),
      service: summarize(t.service),
      latencyHistogram: encode(t.latency),
      serviceHistogram: encode(t.service),
    });
  }
  return { operations, intervals, scheduled };
}

function verdictOf(source: string, scopeKey: string, metric: ThresholdMetric, comparator: Comparator, target: number, measured: number | null, samples: number, minSamples = 100): ThresholdVerdict {
  let status: ThresholdStatus;
  let reason: string | undefined;
  if (measured === null || samples < minSamples) {
    status = 'INCONCLUSIVE';
    reason = `only ${samples} samples (needs ${minSamples})`;
  } else {
    const ok = comparator === '<' ? measured < target : comparator === '<=' ? measured <= target : comparator === '>' ? measured > target : measured >= target;
    status = ok ? 'PASS' : 'FAIL';
  }
  return { source, scopeKey, metric, comparator, target, measured, samples, status, ...(reason ? { reason } : {}) };
}

function thresholds(ops: readonly OperationResult[], measuredIntervals: number): ThresholdVerdict[] {
  const byKey = new Map(ops.map((o) => [o.key, o]));
  const login = byKey.get('auth.login/db');
  const validate = byKey.get('session.validate');
  const top = ops.filter((o) => o.phase === undefined);
  const count = top.reduce((s, o) => s + o.count, 0);
  const errors = top.reduce((s, o) => s + Object.values(o.errors).reduce((a, b) => a + (b ?? 0), 0), 0);
  const throughput = top.reduce((s, o) => s + o.throughputPerSec, 0);
  return [
    verdictOf('p95 < 25ms', 'auth.login/db', 'p95', '<', 25, login?.latency.p95Ms ?? null, login?.count ?? 0),
    verdictOf('p99 < 10ms', 'session.validate', 'p99', '<', 10, validate?.latency.p99Ms ?? null, validate?.count ?? 0),
    verdictOf('errors < 1%', 'run', 'errors', '<', 0.01, count > 0 ? errors / count : null, count),
    verdictOf('throughput > 380/s', 'run', 'throughput', '>', 380, measuredIntervals > 0 ? throughput : null, measuredIntervals, 10),
  ];
}

function serverEvidence(ops: readonly OperationResult[]): ServerEvidence {
  const calls = (k: string): number => ops.find((o) => o.key === k)?.count ?? 0;
  const mean = (k: string): number => ops.find((o) => o.key === k)?.service.meanMs ?? 0;
  const stmt = (query: string, k: string, factor: number, rows: number) => ({
    query,
    calls: calls(k),
    meanMs: mean(k) * factor,
    totalMs: calls(k) * mean(k) * factor,
    rows: calls(k) * rows,
  });
  return {
    connectionsPeak: 34,
    activeConnectionsPeak: 14,
    statements: [
      stmt('SELECT * FROM auth.login($1, $2, $3)', 'auth.login/db', 0.92, 1),
      stmt('SELECT auth.validate_session($1)', 'session.validate', 0.6, 1),
      stmt('SELECT auth.has_permission($1, $2, $3)', 'rbac.check_permission', 0.55, 1),
      stmt('UPDATE auth.sessions SET expires_at = $2, last_seen_at = now() WHERE token_hash = $1 AND revoked_at IS NULL RETURNING user_id, expires_at', 'token.refresh', 0.8, 1),
      stmt('INSERT INTO auth.security_events (user_id, kind, at, detail) VALUES ($1, $2, now(), $3)', 'auth.login', 0.12, 1),
    ],
    bufferHitRatio: 0.9987,
    commits: calls('auth.login') + calls('token.refresh'),
    rollbacks: 12,
    redis: { keyspaceHits: 41_230, keyspaceMisses: 2_118, hitRatio: 41_230 / 43_348, commandsProcessed: 97_540 },
  };
}

function health(kind: FixtureKind, scheduled: number, started: number): GeneratorHealth {
  const invalid = kind === 'invalid';
  return {
    scheduled,
    started,
    dropped: scheduled - started,
    late: invalid ? 1_312 : 3,
    latenessBoundMs: 10,
    scheduleLagP99Ms: invalid ? 48.5 : 0.82,
    scheduleLagMaxMs: invalid ? 212 : 4.1,
    eventLoopLagP99Ms: invalid ? 160 : 3.2,
    eventLoopLagMaxMs: invalid ? 221 : 6.4,
    valid: !invalid,
    invalidReasons: invalid
      ? ['1,312 iterations (5.8%) started more than 10ms late (limit 1%)', 'event-loop lag reached 221ms (limit 50ms): the generator, not the database, was the bottleneck']
      : [],
  };
}

/**
 * The machine's and servers' series matching the intervals: the FAIL run's checkpoint seconds stall on WAL fsync, the
 * INVALID run's generator stall saturates its worker thread while the backends idle.
 */
function seriesOf(kind: FixtureKind, intervals: readonly IntervalPoint[]): RunSeries {
  const rand = prng(100 + intervals.length);
  const points: SeriesPoint[] = intervals.map((p) => {
    const sec = p.startMs / 1000;
    const stall = kind === 'invalid' && sec >= 40 && sec < 46;
    const checkpoint = kind === 'fail' && sec >= 34 && sec < 38;
    const w = (base: number) => ({ cpu: Math.min(1, base + rand() * 0.05), waitingForCpu: rand() * 0.03 });
    const byEvent: Record<string, number> = checkpoint ? { 'IO:WALSync': 6 + rand(), CPU: 1.5, 'LWLock:WALWrite': 1 } : stall ? { CPU: 0.4, 'Client:ClientRead': 0.6 } : { CPU: 2 + rand(), 'IO:WALSync': 1 + rand(), 'Lock:transactionid': 0.2 };
    return {
      startMs: p.startMs,
      endMs: p.endMs,
      host: { user: 0.35 + rand() * 0.05, system: 0.1, iowait: checkpoint ? 0.14 : 0.01, steal: 0, idle: checkpoint ? 0.4 : 0.53, load1: 1.2, cpuPressure: 0.05, ioPressure: checkpoint ? 0.3 : 0.01 },
      threads: { main: w(0.04), 'authbench-w0': w(stall ? 0.96 : 0.3), 'authbench-w1': w(stall ? 0.95 : 0.28), other: w(0.02) },
      postgresCpu: 0.55 + rand() * 0.1,
      postgres: { walRecords: 1200, walBytes: 300_000, walSyncs: 400, walSyncTimeMs: checkpoint ? 9000 : 400, checkpoints: sec === 34 ? 1 : 0, autovacuumWorkers: 0 },
      waits: { samples: 20, byEvent },
      redis: { commandsPerSec: 800 + Math.round(rand() * 50), cpu: 0.04 },
    };
  });
  return { intervalMs: 1000, waitSampleHz: 20, points, unavailable: {} };
}

/** A complete, realistic RunResults. Deterministic for a given kind. */
export function buildRunResults(kind: FixtureKind): RunResults {
  const results = buildResultsWithoutDiagnosis(kind);
  return { ...results, diagnosis: diagnose(results) };
}

function buildResultsWithoutDiagnosis(kind: FixtureKind): RunResults {
  const seed = { pass: 1, fail: 2, invalid: 3, aborted: 4 }[kind];
  const rec = record(kind, seed);
  const measured = rec.intervals.filter((p) => !p.warmup);
  const started = rec.intervals.reduce((s, p) => s + p.achievedRate, 0);
  const verdicts = thresholds(rec.operations, measured.length);
  const verdict: RunVerdict =
    kind === 'aborted' ? 'ABORTED' : kind === 'invalid' ? 'INVALID' : verdicts.some((v) => v.status === 'FAIL') ? 'FAIL' : verdicts.some((v) => v.status === 'INCONCLUSIVE') ? 'INCONCLUSIVE' : 'PASS';
  const warmupMs = 10_000;
  const endMs = rec.intervals.length * 1000;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    authbench: { version: '0.1.0', gitCommit: '90d3295c1e0a4b7f2d6e8a9b0c1d2e3f4a5b6c7d' },
    scenario: { name: 'login-mix', description: 'Logins, session checks and permission checks against a warm cache', file: 'scenarios/login-mix.yaml', text: SCENARIO_TEXT },
    status: kind === 'aborted' ? 'aborted' : 'completed',
    ...(kind === 'aborted' ? { abortReason: 'interrupted by SIGINT during warm-up' } : {}),
    startedAt: '2025-06-02T09:14:05.120Z',
    endedAt: kind === 'aborted' ? '2025-06-02T09:14:15.420Z' : '2025-06-02T09:15:16.030Z',
    measuredWindow: { startMs: warmupMs, endMs: Math.max(warmupMs, endMs) },
    load: { model: 'open', targetRate: 400, durationMs: 60_000, warmupMs, connections: 32, workers: 2 },
    target: {
      kind: 'embedded',
      pgUrl: 'postgres://authbench:***@127.0.0.1:54329/authbench',
      redisUrl: 'redis://127.0.0.1:63791',
      serverVersion: '17.5',
      redisVersion: '7.0.15',
      settings: { synchronous_commit: 'on', shared_buffers: '128MB', max_connections: '100', work_mem: '4MB' },
    },
    dataset: { users: 100_000, seed: 42, fingerprint: 'sha256:6f1c0a9e3b7d2c4f', reused: true },
    environment: { node: 'v20.19.2', os: 'linux 6.1.0-31-amd64 x64', cpuModel: 'AMD EPYC 7B13', cpus: 2, memoryBytes: 8 * 1024 ** 3 },
    operations: rec.operations,
    intervals: rec.intervals,
    generator: health(kind, rec.scheduled, started),
    server: kind === 'aborted' ? null : serverEvidence(rec.operations),
    thresholds: verdicts,
    verdict,
    ...(kind === 'aborted' ? {} : { series: seriesOf(kind, rec.intervals) }),
    artifacts: kind === 'aborted' ? {} : { hlog: 'latency.hlog' },
  };
}
