// What the seeding stage did (SeedReport) and how far it is (SeedProgress): the seeder's own types.
// The dataset it builds is described by src/dataset/types.ts.
import type { Dataset } from '../../dataset/types.js';

export type SeedPhase = 'check' | 'hash' | 'prepare' | 'copy' | 'index' | 'analyze' | 'done';

export interface SeedProgress {
  phase: SeedPhase;
  /** Table being loaded, during `copy`. */
  table?: string;
  /** Rows written so far to `table`. */
  rows?: number;
  /** Wall time since seeding started, ms. */
  elapsedMs: number;
}

export interface TableLoad {
  table: string;
  /** Where the rows went: the table itself, or a partitioned table's default partition. */
  copiedInto: string;
  /** Whether COPY FREEZE was used. */
  frozen: boolean;
  rows: number;
  durationMs: number;
}

export interface SeedReport {
  /** True when the database already held this exact dataset and nothing was written. */
  reused: boolean;
  fingerprint: string;
  spec: Dataset;
  /** Rows per table (from the generator when seeded, from the dataset record when reused). */
  counts: Record<string, number>;
  /** One entry per loaded table, in load order; empty when reused. */
  tables: TableLoad[];
  /** Time to hash the known passwords, ms. */
  hashMs: number;
  /** Time to rebuild indexes and constraints after the load (and refresh derived views), ms. */
  indexMs: number;
  /** Each statement of that rebuild with its time, in order. */
  indexSteps: { statement: string; durationMs: number }[];
  /** Time of VACUUM (FREEZE, ANALYZE) of the seeded tables and the CHECKPOINT after it, ms. */
  analyzeMs: number;
  /** On reuse: credentials whose failure counters or lock (left by earlier runs) were cleared. */
  credentialsReset: number;
  totalMs: number;
}
