// Every message between the main thread and a load worker, typed as discriminated unions (piscina's types.ts idea).
// Errors cross the thread boundary as plain data {kind, code, message}: class instances do not survive structured clone.
import type { MessagePort } from 'node:worker_threads';
import type { Plan } from '../scenario/plan.js';
import type { IntervalSnapshot } from '../metrics/types.js';
import type { RedisOutage } from '../authdb/redis/availability.js';
import type { ErrorCode } from '../errors.js';
import type { Dataset } from '../dataset/types.js';

export type { RedisOutage };

/** Where a failure came from: the run's infrastructure (exit 3), the user's input (exit 2), or the generator (a bug). */
export type PlainErrorKind = 'infrastructure' | 'input' | 'client';

/** An error as plain data: survives postMessage and task results. `code` is a stable AB_ERR_* code. */
export interface PlainError {
  readonly kind: PlainErrorKind;
  readonly code: ErrorCode;
  readonly message: string;
  readonly hint?: string;
}

/** Hooks that only tests set: they make a worker misbehave on purpose. */
export interface WorkerTestHooks {
  /** Throw an uncaught error outside any iteration this long after the load starts. */
  readonly crashAfterMs?: number;
}

/** The one long-running task each worker gets. Everything is structured-clone-able except `port` (transferred). */
export interface WorkerTask {
  readonly workerId: number;
  readonly workerCount: number;
  readonly plan: Plan;
  /** URL the iterations connect with (the app role when known, else the admin URL). */
  readonly pgUrl: string;
  readonly redisUrl: string;
  /** This worker's PostgreSQL connections (open model) or virtual users (closed model). */
  readonly slots: number;
  /** This worker's share of the open model's maxInFlight. */
  readonly maxInFlight: number;
  /** The seeded dataset (src/dataset/types.ts): operations derive users, passwords and sessions from it. */
  readonly dataset: Dataset;
  /** Length of one time-series interval, ms (normally 1000). */
  readonly intervalMs: number;
  /** Started iterations later than this after their intended time count as late. */
  readonly latenessBoundMs: number;
  /** Shared control block (see control.ts): start time and stop flag, read with Atomics. */
  readonly control: SharedArrayBuffer;
  /** Worker → main: WorkerMessage. Transferred. */
  readonly port: MessagePort;
  readonly testHooks?: WorkerTestHooks;
}

/**
 * An outage of a worker's PostgreSQL connections (connection-slots.ts), epoch ms: from the first connection-level
 * failure to the first successful reconnect (null: the run ended first). `connectionErrors`: iterations it failed.
 */
export interface ConnectionFault {
  readonly firstErrorAtMs: number;
  readonly recoveredAtMs: number | null;
  readonly connectionErrors: number;
}

/** Worker → main messages on the task's port. */
export type WorkerMessage =
  | { readonly type: 'ready'; readonly workerId: number; readonly connections: number }
  /** One closed interval; the generator's health (scheduled, dropped, late, lags) travels inside the snapshot. */
  | { readonly type: 'interval'; readonly workerId: number; readonly snapshot: IntervalSnapshot }
  /** Sent after the last interval: nothing more will come from this worker. */
  | { readonly type: 'done'; readonly workerId: number; readonly faults?: readonly ConnectionFault[]; readonly redisOutages?: readonly RedisOutage[] }
  | { readonly type: 'failed'; readonly workerId: number; readonly error: PlainError };

/** What the task's promise resolves to. A failure is data, never a rejected promise (a rejection means a crash). */
export type WorkerResult =
  | { readonly status: 'completed'; readonly workerId: number }
  | { readonly status: 'failed'; readonly workerId: number; readonly error: PlainError };

export function plainError(kind: PlainErrorKind, code: ErrorCode, message: string, hint?: string): PlainError {
  return hint === undefined ? { kind, code, message } : { kind, code, message, hint };
}
