// The diagnosis every verdict carries in results.json: which resource limited the run, the figures that show it and
// what to do about it. Computed by diagnose.ts from the series and the intervals; reporters only print it.

/**
 * - generator: the load generator's own thread (CPU-bound, event loop late, answers waiting for it while the server idles)
 * - host-cpu: the machine's CPUs, shared by the generator, PostgreSQL and Redis, were all busy
 * - database: the database's own time, named by its dominant wait class (CPU, Lock, LWLock, IO:WALSync, Timeout…)
 * - disk: WAL fsyncs (or IO waits) stalled in the very seconds latency rose
 * - connection-pool: every load connection was busy while the server had capacity to spare
 * - none: nothing ran out (a passing run); unknown: not enough evidence (no series recorded)
 */
export const LIMITING_RESOURCES = ['generator', 'host-cpu', 'database', 'disk', 'connection-pool', 'none', 'unknown'] as const;
export type LimitingResource = (typeof LIMITING_RESOURCES)[number];

export interface Diagnosis {
  readonly resource: LimitingResource;
  /** For the database and the disk: the dominant wait of the load's backends, `type:event` (`Lock:transactionid`) or `CPU`. */
  readonly wait?: string;
  /** One sentence naming the resource with its key figure. */
  readonly summary: string;
  /** The figures behind it, one per line. */
  readonly evidence: readonly string[];
  /** What to do about it. */
  readonly advice: readonly string[];
  /** The measured seconds the diagnosis looked at; `slowSeconds`: those of the highest latency, where waits were read. */
  readonly seconds: number;
  readonly slowSeconds: number;
}
