// The frozen plan of one run: what a scenario file says, validated, in program units (ms, per second, 0..1).
// Produced once by the scenario parser; every later stage reads it and none changes it.
import type { Threshold } from '../thresholds/types.js';
import type { PlanEvent } from './event-types.js';
import type { Dataset } from '../dataset/types.js';
import { operationKey, taggedOperation } from '../results/keys.js';

export type { Threshold } from '../thresholds/types.js';

/** Where the databases come from. Maps onto the provisioning TargetSpec in src/target/. */
export interface PlanTarget {
  readonly kind: 'embedded' | 'docker' | 'external';
  /** External/admin PostgreSQL URL (only for kind 'external', or from flags/env). */
  readonly pgUrl?: string;
  readonly redisUrl?: string;
  /** Durable commits. Default true; a scenario must say `synchronousCommit: false` to trade durability. */
  readonly synchronousCommit: boolean;
  /** Extra PostgreSQL settings (name → value) for servers authbench starts. */
  readonly serverSettings: Readonly<Record<string, string>>;
  /** Allow writing into an existing non-empty database (external targets). */
  readonly allowNonEmpty: boolean;
  /**
   * The Redis layer's state when the load starts. `warm` (the parser's default): the cacheHitRatio shares are
   * cached before the load. `cold`: every key under authbench's prefix is deleted and nothing is warmed, as after
   * a Redis restart; caches fill only through the operations themselves. Absent in hand-built plans: warm.
   */
  readonly cache?: CacheState;
  /**
   * How long day partitions are kept after their UTC day ends (ms); absent fields keep the database's values
   * (30 days each). Sessions retention also caps every session's life, so a dropped partition holds no live session.
   */
  readonly retention?: { readonly sessionsMs?: number; readonly auditMs?: number };
  /**
   * A connection pooler authbench starts between the load and PostgreSQL (embedded only): PgBouncer in transaction
   * pooling mode with `poolSize` server connections. The workers then bind unnamed statements (see prepared-statement.ts).
   */
  readonly pooler?: { readonly kind: 'pgbouncer'; readonly poolSize: number };
}

export type CacheState = 'warm' | 'cold';

/** The scenario's `dataset` section: the part of the dataset a scenario sets (src/dataset/types.ts has the rest). */
export type PlanDataset = Readonly<Pick<Dataset, 'users' | 'seed' | 'sessionsPerUser' | 'revokedShare' | 'agentShare'>>;

/** One segment of an open-model schedule: the rate moves linearly from the previous target to `targetRate`. */
export interface RateStage {
  readonly durationMs: number;
  /** Iterations per second at the end of the stage. */
  readonly targetRate: number;
}

interface LoadCommon {
  /** Measured time, after warm-up. For open models it equals the sum of the stages' durations. */
  readonly durationMs: number;
  /** Run before measuring; excluded from results but shown in the time series. */
  readonly warmupMs: number;
  /** PostgreSQL connections in total, spread evenly over workers. */
  readonly connections: number;
  /** Redis connections in total (one per worker is usually enough: ioredis pipelines). */
  readonly redisConnections: number;
  /** Worker threads; resolved from 'auto' (core count) by the parser. */
  readonly workers: number;
  /** How long in-flight iterations may finish after the end before they are cut off and counted as interrupted. */
  readonly gracefulStopMs: number;
}

/** Open model: iterations arrive on a schedule, whether or not earlier ones finished (wrk2, k6 arrival-rate). */
export interface OpenLoad extends LoadCommon {
  readonly model: 'open';
  /** Rate at the start of the first stage (and during warm-up). */
  readonly startRate: number;
  readonly stages: readonly RateStage[];
  /** Iterations that may be in flight at once; beyond it new arrivals wait, as for a busy connection. Default: connections. */
  readonly maxInFlight: number;
  /** How long an arrival waits for a free connection before it fails as a `timeout` error (ms). Default 5 s. */
  readonly poolTimeoutMs: number;
}

/** Closed model: a fixed number of virtual users, each owning a connection, looping with optional think time. */
export interface ClosedLoad extends LoadCommon {
  readonly model: 'closed';
  readonly vus: number;
  readonly thinkTime: { readonly minMs: number; readonly maxMs: number };
}

export type LoadPlan = OpenLoad | ClosedLoad;

/** A parameter value drawn per iteration, deterministic from the run's seed. */
export type ParamGenerator =
  | { readonly kind: 'const'; readonly value: string | number | boolean }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  /** Zipf over ranks 1..n with exponent s: rank 1 is the hottest. */
  | { readonly kind: 'zipf'; readonly s: number; readonly n: number }
  | { readonly kind: 'sequential'; readonly start: number; readonly end: number }
  | { readonly kind: 'list'; readonly values: readonly (string | number | boolean)[] };

/** One operation call inside a mix entry. `op` names an operation in the registry (e.g. `auth.login`, `sql`). */
export interface Step {
  readonly op: string;
  /** Generated parameters, by name (e.g. `user: zipf(1.1)`). */
  readonly params: Readonly<Record<string, ParamGenerator>>;
  /** Operation options, validated by the operation's own option schema (e.g. `wrongPasswordShare`, `query`). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A weighted entry of the traffic mix: one operation, or an ordered flow of operations run as one iteration. */
export interface MixEntry {
  /**
   * Unique; defaults to the op (flows: ops joined by `+`). Results are kept per operation (`auth.login`,
   * `auth.login/db`), not per entry; in thresholds a single-operation entry's name stands for its operation.
   */
  readonly name: string;
  readonly weight: number;
  readonly steps: readonly Step[];
  /**
   * Keeps this entry's results apart: its operations are recorded as `op@tag` (`auth.login@attack`,
   * `auth.login@attack/db`) instead of merging with the same operation of other entries.
   */
  readonly tag?: string;
}

/** The result key an operation of an entry is recorded under: `op`, or `op@tag` for a tagged entry. */
export function recordedOperation(op: string, tag: string | undefined): string {
  return taggedOperation(op, tag);
}

export interface Plan {
  readonly name: string;
  readonly description: string;
  /** The scenario file and its full text (copied into the report). */
  readonly source: { readonly file: string; readonly text: string };
  /** Seed for every random choice of the run (parameters, mix picks, wrong passwords). */
  readonly seed: number;
  readonly target: PlanTarget;
  readonly dataset: PlanDataset;
  readonly load: LoadPlan;
  readonly mix: readonly MixEntry[];
  /** Operations run by the main process at set times during the load (absent: none). */
  readonly events?: readonly PlanEvent[];
  readonly thresholds: readonly Threshold[];
  /**
   * Fields a command-line flag set instead of the file, by path (`load.connections` → `--connections`), so that a
   * later check (the server's connection budget) blames the flag the value came from, not the file.
   */
  readonly setByFlag?: Readonly<Record<string, string>>;
  /** Set when this process runs one shard of a run split over `count` processes (src/shard/shard-plan.ts). */
  readonly shard?: ShardOf;
}

/** Shard `index` (0-based) of `count`: together the shards run exactly the unsharded plan's load. */
export interface ShardOf {
  readonly index: number;
  readonly count: number;
}

/** Key of an operation or phase in results: `auth.login`, or `auth.login/db` for a phase. */
export function metricKey(operation: string, phase?: string): string {
  return operationKey(operation, phase);
}
