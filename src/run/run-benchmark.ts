// Wires one run, in order: target → schema/seed → (warm) → load → aggregate → server evidence → RunResults →
// thresholds → verdict → reports → teardown. Each stage is its own module; this file only sequences them.
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { AbortedError, ExitCode, InfrastructureError, InvalidInputError, type AuthbenchError } from '../errors.js';
import { LoadPool, workerCount, type LoadOutcome } from '../load/pool.js';
import type { WorkerTestHooks } from '../load/protocol.js';
import { IntervalAggregator, type AggregatedRun } from '../metrics/aggregator.js';
import { DEFAULT_INTERVAL_MS, intervalIndexAt } from '../metrics/intervals.js';
import { exitCodeForVerdict } from '../report/index.js';
import { RESULTS_SCHEMA_VERSION, type IntervalPoint, type RunResults, type RunStatus } from '../results/types.js';
import type { Plan } from '../scenario/plan.js';
import { evaluateThresholds, overallVerdict } from '../thresholds/index.js';
import type { TargetSpec } from '../target/types.js';
import { durabilityWeakenedBy } from '../target/durability.js';
import { withDeadline } from '../target/redis-ready.js';
import { redactUrl, redactUrlsInText } from '../target/url.js';
import { pgClientConfig, redisTlsOptions } from '../target/tls.js';
import { AbortOnFail } from './abort-on-fail.js';
import { makeCacheCold } from './cold-cache.js';
import { ConnectionSampler, peaksOf, type ConnectionPeaks, type ConnectionSample } from './connection-sampler.js';
import { describeBuild, describeEnvironment } from './environment.js';
import { DEFAULT_LATENESS_BOUND_MS, judgeGenerator } from './generator-validity.js';
import { LiveTotals } from './live-totals.js';
import { formatCountOf } from '../report/format.js';
import { ProgressLine, type ProgressStream } from './progress.js';
import { summarizeFaults } from './recovery.js';
import { reportWriteError, runDirectory, writeRunReports } from './report-stage.js';
import { RedisSampler } from './redis-sampler.js';
import { serverEvidence, takeServerSnapshot, type RedisCounters, type ServerSnapshot } from './server-evidence.js';
import { watchRunSignals, type RunPhase, type RunSignals } from './signals.js';
import { prepareTarget, targetSpecOf, throwIfInterrupted, type PreparedTarget } from './target-stage.js';
import { warmCaches } from './warm-stage.js';

export interface RunOptions {
  /** Command-line overrides of the plan's target (flags win over the file). */
  readonly target?: Partial<TargetSpec>;
  /** The run's report directory; default `reports/<scenario>-<timestamp>/`. */
  readonly outDir?: string;
  readonly reports?: { readonly html?: boolean; readonly junit?: boolean; readonly console?: boolean };
  readonly intervalMs?: number;
  readonly latenessBoundMs?: number;
  /** Live progress and stage messages; default process.stderr. */
  readonly progress?: ProgressStream;
  /** Where the console report goes; default process.stdout. */
  readonly stdout?: { write(chunk: string): unknown };
  /** Install SIGINT/SIGTERM handlers (the CLI does; tests of the stage call stop() instead). */
  readonly handleSignals?: boolean;
  readonly testHooks?: (workerId: number) => WorkerTestHooks | undefined;
  /** A target already provisioned and seeded (capacity steps): used as is; the caller owns and disposes it. */
  readonly prepared?: PreparedTarget;
}

export interface RunOutcome {
  readonly results: RunResults;
  readonly dir: string;
  readonly exitCode: ExitCode;
  /** Set when the run failed for a reason that has its own error (a crashed worker: exit 3). */
  readonly error?: AuthbenchError;
}

/** A run in progress: `stop()` is what Ctrl-C does. */
export class BenchmarkRun {
  private pool: LoadPool | undefined;
  private abortReason: string | undefined;
  private stoppedByThreshold = false;
  private readonly abortController = new AbortController();
  private phase: RunPhase = 'provision';
  private signals: RunSignals | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly options: RunOptions = {},
  ) {}

  /** Stops the load now; what was measured is still written, marked ABORTED. */
  stop(reason = 'interrupted'): void {
    this.abortReason ??= reason;
    this.abortController.abort();
    this.pool?.stop();
  }

  async execute(): Promise<RunOutcome> {
    const plan = this.plan;
    const progressStream = this.options.progress ?? process.stderr;
    const log = (line: string): void => void progressStream.write(`${line}\n`);
    // The run owns Ctrl-C from here: it disposes the target (stops the servers) only after the results are written.
    this.signals = this.options.handleSignals ? watchRunSignals((signal) => this.stop(`${signal} received`), () => this.phase) : undefined;
    const startedAt = new Date();
    try {
      const given = this.options.prepared;
      const stage = { log, signal: this.abortController.signal, onPhase: (phase: RunPhase) => (this.phase = phase) };
      const prepared = given ?? (await prepareTarget(plan, targetSpecOf(plan, this.options.target), stage));
      try {
        return await this.runOn(prepared, startedAt, log, progressStream);
      } finally {
        if (!given) await prepared.target[Symbol.asyncDispose]();
      }
    } catch (err) {
      // Whatever failed after an interrupt (a child killed by the same Ctrl-C, a cancelled statement) is the interrupt.
      if (this.signals?.signal !== undefined && !(err instanceof AbortedError)) {
        throw new AbortedError(`Aborted during ${this.phase}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
      throw err;
    } finally {
      this.signals?.dispose();
    }
  }

  private async runOn(prepared: PreparedTarget, startedAt: Date, log: (l: string) => void, progressStream: ProgressStream): Promise<RunOutcome> {
    const plan = this.plan;
    const intervalMs = this.options.intervalMs ?? DEFAULT_INTERVAL_MS;
    const latenessBoundMs = this.options.latenessBoundMs ?? DEFAULT_LATENESS_BOUND_MS;
    const lost = new WeakSet<pg.Client>();
    const connectMonitor = async (): Promise<pg.Client> => {
      const client = new pg.Client({ ...pgClientConfig(prepared.target.pgUrl), application_name: 'authbench-monitor', connectionTimeoutMillis: 10_000 });
      // A server restart mid-run must not crash the run (an 'error' without a listener would): mark it, reconnect later.
      client.on('error', () => lost.add(client));
      client.on('end', () => lost.add(client));
      await client.connect();
      return client;
    };
    let admin = await connectMonitor();
    const redis = new Redis(prepared.target.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, ...redisTlsOptions(prepared.target.redisUrl) });
    redis.on('error', () => {});
    try {
      // Best effort (the evidence is skipped without it), but bounded: a Redis gone silent since the check must not hang the run.
      // It keeps reconnecting in the background either way, as before.
      await withDeadline(redis.connect().catch(() => {}), 10_000, () => new Error('Redis did not answer')).catch(() => {});
      this.phase = 'warm';
      if (plan.target.cache === 'cold') await makeCacheCold(prepared.target.redisUrl, { log });
      else if (prepared.schema) await warmCaches(plan, prepared, { log });
      throwIfInterrupted(this.abortController.signal, 'warm');
      this.phase = 'load';
      const sampler = new ConnectionSampler(admin);
      const live = new LiveTotals(plan.load.warmupMs);
      const abortOnFail = new AbortOnFail(plan.thresholds);
      const progress = new ProgressLine(progressStream);
      const totalMs = plan.load.warmupMs + plan.load.durationMs;
      let startAtMs = Number.NaN;

      const onPoint = (point: IntervalPoint, inFlightMax: number): void => {
        const elapsedMs = point.endMs;
        const measuredMs = Math.max(0, elapsedMs - plan.load.warmupMs);
        progress.update({
          elapsedMs, totalMs, warmup: point.warmup, warmupMs: plan.load.warmupMs, point, inFlightMax,
          p95SoFarMs: live.finished > 0 ? live.overallP95Ms() : null, errors: live.errors, dropped: live.dropped,
        });
        const reason = abortOnFail.check(live, elapsedMs, measuredMs, sampler.peaks(plan.load.warmupMs));
        if (reason) {
          this.stoppedByThreshold = true;
          this.stop(reason);
        }
      };
      const aggregator = new IntervalAggregator({
        workers: workerCount(plan),
        warmupMs: plan.load.warmupMs,
        durationMs: plan.load.durationMs,
        model: plan.load.model,
        onInterval: (point, _index, liveFigures) => onPoint(point, liveFigures.inFlightMax),
      });
      const before = await takeServerSnapshot(admin, redis.status === 'ready' ? redis : null);
      const redisSampler = before.redis ? new RedisSampler(redis) : null;
      this.pool = new LoadPool({
        plan,
        pgUrl: prepared.workerPgUrl,
        redisUrl: prepared.workerRedisUrl,
        dataset: prepared.facts,
        intervalMs,
        latenessBoundMs,
        onStart: (at) => {
          startAtMs = at;
          sampler.start(at);
          redisSampler?.start();
        },
        onInterval: (snapshot) => {
          live.add(snapshot);
          aggregator.add(snapshot);
        },
        ...(this.options.testHooks ? { testHooks: this.options.testHooks } : {}),
      });
      if (this.abortReason) this.pool.stop();
      log(`Load: ${describeLoad(plan)} for ${(totalMs / 1000).toFixed(0)} s (${(plan.load.warmupMs / 1000).toFixed(0)} s warm-up).`);
      const outcome = await this.pool.run();
      progress.done();
      const samples = await sampler.stop();
      const redisReadings = (await redisSampler?.stop()) ?? [];
      if (!Number.isFinite(outcome.startAtMs) && this.abortReason !== undefined && !outcome.failure) {
        throw new AbortedError('Aborted while the load workers were connecting: nothing was measured, so no results were written.');
      }
      this.phase = 'report';
      // The monitor connection dies with the server when it restarts mid-run: read the closing evidence on a new one.
      if (lost.has(admin)) admin = await connectMonitor().catch(() => admin);
      const after = await takeServerSnapshot(admin, redis.status === 'ready' ? redis : null).catch(() => null);
      const aggregated = aggregator.finish(measuredMsOf(plan, outcome, startAtMs));
      const peaks = peaksOf(samples, plan.load.warmupMs, sampler.error);
      const results = await this.buildResults({ prepared, startedAt, outcome, aggregated, samples, peaks, before, redisReadings, after, latenessBoundMs, intervalMs });
      const dir = this.options.outDir ?? runDirectory(plan.name, startedAt);
      const written = await writeRunReports(results, dir, aggregated.hlog, startAtMs, {
        html: this.options.reports?.html ?? true,
        junit: this.options.reports?.junit ?? true,
        console: this.options.reports?.console ?? true,
        stdout: this.options.stdout ?? process.stdout,
      });
      const final = { ...results, artifacts: written.artifacts };
      log(`Reports: ${path.resolve(dir)}`);
      const finished = finishOutcome(final, dir, outcome, this.signals?.signal !== undefined);
      // Reports that could not be written are exit 3 unless the run already failed (or was interrupted) for a reason of its own.
      if (written.failures.length === 0 || finished.error || finished.exitCode === ExitCode.aborted) return finished;
      const error = reportWriteError(dir, written.failures);
      return { ...finished, exitCode: error.exitCode, error };
    } finally {
      redis.disconnect();
      await admin.end().catch(() => {});
    }
  }

  private async buildResults(input: {
    prepared: PreparedTarget;
    startedAt: Date;
    outcome: LoadOutcome;
    aggregated: AggregatedRun;
    samples: readonly ConnectionSample[];
    /** The samples' peaks in the measured window (none: never sampled). */
    peaks: ConnectionPeaks;
    before: ServerSnapshot;
    /** Redis INFO read during the load (a Redis that died mid-run keeps what it counted until then). */
    redisReadings: readonly RedisCounters[];
    /** Null when the server could not be read after the load (it was down): the results then have no server evidence. */
    after: ServerSnapshot | null;
    latenessBoundMs: number;
    intervalMs: number;
  }): Promise<RunResults> {
    const plan = this.plan;
    const { prepared, outcome, aggregated } = input;
    const status: RunStatus = outcome.failure ? 'failed' : outcome.stopped || this.abortReason ? 'aborted' : 'completed';
    const generator = judgeGenerator({ health: aggregated.generator, latenessBoundMs: input.latenessBoundMs, incompleteIntervals: aggregated.incompleteIntervals, model: plan.load.model });
    const intervals = withConnections(aggregated.intervals, input.samples, { warmupMs: plan.load.warmupMs, intervalMs: input.intervalMs });
    const server = input.after ? serverEvidence(input.before, input.after, input.peaks, input.redisReadings) : null;
    const thresholds = evaluateThresholds(plan.thresholds, { operations: aggregated.operations, server });
    const verdict = overallVerdict(status, generator, thresholds, { stoppedByThreshold: this.stoppedByThreshold });
    const abortReason = outcome.failure?.message ?? this.abortReason;
    const recovery = summarizeFaults(outcome.faults, outcome.startAtMs, outcome.redisOutages);
    const target = prepared.target;
    const nonDurable = durabilityWeakenedBy(target.settings);
    return {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      authbench: await describeBuild(),
      scenario: { name: plan.name, description: plan.description, file: plan.source.file, text: redactUrlsInText(plan.source.text) },
      status,
      ...(status !== 'completed' && abortReason ? { abortReason: redactUrlsInText(abortReason) } : {}),
      startedAt: input.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      measuredWindow: { startMs: plan.load.warmupMs, endMs: plan.load.warmupMs + measuredMsOf(plan, outcome, outcome.startAtMs) },
      load: {
        model: plan.load.model,
        ...(plan.load.model === 'open' ? { targetRate: Math.max(plan.load.startRate, ...plan.load.stages.map((s) => s.targetRate)) } : { vus: plan.load.vus }),
        durationMs: plan.load.durationMs,
        warmupMs: plan.load.warmupMs,
        connections: outcome.connections,
        workers: outcome.workers,
      },
      target: {
        kind: target.kind,
        pgUrl: redactUrl(target.pgUrl),
        redisUrl: redactUrl(target.redisUrl),
        workerTransport: prepared.workerTransport,
        serverVersion: target.serverVersion,
        redisVersion: target.redisVersion,
        settings: target.settings,
        ...(nonDurable.length > 0 ? { nonDurable } : {}),
      },
      dataset: prepared.dataset,
      environment: describeEnvironment(),
      operations: aggregated.operations,
      intervals,
      generator,
      server,
      thresholds,
      verdict,
      ...(recovery ? { recovery } : {}),
      artifacts: {},
    };
  }
}

const workersText = (n: number): string => formatCountOf(n, 'worker');

function describeLoad(plan: Plan): string {
  const l = plan.load;
  return l.model === 'open'
    ? `open model, ${Math.max(l.startRate, ...l.stages.map((s) => s.targetRate))}/s peak, ${l.connections} connections, ${workersText(l.workers)}`
    : `closed model, ${l.vus} VUs, ${workersText(l.workers)}`;
}

/** The measured window actually covered: the planned duration, or less when the run stopped early. */
function measuredMsOf(plan: Plan, outcome: LoadOutcome, startAtMs: number): number {
  if (!outcome.stopped && !outcome.failure) return plan.load.durationMs;
  if (!Number.isFinite(startAtMs)) return 0;
  return Math.max(0, Math.min(plan.load.durationMs, outcome.endedAtMs - startAtMs - plan.load.warmupMs));
}

/** Each interval gets the highest server-side connection count sampled in it. */
function withConnections(points: readonly IntervalPoint[], samples: readonly ConnectionSample[], grid: { warmupMs: number; intervalMs: number }): IntervalPoint[] {
  const byIndex = new Map<number, { total: number; active: number }>();
  for (const s of samples) {
    if (s.atMs < 0) continue;
    const i = intervalIndexAt(grid, s.atMs);
    const prev = byIndex.get(i);
    byIndex.set(i, { total: Math.max(prev?.total ?? 0, s.connections), active: Math.max(prev?.active ?? 0, s.active) });
  }
  return points.map((p) => {
    const sampled = byIndex.get(intervalIndexAt(grid, p.startMs));
    return sampled ? { ...p, serverConnections: sampled.total, serverActiveConnections: sampled.active } : p;
  });
}

/** `interrupted`: a signal arrived (even after the load, while reporting): the exit code is 130 whatever the verdict. */
function finishOutcome(results: RunResults, dir: string, outcome: LoadOutcome, interrupted: boolean): RunOutcome {
  if (outcome.failure) {
    const f = outcome.failure;
    const error =
      f.kind === 'input'
        ? new InvalidInputError(f.message, { code: f.code, ...(f.hint ? { hint: f.hint } : {}) })
        : new InfrastructureError(f.code, f.message, f.hint ? { hint: f.hint } : {});
    return { results, dir, exitCode: error.exitCode, error };
  }
  return { results, dir, exitCode: interrupted ? ExitCode.aborted : exitCodeForVerdict(results.verdict) };
}

/** Runs one plan to the end (or until stopped) and writes its reports. */
export async function runBenchmark(plan: Plan, options: RunOptions = {}): Promise<RunOutcome> {
  return new BenchmarkRun(plan, options).execute();
}
