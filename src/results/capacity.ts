// What `authbench capacity` writes to capacity.json (versioned; docs/capacity.md): every step tried and the knee.
// Produced by src/capacity/; read by the console table and src/report/capacity-html.ts. Types and the schema version only.
import type { RunVerdict } from './types.js';
import type { Diagnosis } from '../diagnosis/types.js';

export const CAPACITY_SCHEMA_VERSION = 1 as const;

/**
 * How one step ended. `held`: every threshold passed on a valid run. `failed`: a threshold failed (the database's
 * limit). `invalid`: the generator could not keep the schedule (its own limit, or the connection pool's).
 * `inconclusive`: too few samples to prove the thresholds — never counted as held.
 */
export type StepVerdict = 'held' | 'failed' | 'invalid' | 'inconclusive';

/** Why the search stopped (`stopped` in CapacityResults.end is Ctrl-C, added by the runner). */
export type SearchEnd =
  /** The knee is known within the precision. */
  | 'precision'
  /** The ramp reached --max without breaking: the knee is at or above the highest rate that held. */
  | 'max-reached'
  /** Even the lowest rate tried broke. */
  | 'nothing-held'
  /** The step budget ran out first. */
  | 'step-limit'
  /** Rates cannot be split any finer (rounding). */
  | 'resolution';

/** One operation or phase at one step (measured window): latency from the intended start. */
export interface CapacityOperationPoint {
  readonly key: string;
  readonly count: number;
  /** Failed iterations ÷ iterations, 0..1. */
  readonly errorRatio: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface CapacityStep {
  /** 1-based, in the order run. */
  readonly index: number;
  /** Scheduled arrivals per second. */
  readonly rate: number;
  /** Iterations finished per measured second (top-level operations). */
  readonly achievedRate: number;
  readonly verdict: StepVerdict;
  /** The step run's own verdict (PASS, FAIL, INCONCLUSIVE, INVALID, ABORTED). */
  readonly runVerdict: RunVerdict;
  /** Why it did not hold: failed or inconclusive thresholds with their measured values, or the generator's reasons. */
  readonly reasons: readonly string[];
  readonly operations: readonly CapacityOperationPoint[];
  /** The step's own results.json, relative to capacity.json. */
  readonly results: string;
  /** The step run's diagnosis: which resource limited it (absent in older files). */
  readonly diagnosis?: Diagnosis;
}

export interface CapacityResults {
  readonly schemaVersion: typeof CAPACITY_SCHEMA_VERSION;
  readonly kind: 'authbench-capacity';
  readonly scenario: { readonly name: string; readonly file: string; readonly description: string };
  readonly startedAt: string;
  readonly endedAt: string;
  readonly search: {
    readonly start: number;
    readonly max: number;
    readonly precision: number;
    readonly growth: number;
    readonly stepDurationMs: number;
    readonly stepWarmupMs: number;
    readonly connections: number;
    readonly workers: number;
  };
  /** Thresholds judged at every step, as written (`auth.login/db p95 < 25ms`). */
  readonly thresholds: readonly string[];
  /** Thresholds not judged: throughput, count and connections describe the load, which each step sets itself. */
  readonly ignoredThresholds: readonly string[];
  readonly steps: readonly CapacityStep[];
  /** Highest scheduled rate that held (every threshold passed, generator valid); null when none did. */
  readonly knee: number | null;
  /** The lowest rate that did not hold above the knee, and how it broke. */
  /** `diagnosis`: what limited the first rate that did not hold, i.e. the resource at the knee (absent in older files). */
  readonly firstBad: { readonly rate: number; readonly verdict: StepVerdict; readonly reasons: readonly string[]; readonly diagnosis?: Diagnosis } | null;
  readonly end: SearchEnd | 'stopped';
  /** Present only when the server may lose commits (`fsync=off`, …): every step's results carry it too. */
  readonly nonDurable?: readonly string[];
  /** One sentence: the knee and what broke it (database, generator or unproven). */
  readonly summary: string;
}
