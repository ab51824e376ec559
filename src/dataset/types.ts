// The dataset's one type: what dataset to build (DatasetSpec, as written) and the same with every default filled in
// (Dataset): what the fingerprint, the seeder, the plan, the workers and results.json all describe. Free of imports.

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

/**
 * The seeded dataset: DatasetSpec with every default filled in (resolveDatasetSpec). What the fingerprint is computed
 * from, what the seeder writes, and what the workers' model (SeededDataset) reads — one type, passed whole, never copied
 * field by field. results.json records its identity (users, seed, fingerprint, reused).
 */
export interface Dataset {
  users: number;
  seed: number;
  sessionsPerUser: number;
  revokedShare: number;
  agentShare: number;
  passwordCount: number;
  hashParams: HashParams;
}
