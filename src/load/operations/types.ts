// The contract between the load engine and one operation (`auth.login`, `sql`, …): prepare once, run per iteration.
// Operations return what the server answered as data (an outcome, or an error kind); the executor records it.
import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { RedisLayer } from '../../authdb/redis/index.js';
import type { ErrorKind } from '../../results/types.js';
import type { Step } from '../../scenario/plan.js';
import type { Dataset } from '../../dataset/types.js';
import type { Partition } from '../generators.js';
import type { Random } from '../random.js';
import type { SessionPool } from './session-pool.js';
import type { OperationCatalogEntry } from './spec.js';

export type { ParamValue } from '../generators.js';
import type { ParamValue } from '../generators.js';

/** What one step of an iteration ended with: a correct answer of some kind, or an error. */
export type StepResult =
  | { readonly outcome: string }
  | { readonly error: ErrorKind; readonly message: string };

/** Per-worker resources every prepared operation may use. Owned by the worker, never closed by an operation. */
export interface OperationEnv {
  readonly workerId: number;
  readonly workerCount: number;
  readonly dataset: Dataset;
  /** The worker's Redis client (null when no operation of the plan needs Redis). */
  readonly redis: Redis | null;
  /** The Redis layer of the auth database over `redis`. Throws when redis is null. */
  readonly redisLayer: () => RedisLayer;
  /** A connection for one-off reads while preparing (e.g. the expected permission masks). Not used by iterations. */
  readonly setupClient: pg.Client | null;
  /** The run's seeded PRNG for this worker; operations fork their own stream from it. */
  readonly random: Random;
  /** Sessions issued by this worker's logins, for token.refresh and auth.logout. */
  readonly sessions: SessionPool;
}

/** Per-iteration scope: the iteration's own PostgreSQL connection and phase timing. */
export interface IterationScope {
  /** The connection this iteration owns (like a pgbench client). Null when the plan needs no PostgreSQL. */
  readonly pg: pg.Client | null;
  /** Runs `fn` and records its duration as phase `name` (e.g. `db` → `auth.login/db`); repeated names add up. */
  phase<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Records a phase measured by the operation itself (ms). */
  addPhase(name: string, durationMs: number): void;
  /** Draws the step's generated parameter `name` (from the step's `params`). */
  param(name: string): ParamValue | undefined;
}

export interface PreparedOperation {
  run(scope: IterationScope): Promise<StepResult>;
}

/** A Redis cache the warm stage fills before the load (src/run/warm-stage.ts), and the share of it to fill. */
export interface WarmRequest {
  readonly cache: 'sessions' | 'permissions';
  /** The share of entries to cache, from the step's validated options. */
  ratio(options: Step['options']): number;
}

/**
 * One operation, all in its own file: its catalog entry (what a scenario may write), what it talks to, whether it
 * needs authbench's schema and seeded data, which cache it wants warmed, and `prepare` (once per worker) → `run`.
 */
export interface OperationDefinition {
  readonly name: string;
  /** What the operation talks to: the worker opens only what some operation needs. */
  readonly uses: { readonly pg: boolean; readonly redis: boolean };
  /** The scenario catalog's entry (src/scenario/operations.ts lists them all). */
  readonly catalog: OperationCatalogEntry;
  /** False: the operation needs only a server, not authbench's schema and dataset (sql, redis). Default true. */
  readonly needsSchema?: boolean;
  readonly warms?: WarmRequest;
  prepare(step: Step, env: OperationEnv): Promise<PreparedOperation>;
}

/** Worker w of W takes every W-th value of a `sequential` generator, so values do not repeat across workers. */
export function partitionOf(env: OperationEnv): Partition {
  return { index: env.workerId, count: env.workerCount };
}

export const ok = (outcome: string): StepResult => ({ outcome });
export const failed = (error: ErrorKind, message: string): StepResult => ({ error, message });

/** The PostgreSQL connection of the scope, or a client error when the plan forgot to open one. */
export function requirePg(scope: IterationScope): pg.Client {
  if (!scope.pg) throw new Error('this operation needs a PostgreSQL connection, but none was opened');
  return scope.pg;
}
