// What results.json says about sharding: a shard's own record (`shard`), and a merged run's record of its shards
// (`merge`). Types only; written by src/run/ (a shard) and src/merge/ (the merge), read by the merge and reporters.
import type { Threshold } from '../thresholds/types.js';
import type { RunStatus, RunVerdict } from './types.js';

/** One shard's run, as that shard wrote it. Its thresholds are judged only on the merged results. */
export interface ShardRecord {
  readonly index: number;
  readonly count: number;
  /** Digest of everything the shards must share (scenario text, seed, schedule, mix, thresholds, dataset): src/shard/run-digest.ts. */
  readonly runDigest: string;
  /** The run's seed (scenario `seed` or `--seed`), for the merge's messages; absent in older files. */
  readonly seed?: number;
  /** The common start asked for (`--start-at`), epoch ms; null when the shard started as soon as it was ready. */
  readonly startAtMs: number | null;
  /** When this shard's load actually started, epoch ms by its own clock. */
  readonly loadStartMs: number;
  /** Server clock − this shard's clock (SELECT clock_timestamp() round trips); null when it could not be read. */
  readonly clock: { readonly offsetMs: number; readonly rttMs: number; readonly samples: number } | null;
  /** The plan's thresholds, judged once on the merged data (never by a shard alone, nor abort-on-fail). */
  readonly thresholds: readonly Threshold[];
  readonly latenessBoundMs: number;
  readonly intervalMs: number;
}

/** One shard as the merge found it. */
export interface MergedShard {
  readonly index: number;
  /** The shard's report directory, as given to the merge. */
  readonly dir: string;
  readonly status: RunStatus | 'missing';
  readonly verdict: RunVerdict | null;
  readonly clockOffsetMs: number | null;
  readonly scheduled: number;
  readonly connections: number;
}

/** Present in a merged run's results.json. */
export interface MergeRecord {
  readonly count: number;
  readonly shards: readonly MergedShard[];
  readonly startAtMs: number | null;
  /** max − min of the shards' clock offsets against the database server, ms; null when a shard had none. */
  readonly clockSpreadMs: number | null;
  /** Which shard's server-side evidence (connections, pg_stat_statements, Redis INFO) the results carry: taken once. */
  readonly serverEvidenceFrom: number | null;
}
