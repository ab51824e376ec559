// Types of the seeding stage: what dataset to build (DatasetSpec) and what was done (SeedReport).
// Kept free of imports so the load generator can share them without pulling in pg or argon2.

/** Argon2id cost parameters of the stored password hashes (PHC `m`, `t`, `p`). */
export interface HashParams {
  /** Memory cost in KiB (`m=`); OWASP minimum is 19456. */
  memoryKiB: number;
  /** Passes (`t=`). */
  timeCost: number;
  /** Lanes (`p=`). */
  parallelism: number;
}

/** What dataset to build. Same spec → byte-identical rows. */
export interface DatasetSpec {
  /** Number of users (also credentials). */
  users: number;
  /** PRNG seed: every generated value is a pure function of (seed, table, row index). */
  seed: number;
  /** Mean sessions per user (each user gets floor or ceil of it, varied per user). Default 2. */
  sessionsPerUser?: number;
  /** Share (0..1) of sessions that are revoked. Default 0.2. A further fixed share is expired. */
  revokedShare?: number;
  /** Share (0..1) of users who are agents and hold many roles. Default 0.02. */
  agentShare?: number;
  /** Number of distinct known test passwords, each hashed once at full cost. Default 32. */
  passwordCount?: number;
  /** Argon2id parameters; default the OWASP minimum m=19456, t=2, p=1. */
  hashParams?: Partial<HashParams>;
}

/** DatasetSpec with every default filled in: what the fingerprint is computed from. */
export interface ResolvedDatasetSpec {
  users: number;
  seed: number;
  sessionsPerUser: number;
  revokedShare: number;
  agentShare: number;
  passwordCount: number;
  hashParams: HashParams;
}

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
  spec: ResolvedDatasetSpec;
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
