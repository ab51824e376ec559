// Wires one run, in order: target → schema/seed → (warm) → load → aggregate → server evidence → RunResults →
// thresholds → verdict → reports → teardown. Each stage is its own module; this file only sequences them.
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { AbortedError, ExitCode, InfraCode, InfrastructureError, InvalidInputError, isInfraErrorCode, isInputErrorCode, type AuthbenchError } from '../errors.js';
import { LoadPool, workerCount, type LoadOutcome } from '../load/pool.js';
import type { WorkerTestHooks } from '../load/protocol.js';
import { IntervalAggregator, type AggregatedRun } from '../metrics/aggregator.js';
import { DEFAULT_INTERVAL_MS, intervalIndexAt } from '../metrics/intervals.js';
import { RESULTS_SCHEMA_VERSION, type GeneratorHealth, type IntervalPoint, type PoolerEvidence, type RunResults, type RunStatus } from '../results/types.js';
import type { Plan } from '../scenario/plan.js';
import type { TargetSpec } from '../target/types.js';
import { durabilityWeakenedBy } from '../target/durability.js';
import { withDeadline } from '../target/redis-ready.js';
import { redactUrl, redactUrlsInText } from '../target/url.js';
import { pgClientConfig, redisTlsOptions } from '../target/tls.js';
import { evaluateThresholds } from '../thresholds/evaluate.js';
import { checkEventsRunnable } from '../events/actions.js';
import { eventImpact } from '../events/impact.js';
import { EventScheduler } from '../events/scheduler.js';
import type { EventRecord } from '../events/types.js';
import { AbortOnFail, DEFAULT_LATENESS_BOUND_MS, exitCodeForVerdict, judgeGenerator, overallVerdict } from '../verdict/index.js';
import { makeCacheCold } from './cold-cache.js';
import { ConnectionSampler, peaksOf, type ConnectionPeaks, type ConnectionSample } from '../server-evidence/connection-sampler.js';
import { describeBuild, describeEnvironment } from './environment.js';
import { LiveTotals } from './live-totals.js';
import { formatCountOf } from '../report/format.js';
import { ProgressLine, type ProgressStream } from './progress.js';
import { summarizeFaults } from './recovery.js';
import { reportWriteError, runDirectory } from './report-stage.js';
import { createOutputs } from '../outputs/create-outputs.js';
import { newRunId, RunOutputs } from '../outputs/run-outputs.js';
import type { OutputSpec } from '../outputs/spec.js';
import { MonitorConnection } from '../server-evidence/monitor-connection.js';
import { RedisSampler } from '../server-evidence/redis-sampler.js';
import { PoolerSampler, type PoolerSample } from '../server-evidence/pooler-sampler.js';
import { serverEvidence, takeServerSnapshot, type RedisCounters, type ServerSnapshot } from '../server-evidence/server-evidence.js';
import { watchRunSignals, type RunPhase, type RunSignals } from './signals.js';
import { prepareTarget, targetSpecOf, throwIfInterrupted, type PreparedTarget } from './target-stage.js';
import { warmCaches } from './warm-stage.js';
import { shardTarget } from '../shard/shard-target.js';
import { measureClockOffset, type ClockOffset } from '../shard/clock-offset.js';
import { runDigest } from '../shard/run-digest.js';
import { lateStartError } from '../shard/shard-flags.js';
import type { ShardRecord } from '../results/shard.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { isLocalUrl } from '../series/local-server.js';
import { SeriesRecorder } from '../series/series-recorder.js';
import type { RunSeries } from '../series/types.js';
import { PartitionUpkeep } from './upkeep-stage.js';
import { AcknowledgedLoginLog } from '../load/acknowledged-logins.js';
import { mkdirSync } from 'node:fs';
import { PermissionSync } from './permission-sync.js';

export interface RunOptions {
  /** Command-line overrides of the plan's target (flags win over the file). */
  readonly target?: Partial<TargetSpec>;
  /** The run's report directory; default `reports/<scenario>-<timestamp>/`. */
  readonly outDir?: string;
  readonly reports?: { readonly html?: boolean; readonly junit?: boolean; readonly console?: boolean };
  /** `--out KIND[=DEST]` beyond the defaults (src/outputs/spec.ts), e.g. a Prometheus remote-write stream. */
  readonly outputs?: readonly OutputSpec[];
  /** The `run_id` label of streamed series; default a new one (outputs/run-outputs.ts). */
  readonly runId?: string;
  /** The `shard` label, `K/N`; default the plan's shard, or `0/1`. */
  readonly shard?: string;
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
  /** The load's start instant shared with the other shards (`--start-at`), epoch ms. */
  readonly startAtMs?: number;
  /** Record the machine's and the servers' per-interval series (default true; `--no-server-series` turns it off). */
  readonly serverSeries?: boolean;
  /** Partition upkeep during the load (default hourly, src/run/upkeep-stage.ts). */
  readonly upkeepIntervalMs?: number;
  /** REFRESH CONCURRENTLY of the permission snapshot during a load with rbac.check (default every 60 s). */
  readonly permissionRefreshMs?: number;
}

export interface RunOutcome {
  readonly results: RunResults;
  readonly dir: string;
  readonly exitCode: ExitCode;
  /** Set when the run failed for a reason that has its own error (a crashed worker: exit 3). */
  readonly error?: AuthbenchError;
  /** When an auth.login step has `recordAcknowledged`: the file of acknowledged jtis and how many (src/run/durability-check.ts). */
  readonly acknowledgedLogins?: { readonly file: string; readonly count: number };
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
      // A shard only checks what `authbench prepare` did: N shards must not migrate, seed or warm N times.
      const prepare = plan.shard ? shardTarget : prepareTarget;
      const prepared = given ?? (await prepare(plan, targetSpecOf(plan, this.options.target), stage));
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
      const planEvents = plan.events ?? [];
      // Before the warm-up and the load: an event this target cannot run is the scenario's mistake (exit 2).
      checkEventsRunnable(planEvents, { ...(prepared.target.control ? { control: prepared.target.control } : {}) }, prepared.target.kind, plan.source.file);
      const context = { adminUrl: prepared.target.pgUrl, redisUrl: prepared.target.redisUrl, ...(prepared.target.control ? { control: prepared.target.control } : {}) };
      const scheduler = planEvents.length > 0 ? new EventScheduler(planEvents, { warmupMs: plan.load.warmupMs, durationMs: plan.load.durationMs, context, log }) : undefined;
      // Best effort (the evidence is skipped without it), but bounded: a Redis gone silent since the check must not hang the run.
      // It keeps reconnecting in the background either way, as before.
      await withDeadline(redis.connect().catch(() => {}), 10_000, () => new Error('Redis did not answer')).catch(() => {});
      this.phase = 'warm';
      if (plan.shard) {
        // `authbench prepare` set the caches up once for every shard.
      } else if (plan.target.cache === 'cold') await makeCacheCold(prepared.target.redisUrl, { log });
      else if (prepared.schema) await warmCaches(plan, prepared, { log });
      const clock = plan.shard ? await measureClockOffset(admin).catch(() => null) : null;
      throwIfInterrupted(this.abortController.signal, 'warm');
      this.phase = 'load';
      // Every sampler's query during the load goes through this one queue on the monitoring connection.
      const monitor = new MonitorConnection(admin);
      const sampler = new ConnectionSampler(monitor);
      // Behind a pooler the clients are counted at the pooler; the backends stay ConnectionSampler's.
      const poolerSampler = prepared.target.pooler && prepared.workerTransport.postgres === 'pgbouncer' ? new PoolerSampler(prepared.target.pooler, plan.shard?.index) : undefined;
      // A shard sees only its share: abort-on-fail and the thresholds are judged on the merged data.
      const abortOnFail = new AbortOnFail(plan.shard ? [] : plan.thresholds);
      const progress = new ProgressLine(progressStream);
      const totalMs = plan.load.warmupMs + plan.load.durationMs;
      let startAtMs = Number.NaN;
      /** When every worker was ready (epoch ms): after a `--start-at` that has passed, the shard began late. */
      let readyAtMs = Number.NaN;
      const dir = this.options.outDir ?? runDirectory(plan.name, startedAt);
      const outputs = new RunOutputs(
        await createOutputs({
          dir,
          ...(this.options.outputs ? { specs: this.options.outputs } : {}),
          html: this.options.reports?.html ?? true,
          junit: this.options.reports?.junit ?? true,
          console: this.options.reports?.console ?? true,
          stdout: this.options.stdout ?? process.stdout,
          warn: (line) => void progressStream.write(line),
        }),
        {
          // Shards of one run share --start-at, so their default run_id is that instant (no random part): they agree.
          runId: this.options.runId ?? (this.options.startAtMs !== undefined ? newRunId(new Date(this.options.startAtMs), { shared: true }) : newRunId(startedAt)),
          scenario: plan.name,
          shard: this.options.shard ?? (plan.shard ? `${plan.shard.index}/${plan.shard.count}` : '0/1'),
        },
      );

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
        onInterval: (point, index, extra) => {
          onPoint(point, extra.inFlightMax);
          outputs.addInterval(point, index, extra);
        },
      });
      const live = new LiveTotals(aggregator);
      const before = await takeServerSnapshot(admin, redis.status === 'ready' ? redis : null);
      const redisSampler = before.redis ? new RedisSampler(redis) : null;
      const series = this.options.serverSeries === false
        ? null
        : await SeriesRecorder.open({
            monitor,
            redis: before.redis ? redis : null,
            grid: { warmupMs: plan.load.warmupMs, intervalMs },
            postgresIsLocal: prepared.target.kind !== 'docker' && isLocalUrl(prepared.target.pgUrl),
          });
      this.pool = new LoadPool({
        plan,
        pgUrl: prepared.workerPgUrl,
        redisUrl: prepared.workerRedisUrl,
        dataset: prepared.dataset,
        intervalMs,
        latenessBoundMs,
        ...(this.options.startAtMs !== undefined ? { startAtMs: this.options.startAtMs } : {}),
        onStart: (at) => {
          startAtMs = at;
          readyAtMs = Date.now();
          sampler.start(at);
          poolerSampler?.start(at);
          outputs.start(at);
          redisSampler?.start();
          series?.start(at);
          scheduler?.start(at);
        },
        onInterval: (snapshot) => aggregator.add(snapshot),
        ...(this.options.testHooks ? { testHooks: this.options.testHooks } : {}),
      });
      if (this.abortReason) this.pool.stop();
      // The target check may have taken long: a shard that would join after the warm-up must not start at all.
      if (this.options.startAtMs !== undefined) {
        const late = lateStartError(this.options.startAtMs, Date.now(), plan.load.warmupMs);
        if (late) throw late;
      }
      log(`Load: ${describeLoad(plan)} for ${(totalMs / 1000).toFixed(0)} s (${(plan.load.warmupMs / 1000).toFixed(0)} s warm-up).`);
      const upkeep = prepared.schema
        ? new PartitionUpkeep({
            pgUrl: prepared.target.pgUrl,
            ...(plan.target.retention ? { retention: plan.target.retention } : {}),
            ...(this.options.upkeepIntervalMs !== undefined ? { everyMs: this.options.upkeepIntervalMs } : {}),
            onError: (err) => log(`Partition upkeep failed (retried at the next pass): ${redactUrlsInText(err.message)}`),
          })
        : undefined;
      upkeep?.start();
      const acknowledged = recordsAcknowledged(plan) ? this.acknowledgedLog(plan, startedAt) : undefined;
      const permissionSync = prepared.schema && usesOperation(plan, 'rbac.check') ? await this.startPermissionSync(prepared, log) : undefined;
      for (const stream of outputs.describeStreams()) log(`Streaming: ${stream} (run_id ${outputs.identity.runId})`);
      const outcome = await this.pool.run().finally(() => Promise.all([upkeep?.stop(), permissionSync?.stop()]));
      if (permissionSync) {
        const st = permissionSync.stats;
        log(`Permissions: ${st.notifications} role changes heard and invalidated${st.invalidationsQueued ? ` (${st.invalidationsQueued} queued while Redis was down)` : ''}, snapshot refreshed ${st.snapshotRefreshes} times${st.failures ? `, ${st.failures} failures` : ''}.`);
      }
      await acknowledged?.close();
      progress.done();
      const eventRecords = (await scheduler?.stop()) ?? [];
      const samples = await sampler.stop();
      const poolerSamples = (await poolerSampler?.stop()) ?? [];
      const redisReadings = (await redisSampler?.stop()) ?? [];
      const recordedSeries = (await series?.stop()) ?? null;
      if (!Number.isFinite(outcome.startAtMs) && this.abortReason !== undefined && !outcome.failure) {
        throw new AbortedError('Aborted while the load workers were connecting: nothing was measured, so no results were written.');
      }
      this.phase = 'report';
      // The monitor connection dies with the server when it restarts mid-run: read the closing evidence on a new one.
      if (lost.has(admin)) admin = await connectMonitor().catch(() => admin);
      const closing = admin;
      // Behind any sample still out on the monitoring connection (a server that was slow to answer): never beside it.
      const after = await (closing === monitor.client ? monitor.run((c) => takeServerSnapshot(c, redis.status === 'ready' ? redis : null)) : takeServerSnapshot(closing, redis.status === 'ready' ? redis : null)).catch(() => null);
      const aggregated = aggregator.finish(measuredMsOf(plan, outcome, startAtMs));
      const peaks = peaksOf(samples, plan.load.warmupMs, sampler.error);
      const pooler = poolerSampler?.evidence(plan.load.warmupMs);
      const results = await this.buildResults({ prepared, startedAt, outcome, aggregated, samples, peaks, ...(pooler ? { pooler, poolerSamples } : {}), before, redisReadings, after, latenessBoundMs, intervalMs, clock, readyAtMs, series: recordedSeries, eventRecords });
      const { results: final, written } = await outputs.finish({ results, hlog: aggregated.hlog, startEpochMs: startAtMs }, dir);
      log(`Reports: ${path.resolve(dir)}`);
      for (const r of final.outputs ?? []) log(`Streamed to ${r.url}: ${r.pushes} pushes (${r.samples} samples) accepted, ${r.failedPushes} failed, ${r.droppedPushes} dropped.`);
      const finished = { ...finishOutcome(final, dir, outcome, this.signals?.signal !== undefined), ...(acknowledged ? { acknowledgedLogins: { file: acknowledged.file, count: acknowledged.count } } : {}) };
      // Reports that could not be written are exit 3 unless the run already failed (or was interrupted) for a reason of its own.
      if (written.failures.length === 0 || finished.error || finished.exitCode === ExitCode.aborted) return finished;
      const error = reportWriteError(dir, written.failures);
      return { ...finished, exitCode: error.exitCode, error };
    } finally {
      redis.disconnect();
      await admin.end().catch(() => {});
    }
  }

  /** LISTEN for role changes and refresh the snapshot during the load; a failure to start is the run's infrastructure failure. */
  private startPermissionSync(prepared: PreparedTarget, log: (line: string) => void): Promise<PermissionSync> {
    return PermissionSync.start({
      pgUrl: prepared.target.pgUrl,
      redisUrl: prepared.target.redisUrl,
      ...(this.options.permissionRefreshMs !== undefined ? { refreshEveryMs: this.options.permissionRefreshMs } : {}),
      onError: (err) => log(`Permission sync failed (the next change or refresh retries): ${redactUrlsInText(err.message)}`),
    });
  }

  /** The acknowledged jtis go beside the reports (the directory is made now: the load has not written it yet). */
  private acknowledgedLog(plan: Plan, startedAt: Date): AcknowledgedLoginLog {
    const dir = this.options.outDir ?? runDirectory(plan.name, startedAt);
    mkdirSync(dir, { recursive: true });
    return new AcknowledgedLoginLog(path.join(dir, 'acknowledged-logins.txt'));
  }

  private async buildResults(input: {
    prepared: PreparedTarget;
    startedAt: Date;
    outcome: LoadOutcome;
    aggregated: AggregatedRun;
    samples: readonly ConnectionSample[];
    /** The samples' peaks in the measured window (none: never sampled). */
    peaks: ConnectionPeaks;
    /** What the pooler's admin console counted, when the load went through one, and its samples. */
    pooler?: PoolerEvidence;
    poolerSamples?: readonly PoolerSample[];
    before: ServerSnapshot;
    /** Redis INFO read during the load (a Redis that died mid-run keeps what it counted until then). */
    redisReadings: readonly RedisCounters[];
    /** Null when the server could not be read after the load (it was down): the results then have no server evidence. */
    after: ServerSnapshot | null;
    latenessBoundMs: number;
    intervalMs: number;
    /** A shard's clock against the database server's. */
    clock: ClockOffset | null;
    readyAtMs: number;
    /** Null: not recorded (`serverSeries: false`). */
    series: RunSeries | null;
    eventRecords: readonly EventRecord[];
  }): Promise<RunResults> {
    const plan = this.plan;
    const { prepared, outcome, aggregated } = input;
    const status: RunStatus = outcome.failure ? 'failed' : outcome.stopped || this.abortReason ? 'aborted' : 'completed';
    const judged = judgeGenerator({ health: aggregated.generator, latenessBoundMs: input.latenessBoundMs, incompleteIntervals: aggregated.incompleteIntervals, model: plan.load.model });
    const generator = withLateStart(judged, this.options.startAtMs, input.readyAtMs);
    const grid = { warmupMs: plan.load.warmupMs, intervalMs: input.intervalMs };
    const intervals = withPoolerClients(withConnections(aggregated.intervals, input.samples, grid), input.poolerSamples ?? [], grid);
    const sampled = input.after ? serverEvidence(input.before, input.after, input.peaks, input.redisReadings) : null;
    const server = sampled && input.pooler ? { ...sampled, pooler: input.pooler } : sampled;
    // A shard's thresholds travel in its `shard` record and are judged once, by the merge.
    const measuredWindow = { startMs: plan.load.warmupMs, endMs: plan.load.warmupMs + measuredMsOf(plan, outcome, outcome.startAtMs) };
    const events = input.eventRecords.length > 0 || (plan.events?.length ?? 0) > 0 ? eventImpact({ records: input.eventRecords, intervals, hlog: aggregated.hlog, measured: measuredWindow }) : undefined;
    const thresholds = evaluateThresholds(plan.shard ? [] : plan.thresholds, { operations: aggregated.operations, server, ...(events ? { eventWindows: events.windows } : {}) });
    const verdict = overallVerdict(status, generator, thresholds, { stoppedByThreshold: this.stoppedByThreshold });
    const abortReason = outcome.failure?.message ?? this.abortReason;
    const recovery = summarizeFaults(outcome.faults, outcome.startAtMs, outcome.redisOutages);
    const target = prepared.target;
    const nonDurable = durabilityWeakenedBy(target.settings);
    const environment = describeEnvironment();
    const diagnosis = diagnose({
      verdict,
      status,
      intervals,
      generator,
      measuredWindow,
      thresholds,
      load: { model: plan.load.model, connections: outcome.connections, workers: outcome.workers },
      environment,
      ...(input.series ? { series: input.series } : {}),
    });
    return {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      authbench: await describeBuild(),
      scenario: { name: plan.name, description: plan.description, file: plan.source.file, text: redactUrlsInText(plan.source.text) },
      status,
      ...(status !== 'completed' && abortReason ? { abortReason: redactUrlsInText(abortReason) } : {}),
      startedAt: input.startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      measuredWindow,
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
      dataset: prepared.seeded,
      environment,
      operations: aggregated.operations,
      intervals,
      generator,
      server,
      thresholds,
      verdict,
      ...(recovery ? { recovery } : {}),
      ...(plan.shard ? { shard: this.shardRecord(outcome, input.clock, input.latenessBoundMs, input.intervalMs) } : {}),
      ...(input.series ? { series: input.series } : {}),
      diagnosis,
      ...(events ? { events: events.events } : {}),
      artifacts: {},
    };
  }

  private shardRecord(outcome: LoadOutcome, clock: ClockOffset | null, latenessBoundMs: number, intervalMs: number): ShardRecord {
    const plan = this.plan;
    return {
      index: plan.shard!.index,
      count: plan.shard!.count,
      runDigest: runDigest(plan),
      seed: plan.seed,
      startAtMs: this.options.startAtMs ?? null,
      loadStartMs: outcome.startAtMs,
      clock,
      thresholds: plan.thresholds,
      latenessBoundMs,
      intervalMs,
    };
  }
}

/**
 * A `--start-at` that passed before this process's workers were ready: every arrival due by then started at once, late,
 * so the shard did not run its share of the schedule as planned (its intervals would not match the other shards').
 */
function withLateStart(generator: GeneratorHealth, startAtMs: number | undefined, readyAtMs: number): GeneratorHealth {
  if (startAtMs === undefined || !Number.isFinite(readyAtMs) || readyAtMs - startAtMs <= generator.latenessBoundMs) return generator;
  const reason = `the load workers were ready ${((readyAtMs - startAtMs) / 1000).toFixed(1)} s after --start-at ${new Date(startAtMs).toISOString()}, so the arrivals due until then started late, at once; start the shards earlier before the common start`;
  return { ...generator, valid: false, invalidReasons: [reason, ...generator.invalidReasons] };
}

function usesOperation(plan: Plan, op: string): boolean {
  return plan.mix.some((entry) => entry.steps.some((step) => step.op === op));
}

function recordsAcknowledged(plan: Plan): boolean {
  return plan.mix.some((entry) => entry.steps.some((step) => step.op === 'auth.login' && step.options.recordAcknowledged === true));
}

const workersText = (n: number): string => formatCountOf(n, 'worker');

function describeLoad(plan: Plan): string {
  if (plan.shard) return `shard ${plan.shard.index}/${plan.shard.count}: ${describeWhole(plan)}`;
  return describeWhole(plan);
}

function describeWhole(plan: Plan): string {
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

/** Each interval gets the highest count of working clients the pooler showed in it (none without a pooler). */
function withPoolerClients(points: readonly IntervalPoint[], samples: readonly PoolerSample[], grid: { warmupMs: number; intervalMs: number }): IntervalPoint[] {
  if (samples.length === 0) return [...points];
  const byIndex = new Map<number, number>();
  for (const s of samples) {
    if (s.atMs < 0) continue;
    const i = intervalIndexAt(grid, s.atMs);
    byIndex.set(i, Math.max(byIndex.get(i) ?? 0, s.clients));
  }
  return points.map((p) => {
    const clients = byIndex.get(intervalIndexAt(grid, p.startMs));
    return clients === undefined ? p : { ...p, poolerClients: clients };
  });
}

/** `interrupted`: a signal arrived (even after the load, while reporting): the exit code is 130 whatever the verdict. */
function finishOutcome(results: RunResults, dir: string, outcome: LoadOutcome, interrupted: boolean): RunOutcome {
  if (outcome.failure) {
    const f = outcome.failure;
    const error =
      f.kind === 'input' && isInputErrorCode(f.code)
        ? new InvalidInputError(f.message, { code: f.code, ...(f.hint ? { hint: f.hint } : {}) })
        : new InfrastructureError(isInfraErrorCode(f.code) ? f.code : InfraCode.workerFailed, f.message, f.hint ? { hint: f.hint } : {});
    return { results, dir, exitCode: error.exitCode, error };
  }
  return { results, dir, exitCode: interrupted ? ExitCode.aborted : exitCodeForVerdict(results.verdict) };
}

/** Runs one plan to the end (or until stopped) and writes its reports. */
export async function runBenchmark(plan: Plan, options: RunOptions = {}): Promise<RunOutcome> {
  return new BenchmarkRun(plan, options).execute();
}
