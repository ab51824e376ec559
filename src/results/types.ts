// The results of one run as written to results.json (versioned; documented in docs/results.md).
// Produced by src/run/, read by thresholds evaluation, reporters, `authbench report` and `authbench compare`. Imports
// nothing: every room may depend on it. Its JSON Schema is schema/results.schema.json (src/results/json-schema.ts).
import type { Diagnosis } from '../diagnosis/types.js';
import type { EventResult } from '../events/types.js';
import type { RunSeries } from '../series/types.js';
import type { MergeRecord, ShardRecord } from './shard.js';

export type { MergeRecord, MergedShard, ShardRecord } from './shard.js';

export const RESULTS_SCHEMA_VERSION = 1 as const;

/**
 * Why an iteration did not succeed. Outcomes the system answered correctly (a wrong password refused, a
 * rate-limited login) are not errors: they are counted in `outcomes`.
 * - connection: could not reach the server / connection lost / backend terminated
 * - timeout: no answer within the operation's timeout
 * - server: the server answered with an error (SQL error, Redis error reply)
 * - wrong_answer: the server answered, but wrongly (a revoked token accepted, a granted permission denied)
 * - cache: the Redis layer was unavailable (the operation may still have succeeded through the database)
 * - interrupted: still in flight when the run stopped
 * - client: a bug or failure in the generator itself
 */
export const ERROR_KINDS = ['connection', 'timeout', 'server', 'wrong_answer', 'cache', 'interrupted', 'client'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Latency percentiles in milliseconds, from an HDR histogram recorded in microseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly stdDevMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
}

/** One operation (`auth.login`) or one phase of it (`auth.login/db`), over the measured window. */
export interface OperationResult {
  /** `auth.login` or `auth.login/db`. */
  readonly key: string;
  readonly operation: string;
  readonly phase?: string;
  /** Iterations that finished in the measured window: successes + errors. */
  readonly count: number;
  readonly errors: Readonly<Partial<Record<ErrorKind, number>>>;
  /** Correct answers by kind, e.g. { granted: 9500, denied: 500 } or { hit: 900, miss: 100 }. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** count ÷ measured seconds. */
  readonly throughputPerSec: number;
  /** Open model: from the intended start (coordinated omission corrected). Closed: from the actual start. */
  readonly latency: LatencySummary;
  /** From the actual start (service time). Equal to `latency` in the closed model. */
  readonly service: LatencySummary;
  /** Base64 compressed HDR histogram of `latency` in µs (HdrHistogram's standard encoding). */
  readonly latencyHistogram: string;
  readonly serviceHistogram: string;
}

/** Per-operation figures of one interval (normally one second). */
export interface IntervalOperation {
  readonly count: number;
  readonly errors: Readonly<Partial<Record<ErrorKind, number>>>;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** One point of the time series. Times are ms since the load started (warm-up included). */
export interface IntervalPoint {
  readonly startMs: number;
  readonly endMs: number;
  readonly warmup: boolean;
  /** Scheduled arrivals per second (open model). */
  readonly targetRate?: number;
  /** Iterations finished per second. */
  readonly achievedRate: number;
  /** Arrivals that never started: still waiting for a connection when the run was stopped. */
  readonly dropped: number;
  /** Arrivals that found every connection busy and waited for one (absent in results from before the pool wait). */
  readonly queued?: number;
  /** Waiting arrivals that gave up at the pool timeout (each also a `timeout` error of its operation). */
  readonly poolTimeouts?: number;
  readonly inFlight: number;
  readonly operations: Readonly<Record<string, IntervalOperation>>;
  /** Server-side connection count sampled in this interval (pg_stat_activity), when sampled. */
  readonly serverConnections?: number;
  readonly serverActiveConnections?: number;
  /** Working load client connections at the pooler sampled in this interval (SHOW CLIENTS), behind target.pooler. */
  readonly poolerClients?: number;
  readonly eventLoopLagMaxMs: number;
}

/** Whether the generator kept its schedule. An invalid run says nothing about the database. */
export interface GeneratorHealth {
  readonly scheduled: number;
  readonly started: number;
  /** Arrivals that never started: still waiting for a connection when the run was stopped. */
  readonly dropped: number;
  /** Arrivals that found every connection busy and waited for one (their wait is in their latency). */
  readonly queued?: number;
  /** Waiting arrivals that gave up at the pool timeout (each also a `timeout` error of its operation). */
  readonly poolTimeouts?: number;
  /** Seen by the dispatcher later than the lateness bound after their intended time: the generator's own lag. */
  readonly late: number;
  readonly latenessBoundMs: number;
  readonly scheduleLagP99Ms: number;
  readonly scheduleLagMaxMs: number;
  readonly eventLoopLagP99Ms: number;
  readonly eventLoopLagMaxMs: number;
  readonly valid: boolean;
  readonly invalidReasons: readonly string[];
}

/** A statement's activity during the run window (pg_stat_statements delta). */
export interface StatementActivity {
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly rows: number;
}

/** Database-side evidence for the run window. */
export interface ServerEvidence {
  readonly connectionsPeak: number;
  readonly activeConnectionsPeak: number;
  /**
   * pg_stat_activity samples in the measured window the peaks rest on. 0: never sampled (the sampler's queries all
   * failed), so the peaks are not a measurement and a `connections` threshold is INCONCLUSIVE. Absent in older files.
   */
  readonly connectionSamples?: number;
  /** The sampler's last error, when a sample failed. */
  readonly connectionSamplingError?: string;
  /** Present when the load went through a pooler (target.pooler): what it counted on its admin console. */
  readonly pooler?: PoolerEvidence;
  readonly statements: readonly StatementActivity[];
  /** shared buffer hits ÷ (hits + reads) over the window, 0..1. */
  readonly bufferHitRatio: number | null;
  readonly commits: number;
  readonly rollbacks: number;
  readonly redis: {
    readonly keyspaceHits: number;
    readonly keyspaceMisses: number;
    readonly hitRatio: number | null;
    readonly commandsProcessed: number;
    /**
     * Present when Redis failed during the load: the counters add up what each server counted while it was read (once
     * a second), so the last second before a failure is missing. `serverChanges`: another server (a restart, new
     * run_id) answered afterwards; `lostAtEnd`: unreachable when the load ended (counted up to the last reading).
     */
    readonly gaps?: { readonly serverChanges: number; readonly lostAtEnd: boolean };
  } | null;
}

/**
 * Connections at the pooler (PgBouncer's admin console, once a second): the load's client connections, counted like
 * the server backends above (working within the last second), and the pooler's own server connections. The server
 * backends the load used are ServerEvidence.connectionsPeak.
 */
export interface PoolerEvidence {
  readonly kind: 'pgbouncer';
  /** Server connections the pooler may open per database and user (default_pool_size). */
  readonly poolSize: number;
  /** Pooling mode; authbench starts PgBouncer in transaction mode. */
  readonly mode: 'transaction';
  /** How the pooler reached PostgreSQL: its Unix socket (embedded target), or TCP with or without TLS. Absent in older results. */
  readonly serverTransport?: 'unix-socket' | 'tcp-tls' | 'tcp';
  /** Most load client connections at one sample (SHOW CLIENTS: working within the last second, or waiting). */
  readonly clientConnectionsPeak: number;
  /** Most load client connections waiting for a server connection at one sample (SHOW POOLS cl_waiting). */
  readonly clientsWaitingPeak: number;
  /** Most server connections the pooler held open to PostgreSQL at one sample (SHOW POOLS sv_*). */
  readonly serverConnectionsPeak: number;
  /** Admin-console samples in the measured window; 0: never sampled, so a `connections(client)` threshold is INCONCLUSIVE. */
  readonly clientSamples: number;
  /** The last sampling error, when a sample failed. */
  readonly samplingError?: string;
}

/**
 * One outage of the load's PostgreSQL connections (a restart, terminated backends): from the first connection-level
 * error to the moment every affected worker had reconnected. Times are ms since the load start (warm-up included).
 */
export interface ConnectionFaultResult {
  readonly firstErrorMs: number;
  /** Null when the run ended before the connections came back. */
  readonly recoveredMs: number | null;
  /** recoveredMs − firstErrorMs: the time to recover. */
  readonly downtimeMs: number | null;
  /** Iterations that failed because their connection was lost or could not be re-established. */
  readonly connectionErrors: number;
  /** Outages merged into this one (one per affected worker). */
  readonly workers: number;
}

/**
 * One Redis outage as the load's cache-backed checks saw it (a killed or hung redis-server): from the first check
 * answered `unavailable` to the first answer after it in every affected worker. Times are ms since the load start.
 */
export interface RedisFaultResult {
  readonly firstErrorMs: number;
  /** Null when the run ended before Redis answered again. */
  readonly recoveredMs: number | null;
  readonly downtimeMs: number | null;
  /** Checks answered `unavailable` (an iteration may make several: a login's rate limit and session write). */
  readonly unavailableChecks: number;
  readonly workers: number;
}

export const RUN_STATUSES = ['completed', 'aborted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The run's verdict, decided by src/verdict/. */
export const RUN_VERDICTS = ['PASS', 'FAIL', 'INCONCLUSIVE', 'INVALID', 'ABORTED'] as const;
export type RunVerdict = (typeof RUN_VERDICTS)[number];

export type Comparator = '<' | '<=' | '>' | '>=';

export type ThresholdMetric =
  | 'p50' | 'p90' | 'p95' | 'p99' | 'p99.9' | 'max' | 'mean'
  | 'errors' | 'throughput' | 'connections' | 'connections(client)' | 'count';

export type ThresholdStatus = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** The verdict on one threshold. `measured` is in the threshold's canonical unit; null when there was nothing to measure. */
export interface ThresholdVerdict {
  readonly source: string;
  /** `run`, `auth.login` or `auth.login/db`. */
  readonly scopeKey: string;
  readonly metric: ThresholdMetric;
  readonly comparator: Comparator;
  readonly target: number;
  readonly measured: number | null;
  /** Samples the measurement rests on: iterations of the operation (run-wide: of all top-level operations); 1 for connections. */
  readonly samples: number;
  readonly status: ThresholdStatus;
  /** Why INCONCLUSIVE, or a short explanation of a FAIL. */
  readonly reason?: string;
}

/**
 * What a streaming output (`--out prometheus-rw=URL`) delivered during the run. A push that failed or was dropped
 * loses resolution, not totals: every push carries the counters since the load started (docs/prometheus.md).
 */
export interface OutputReport {
  readonly kind: 'prometheus-rw';
  /** Redacted. */
  readonly url: string;
  /** The `run_id` and `shard` labels of every series pushed. */
  readonly runId: string;
  readonly shard: string;
  /** Write requests accepted by the receiver (2xx). */
  readonly pushes: number;
  /** Samples in the accepted pushes. */
  readonly samples: number;
  /** Write requests refused or unanswered (error status, network error, timeout): their samples are lost. */
  readonly failedPushes: number;
  /** Write requests never sent: the queue was full (the receiver too slow) or the end-of-run deadline passed. */
  readonly droppedPushes: number;
  /** The first failure, redacted, when there was one. */
  readonly firstError?: string;
}


export interface RunResults {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  readonly authbench: { readonly version: string; readonly gitCommit: string | null };
  readonly scenario: { readonly name: string; readonly description: string; readonly file: string; readonly text: string };
  readonly status: RunStatus;
  readonly abortReason?: string;
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly endedAt: string;
  /** The measured window, ms since load start (warm-up excluded). */
  readonly measuredWindow: { readonly startMs: number; readonly endMs: number };
  readonly load: {
    readonly model: 'open' | 'closed';
    /** Peak scheduled rate (open model). */
    readonly targetRate?: number;
    readonly vus?: number;
    readonly durationMs: number;
    readonly warmupMs: number;
    readonly connections: number;
    readonly workers: number;
  };
  readonly target: {
    readonly kind: 'embedded' | 'docker' | 'external';
    /** Always redacted. */
    readonly pgUrl: string;
    readonly redisUrl: string;
    /** How the load workers reached each server: a Unix-domain socket (embedded target) or TCP. Absent in older files. */
    readonly workerTransport?: { readonly postgres: 'unix-socket' | 'tcp' | 'pgbouncer'; readonly redis: 'unix-socket' | 'tcp' };
    readonly serverVersion: string;
    readonly redisVersion: string;
    /** Relevant server settings (synchronous_commit, shared_buffers, max_connections, …). */
    readonly settings: Readonly<Record<string, string>>;
    /**
     * Present only when the server may lose a committed transaction in a crash: the settings that say so
     * (`fsync=off`, `synchronous_commit=off`, …). Every reporter marks such a run non-durable.
     */
    readonly nonDurable?: readonly string[];
  };
  readonly dataset: { readonly users: number; readonly seed: number; readonly fingerprint: string; readonly reused: boolean };
  readonly environment: {
    readonly node: string;
    readonly os: string;
    readonly cpuModel: string;
    readonly cpus: number;
    readonly memoryBytes: number;
  };
  readonly operations: readonly OperationResult[];
  readonly intervals: readonly IntervalPoint[];
  readonly generator: GeneratorHealth;
  readonly server: ServerEvidence | null;
  readonly thresholds: readonly ThresholdVerdict[];
  readonly verdict: RunVerdict;
  /**
   * Present only when the database connections or Redis failed during the load (added in 0.1; readers must accept its
   * absence). `faults`: PostgreSQL outages (may be empty); `redisFaults`: Redis outages, present when there were any.
   */
  readonly recovery?: { readonly faults: readonly ConnectionFaultResult[]; readonly redisFaults?: readonly RedisFaultResult[] };
  /** Present when this run is one shard of a run split over several processes (docs/distributed.md). */
  readonly shard?: ShardRecord;
  /** Present when these results are the merge of shards (`authbench merge`). */
  readonly merge?: MergeRecord;
  /**
   * The machine's and the servers' per-interval series on the intervals' grid (src/series/types.ts). Absent when the run
   * was made with `--no-server-series`, and in older files.
   */
  readonly series?: RunSeries;
  /** Which resource limited the run, with the figures that show it and what to do (src/diagnosis/). Absent in older files. */
  readonly diagnosis?: Diagnosis;
  /**
   * Present when the scenario has `events:`: every occurrence (run or not), its window, its impact on each operation
   * against the seconds before it, and the time to recover (src/events/impact.ts; added in 0.1, readers must accept its absence).
   */
  readonly events?: readonly EventResult[];
  /** Streaming outputs and what they delivered; absent when the run had none (and in older files). */
  readonly outputs?: readonly OutputReport[];
  /** Files written beside results.json (relative names), e.g. the .hlog. */
  readonly artifacts: Readonly<Record<string, string>>;
}
