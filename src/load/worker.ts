// The piscina entry of a load worker: one long task that connects, prepares the operations, waits for the shared
// start, runs the workload model, and streams interval snapshots to the main thread until the run ends.
import pg from 'pg';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisLayer, type RedisLayer } from '../authdb/redis/index.js';
import { OutageLog, recordOutages } from '../authdb/redis/availability.js';
import { isAuthbenchError, InfraCode } from '../errors.js';
import { recordedOperation, type MixEntry, type Plan } from '../scenario/plan.js';
import { epochNowMs } from './clock.js';
import { ConnectionSlots } from './connection-slots.js';
import { pgClientConfig } from '../target/tls.js';
import { useUnnamedStatements } from '../authdb/prepared-statement.js';
import { ControlState, RunControl } from './control.js';
import { compileGenerator } from './generators.js';
import { compileMix } from './mix.js';
import type { Random } from './random.js';
import { EventLoopProbe } from './event-loop-probe.js';
import { IntervalTicker } from './interval-ticker.js';
import { IntervalClose } from './models/interval-close.js';
import { IntervalRecorder } from '../metrics/interval-recorder.js';
import { warmEncoder } from '../metrics/histogram.js';
import { intervalRange, type IntervalRange } from '../metrics/intervals.js';
import { createArrivalSchedule } from './schedule.js';
import { IterationRunner, type PreparedEntry } from './iteration-runner.js';
import { runClosedModel } from './models/closed-model.js';
import { InFlight } from './models/in-flight.js';
import { runOpenModel } from './models/open-model.js';
import { StopSignal } from './models/stop-signal.js';
import type { ModelContext } from './models/types.js';
import { findOperation } from './operations/index.js';
import { OptionError } from './operations/options.js';
import { SessionPool } from './operations/session-pool.js';
import { partitionOf, type OperationEnv } from './operations/types.js';
import { plainError, type PlainError, type WorkerMessage, type WorkerResult, type WorkerTask } from './protocol.js';
import { globalWorker, loadConnectionName, workerRandom } from '../shard/shard-plan.js';
import { nameThisThread } from '../series/thread-name.js';

/** Client-side bound on one query: a backend that never answers becomes a timeout error, not a hung iteration. */
const QUERY_TIMEOUT_MS = 10_000;
/** After an abort, in-flight iterations get this long before they are cut off (Ctrl-C must stop within a second). */
const ABORT_GRACE_MS = 300;
/** After the cut-off, how long closing connections may take before the worker reports anyway. */
const CUT_OFF_SETTLE_MS = 500;

/** Which servers the plan's operations talk to. */
function serversNeeded(plan: Plan): { pg: boolean; redis: boolean } {
  const needs = { pg: false, redis: false };
  for (const entry of plan.mix) {
    for (const step of entry.steps) {
      const def = findOperation(step.op);
      if (def?.uses.pg) needs.pg = true;
      if (def?.uses.redis) needs.redis = true;
    }
  }
  return needs;
}

/** Everything the worker opened; `close` releases it in reverse order and never throws. */
class WorkerResources {
  redis: Redis | null = null;
  layer: RedisLayer | null = null;
  setupClient: pg.Client | null = null;
  slots: ConnectionSlots | null = null;

  async close(): Promise<void> {
    await this.slots?.close();
    await this.setupClient?.end().catch(() => {});
    this.layer?.dispose();
    this.redis?.disconnect();
  }
}

async function openResources(task: WorkerTask, res: WorkerResources): Promise<ConnectionSlots> {
  const needs = serversNeeded(task.plan);
  if (needs.redis) {
    // No auto-pipelining: measured, it costs more than the writes it saves (src/authdb/redis/connect.ts).
    res.redis = await connectRedis(task.redisUrl, { connectionName: loadConnectionName(task.plan.shard, task.workerId) });
  }
  if (needs.pg) {
    res.setupClient = new pg.Client({ ...pgClientConfig(task.pgUrl), application_name: `${loadConnectionName(task.plan.shard, task.workerId)}-setup` });
    res.setupClient.on('error', () => {}); // idle during the load: a server restart must not crash the worker
    if (task.plan.target.pooler) useUnnamedStatements(res.setupClient);
    await res.setupClient.connect();
  }
  res.slots = await ConnectionSlots.open({
    url: task.pgUrl,
    count: task.slots,
    connect: needs.pg,
    applicationName: loadConnectionName(task.plan.shard, task.workerId),
    queryTimeoutMs: QUERY_TIMEOUT_MS,
    unnamedStatements: task.plan.target.pooler !== undefined,
  });
  return res.slots;
}

async function prepareEntries(plan: Plan, env: OperationEnv, random: Random, where: WorkerStage): Promise<PreparedEntry[]> {
  const entries: PreparedEntry[] = [];
  for (const [e, entry] of plan.mix.entries()) {
    const steps = [];
    for (const [s, step] of entry.steps.entries()) {
      where.stage = `preparing step ${s + 1} (${step.op}) of mix entry "${entry.name}"`;
      const def = findOperation(step.op);
      if (!def) throw new Error(`unknown operation "${step.op}" in mix entry "${entry.name}"`);
      const stepRandom = random.fork(`${e}/${s}`);
      const samplers = new Map(Object.entries(step.params).map(([name, gen]) => [name, compileGenerator(gen, stepRandom.fork(name), partitionOf(env))]));
      steps.push({ operation: recordedOperation(step.op, entry.tag), prepared: await def.prepare(step, env), samplers });
    }
    entries.push({ name: entry.name, steps });
  }
  return entries;
}

/** What the worker is doing, for the message of an unexpected failure. */
interface WorkerStage {
  readonly workerId: number;
  stage: string;
}

/** `at fn (src/…/file.ts:line:col)`: the innermost stack frame, relative to the project, when there is one. */
function originOf(err: unknown): string {
  const frame = (err as Error)?.stack?.split('\n').find((line) => line.trimStart().startsWith('at '));
  return frame ? ` (${frame.trim().replace(/(?:file:\/\/)?\/\S*?\/(src|node_modules)\//, '$1/')})` : '';
}

/**
 * Only the user's input is exit 2: the typed errors of src/errors.ts and an operation's option errors. pg connection
 * failures are infrastructure (exit 3). Anything else (a TypeError in a generator, a failed query while preparing) is
 * an internal error (exit 3, AB_ERR_WORKER_FAILED) with what the worker was doing and where it was thrown.
 */
function toPlainError(err: unknown, { workerId, stage }: WorkerStage): PlainError {
  if (isAuthbenchError(err)) return plainError(err.exitCode === 2 ? 'input' : 'infrastructure', err.code, err.message, err.hint);
  if (err instanceof OptionError) return plainError('input', err.code, `${stage}: ${err.message}`);
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ECONNREFUSED' || e?.code === '28P01' || e?.code === '3D000' || e?.code === '53300') {
    return plainError('infrastructure', InfraCode.pgUnreachable, `worker could not connect to PostgreSQL: ${e.message}`);
  }
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return plainError('client', InfraCode.workerFailed, `load worker ${workerId} failed while ${stage}: ${what}${originOf(err)}`, 'This is a bug in authbench or an operation, not in the scenario; please report it with this message.');
}

export default async function runWorker(task: WorkerTask): Promise<WorkerResult> {
  const { port, workerId } = task;
  // The main thread's series tells this thread's CPU apart by its name (src/series/).
  nameThisThread(`authbench-w${workerId}`);
  const post = (message: WorkerMessage): void => port.postMessage(message);
  const control = new RunControl(task.control);
  const res = new WorkerResources();
  // A shard forks its own streams first, so shards never replay each other's draws (unsharded: as before).
  const shard = task.plan.shard;
  const random = workerRandom(task.plan.seed, shard, workerId);
  // Arrivals and sequential generators split by the worker's id across every shard (shard-plan.ts).
  const global = globalWorker(shard, workerId, task.workerCount);
  const where: WorkerStage = { workerId, stage: 'connecting' };
  try {
    const slots = await openResources(task, res);
    const env: OperationEnv = {
      workerId: global.index,
      workerCount: global.count,
      dataset: task.dataset,
      redis: res.redis,
      redisLayer: () => {
        if (!res.redis) throw new Error('no Redis client: no operation of the plan declared it uses Redis');
        res.layer ??= createRedisLayer(res.redis);
        return res.layer;
      },
      setupClient: res.setupClient,
      random,
      sessions: new SessionPool(),
    };
    const entries = await prepareEntries(task.plan, env, random, where);
    // Before the start: a cold encoder would stall the first interval flushes of the measured window.
    warmEncoder();
    where.stage = 'running the load';
    post({ type: 'ready', workerId, connections: slots.size });
    if ((await control.changedFrom(ControlState.preparing)) === ControlState.stopping) {
      post({ type: 'done', workerId });
      return { status: 'completed', workerId };
    }
    await runStarted(task, control, slots, entries, random, post, global);
    return { status: 'completed', workerId };
  } catch (err) {
    const error = toPlainError(err, where);
    post({ type: 'failed', workerId, error });
    return { status: 'failed', workerId, error };
  } finally {
    await res.close();
    port.close();
  }
}

async function runStarted(
  task: WorkerTask,
  control: RunControl,
  slots: ConnectionSlots,
  entries: PreparedEntry[],
  random: Random,
  post: (m: WorkerMessage) => void,
  global: { readonly index: number; readonly count: number },
): Promise<void> {
  const { plan, workerId } = task;
  const load = plan.load;
  const startAtMs = control.startAtMs;
  const totalMs = load.warmupMs + load.durationMs;
  const recorder = new IntervalRecorder({ workerId, latenessBoundUs: task.latenessBoundMs * 1000 });
  const probe = new EventLoopProbe(recorder);
  const stop = new StopSignal();
  const inFlight = new InFlight();
  const mix = compileMix(plan.mix);
  const mixRandom = random.fork('mix');
  const pick = (): MixEntry => mix.pick(mixRandom);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const runner = new IterationRunner(() => byName.get(pick().name)!, slots, recorder);

  const grid = { warmupMs: load.warmupMs, intervalMs: task.intervalMs };
  const intervalClose = new IntervalClose();
  const flush = (range: IntervalRange): void => {
    intervalClose.close(range.endMs);
    probe.transfer();
    post({ type: 'interval', workerId, snapshot: recorder.flush(range.index, range.startMs, range.endMs) });
    recorder.openIntervalUntil(intervalRange(grid, range.index + 1).endMs);
  };
  recorder.openIntervalUntil(intervalRange(grid, 0).endMs);
  const ticker = new IntervalTicker(startAtMs, grid, totalMs, flush);
  void control.changedFrom(ControlState.started).then(() => stop.trigger());
  const crash = armCrashHook(task);
  // The Redis layer's checks log its outages (first unavailable answer → first answer after it) for `recovery`.
  const redisOutages = new OutageLog(epochNowMs);
  recordOutages(redisOutages);

  try {
    // Every worker sleeps until the same instant, then the schedule's clock starts for all of them.
    await stop.sleep(startAtMs - epochNowMs());
    ticker.start();
    const ctx: ModelContext = { workerId: global.index, workerCount: global.count, startAtMs, warmupMs: load.warmupMs, totalMs, slots, runner, recorder, inFlight, stop, intervalClose };
    if (load.model === 'open') {
      await runOpenModel(ctx, { schedule: createArrivalSchedule(load), maxInFlight: task.maxInFlight, poolTimeoutMs: load.poolTimeoutMs });
    } else {
      await runClosedModel(ctx, { vus: task.slots, thinkTime: load.thinkTime, random: random.fork('think') });
    }
    const aborted = stop.stopped;
    const stoppedAtMs = Math.min(totalMs, epochNowMs() - startAtMs);
    stop.trigger();
    // The drain: iterations that started in the window finish into its last interval (or are cut off).
    await inFlight.settle(aborted ? ABORT_GRACE_MS : load.gracefulStopMs);
    if (inFlight.size > 0) {
      runner.cutOff = true;
      await slots.close();
      await inFlight.settle(CUT_OFF_SETTLE_MS);
    }
    flush(ticker.finish(aborted ? stoppedAtMs : totalMs));
    post({ type: 'done', workerId, faults: slots.faults(), redisOutages: redisOutages.outages() });
  } finally {
    recordOutages(null);
    clearTimeout(crash);
    probe.dispose();
  }
}

/** Test hook: an uncaught error outside any iteration, to prove a crashed worker ends the run cleanly. */
function armCrashHook(task: WorkerTask): NodeJS.Timeout | undefined {
  const after = task.testHooks?.crashAfterMs;
  if (after === undefined) return undefined;
  return setTimeout(() => {
    throw new Error('test hook: worker crashed outside an iteration');
  }, after);
}
