// Runs the load on `workers` piscina threads, one long task each: spreads connections, releases every worker on one
// shared start instant, forwards interval snapshots, and turns a crashed worker into a clean, reported end of the run.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { InfraCode } from '../errors.js';
import type { Plan } from '../scenario/plan.js';
import { epochNowMs } from './clock.js';
import { RunControl } from './control.js';
import type { IntervalSnapshot } from '../metrics/types.js';
import {
  plainError,
  type ConnectionFault,
  type PlainError,
  type RedisOutage,
  type WorkerMessage,
  type WorkerResult,
  type WorkerTask,
  type WorkerTestHooks,
} from './protocol.js';
import type { Dataset } from '../dataset/types.js';

/** Lead time between "all workers ready" and the shared start, so every worker is asleep before it. */
const START_LEAD_MS = 50;
/** Once the run has ended or stopped, how long a worker may take to report before it is given up on. */
const REPORT_TIMEOUT_MS = 5_000;

export interface LoadOptions {
  readonly plan: Plan;
  readonly pgUrl: string;
  readonly redisUrl: string;
  readonly dataset: Dataset;
  readonly intervalMs: number;
  readonly latenessBoundMs: number;
  /** Every worker's snapshot of every interval, as it arrives (for live progress and the aggregator). */
  readonly onInterval: (snapshot: IntervalSnapshot) => void;
  /** The start instant (epoch ms) shared with other shards (`--start-at`); default: as soon as every worker is ready. */
  readonly startAtMs?: number;
  /** Called once with the shared start (epoch ms) when the load begins. */
  readonly onStart?: (startAtMs: number) => void;
  readonly testHooks?: (workerId: number) => WorkerTestHooks | undefined;
}

export interface LoadOutcome {
  /** Shared start, epoch ms (NaN when the load never started). */
  readonly startAtMs: number;
  readonly endedAtMs: number;
  readonly workers: number;
  readonly connections: number;
  /** The first failure: a worker that could not prepare, or crashed. The run must be reported as failed. */
  readonly failure?: PlainError;
  /** True when `stop()` was called before the end. */
  readonly stopped: boolean;
  /** Every worker's connection outages (epoch ms), unmerged. */
  readonly faults: readonly ConnectionFault[];
  /** Every worker's Redis outages as its layer's checks saw them (epoch ms), unmerged. */
  readonly redisOutages: readonly RedisOutage[];
}

/** `total` spread over `parts`: equal shares, the remainder to the first ones. */
export function shareOf(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/**
 * The worker module next to this one: worker.js after tsc, worker.ts under vitest/tsx (then tsx must load it).
 * Built workers get no execArgv at all: Node then inherits the process's per-thread flags, so `node --cpu-prof`
 * profiles every load thread (an explicit list would drop them, and passing process.execArgv rejects V8 flags).
 */
function workerEntry(): { filename: string; execArgv?: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const filename = new URL(ts ? './worker.ts' : './worker.js', import.meta.url).href;
  return ts ? { filename, execArgv: ['--import', 'tsx'] } : { filename };
}

/** Slots per worker: PostgreSQL connections (open model) or VUs (closed model). */
function totalSlots(plan: Plan): number {
  return plan.load.model === 'open' ? plan.load.connections : plan.load.vus;
}

/** Threads a plan runs on: never more than its slots, since a worker without a connection would drop everything. */
export function workerCount(plan: Plan): number {
  return Math.max(1, Math.min(plan.load.workers, totalSlots(plan)));
}

export class LoadPool {
  private readonly control = new RunControl();
  private stopRequested = false;

  constructor(private readonly options: LoadOptions) {}

  /** Stops the load now (Ctrl-C, abort-on-fail). In-flight iterations get a short grace, then are cut off. */
  stop(): void {
    this.stopRequested = true;
    this.control.stop();
  }

  async run(): Promise<LoadOutcome> {
    const { plan } = this.options;
    const slots = totalSlots(plan);
    const workers = workerCount(plan);
    const entry = workerEntry();
    const pool = new Piscina<WorkerTask, WorkerResult>({
      filename: entry.filename,
      ...(entry.execArgv ? { execArgv: entry.execArgv } : {}),
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    const tracker = new WorkerTracker(workers, this.options, () => this.startAll());
    try {
      const tasks = Array.from({ length: workers }, (_, w) => this.runWorker(pool, tracker, w, workers, slots));
      await Promise.all(tasks);
    } finally {
      // Releases any worker still waiting on the control block, then the threads themselves.
      this.control.stop();
      await pool.destroy();
    }
    return {
      startAtMs: this.control.startAtMs,
      endedAtMs: epochNowMs(),
      workers,
      connections: slots,
      ...(tracker.failure ? { failure: tracker.failure } : {}),
      stopped: this.stopRequested,
      faults: tracker.faults,
      redisOutages: tracker.redisOutages,
    };
  }

  private startAll(): void {
    if (this.stopRequested) return;
    const startAtMs = this.options.startAtMs ?? epochNowMs() + START_LEAD_MS;
    this.control.start(startAtMs);
    this.options.onStart?.(startAtMs);
  }

  private async runWorker(pool: Piscina<WorkerTask, WorkerResult>, tracker: WorkerTracker, w: number, workers: number, slots: number): Promise<void> {
    const { plan } = this.options;
    const channel = new MessageChannel();
    const reported = tracker.listen(w, channel.port1);
    const hooks = this.options.testHooks?.(w);
    const task: WorkerTask = {
      workerId: w,
      workerCount: workers,
      plan,
      pgUrl: this.options.pgUrl,
      redisUrl: this.options.redisUrl,
      slots: shareOf(slots, workers, w),
      maxInFlight: plan.load.model === 'open' ? shareOf(plan.load.maxInFlight, workers, w) : shareOf(slots, workers, w),
      dataset: this.options.dataset,
      intervalMs: this.options.intervalMs,
      latenessBoundMs: this.options.latenessBoundMs,
      control: this.control.buffer,
      port: channel.port2,
      ...(hooks ? { testHooks: hooks } : {}),
    };
    try {
      const result = await pool.run(task, { transferList: [channel.port2] });
      if (result.status === 'failed') {
        tracker.fail(w, result.error);
        this.control.stop();
      }
      await withTimeout(reported, REPORT_TIMEOUT_MS);
    } catch (err) {
      // The task rejected: the thread died (uncaught error, process.exit, out of memory). Stop everyone.
      tracker.fail(
        w,
        plainError('infrastructure', InfraCode.workerCrashed, `load worker ${w} crashed: ${(err as Error)?.message ?? String(err)}`, 'This is a bug in authbench or an operation; the results so far are kept, the run is reported as failed.'),
      );
      tracker.abandon(w);
      this.control.stop();
    } finally {
      channel.port1.close();
    }
  }
}

/** Main-side bookkeeping of the workers' messages: readiness barrier, end reports, first failure. */
class WorkerTracker {
  private readonly ready = new Set<number>();
  private readonly settled = new Map<number, () => void>();
  failure: PlainError | undefined;
  readonly faults: ConnectionFault[] = [];
  readonly redisOutages: RedisOutage[] = [];

  constructor(
    private readonly workers: number,
    private readonly options: LoadOptions,
    private readonly onAllReady: () => void,
  ) {}

  /** Routes worker `w`'s port; resolves when it reported `done` or `failed` (or its port closed). */
  listen(w: number, port: MessagePort): Promise<void> {
    return new Promise((resolve) => {
      this.settled.set(w, resolve);
      port.on('message', (message: WorkerMessage) => this.receive(message));
      port.on('close', () => resolve());
    });
  }

  private receive(message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.ready.add(message.workerId);
        if (this.ready.size === this.workers) this.onAllReady();
        return;
      case 'interval':
        this.options.onInterval(message.snapshot);
        return;
      case 'done':
        if (message.faults) this.faults.push(...message.faults);
        if (message.redisOutages) this.redisOutages.push(...message.redisOutages);
        this.settled.get(message.workerId)?.();
        return;
      case 'failed':
        this.fail(message.workerId, message.error);
        this.settled.get(message.workerId)?.();
        return;
    }
  }

  fail(_w: number, error: PlainError): void {
    this.failure ??= error;
  }

  /** A crashed worker will never report: stop waiting for it. */
  abandon(w: number): void {
    this.settled.get(w)?.();
  }
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
