// seedDataset(): fills auth.users, credentials, user_roles and sessions with a deterministic dataset in one
// transaction (TRUNCATE, COPY FREEZE, rebuild keys, record fingerprint), or reuses it when the fingerprint matches.
import pg from 'pg';
import { pgClientConfig } from '../tls.js';
import { AbortedError, InfraCode, InfrastructureError } from '../../errors.js';
import { SEEDED_TABLES, dropKeysAndIndexes, readRoleCatalog, referencingTables, schemaChecksum } from './catalog.js';
import { copyLines } from './copy-stream.js';
import { datasetFingerprint, GENERATOR_VERSION } from './fingerprint.js';
import { credentialsTable, sessionsTable, userRolesTable, usersTable, type TableData } from './generators.js';
import { knownPasswordHashes } from './password-hashes.js';
import { resolveDatasetSpec } from '../../dataset/spec.js';
import type { DatasetSpec } from '../../dataset/types.js';
import type { SeedPhase, SeedProgress, SeedReport, TableLoad } from './seed-report.js';

export interface SeedOptions {
  onProgress?: (progress: SeedProgress) => void;
  /** Aborting rolls the load back: the database keeps the dataset it had before (or none). */
  signal?: AbortSignal;
  /** Reseed even when the fingerprint matches. */
  force?: boolean;
  /** Folder where the known passwords' Argon2id strings are cached between runs (e.g. `.authbench/cache`). */
  hashCacheDir?: string;
}

/** Where the fingerprint of the loaded dataset is kept; outside `auth` so the schema's owner stays in charge of it. */
const DATASET_DDL = `
  CREATE SCHEMA IF NOT EXISTS authbench;
  CREATE TABLE IF NOT EXISTS authbench.dataset (
    singleton         boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint       text        NOT NULL,
    generator_version integer     NOT NULL,
    spec              jsonb       NOT NULL,
    counts            jsonb       NOT NULL,
    seeded_at         timestamptz NOT NULL DEFAULT now()
  );`;

/** Key of the advisory lock that keeps two seeders off one database. */
const SEED_LOCK_KEY = 0x5eed_ab;

const PROGRESS_INTERVAL_MS = 250;

export async function seedDataset(target: pg.Client | string, spec: DatasetSpec, opts: SeedOptions = {}): Promise<SeedReport> {
  const resolved = resolveDatasetSpec(spec);
  const started = performance.now();
  const signal = opts.signal;
  const progress = (phase: SeedPhase, extra: Partial<SeedProgress> = {}): void =>
    opts.onProgress?.({ phase, elapsedMs: performance.now() - started, ...extra });
  const checkAbort = (): void => {
    if (signal?.aborted) throw new AbortedError('Seeding was interrupted; the database keeps its previous dataset.');
  };

  const owned = typeof target === 'string';
  const client = owned ? new pg.Client({ ...pgClientConfig(target), connectionTimeoutMillis: 10_000 }) : target;
  if (owned) {
    try {
      await client.connect();
    } catch (cause) {
      throw new InfrastructureError(InfraCode.pgUnreachable, `Cannot connect to PostgreSQL to seed the dataset: ${(cause as Error).message}`, {
        hint: 'Check that the server is running (authbench provision) and the URL is right.',
        cause,
      });
    }
  }
  try {
    progress('check');
    if ((await client.query("SELECT to_regclass('auth.users') AS t")).rows[0]?.t === null) {
      throw new InfrastructureError(InfraCode.migrationFailed, 'The auth schema is not applied to this database, so there is nothing to seed.', {
        hint: 'Apply the migrations first (authbench provision or authbench run do it).',
      });
    }
    await client.query(DATASET_DDL);
    // Session-level lock: a concurrent seeder waits, then finds the fingerprint and reuses.
    await client.query('SELECT pg_advisory_lock($1)', [SEED_LOCK_KEY]);
    try {
      const fingerprint = datasetFingerprint(resolved, await schemaChecksum(client));
      if (!opts.force) {
        const existing = await client.query<{ fingerprint: string; counts: Record<string, number> }>('SELECT fingerprint, counts FROM authbench.dataset');
        const row = existing.rows[0];
        if (row && row.fingerprint === fingerprint) {
          const users = await client.query<{ n: string }>('SELECT count(*) AS n FROM auth.users');
          // A cheap guard against someone emptying the tables behind the fingerprint's back.
          if (Number(users.rows[0]?.n) === resolved.users) {
            // A previous run's wrong-password logins may have left counters and locks: clear them so every
            // active user can log in again, as in a fresh dataset.
            const unlocked = await client.query(
              `UPDATE auth.credentials SET failed_attempts = 0, failure_window_start = NULL, locked_until = NULL
                WHERE failed_attempts <> 0 OR failure_window_start IS NOT NULL OR locked_until IS NOT NULL`,
            );
            progress('done');
            return {
              reused: true,
              fingerprint,
              spec: resolved,
              counts: inTableOrder(row.counts),
              tables: [],
              hashMs: 0,
              indexMs: 0,
              indexSteps: [],
              analyzeMs: 0,
              credentialsReset: unlocked.rowCount ?? 0,
              totalMs: performance.now() - started,
            };
          }
        }
      }

      // Hashing runs on libuv's threads while the first tables load; credentials, loaded last, wait for it.
      progress('hash');
      const hashStart = performance.now();
      let hashMs = 0;
      const hashing = knownPasswordHashes(resolved.seed, resolved.passwordCount, resolved.hashParams, {
        ...(signal ? { signal } : {}),
        ...(opts.hashCacheDir ? { cacheDir: opts.hashCacheDir } : {}),
      }).then((h) => {
        hashMs = performance.now() - hashStart;
        return h;
      });
      hashing.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"

      const catalog = await readRoleCatalog(client);
      const tables: (() => TableData | Promise<TableData>)[] = [
        () => usersTable(resolved),
        () => userRolesTable(resolved, catalog),
        () => sessionsTable(resolved),
        async () => credentialsTable(resolved, await hashing.catch((err: unknown) => {
          checkAbort();
          throw err;
        })),
      ];
      const loads: TableLoad[] = [];
      let indexMs = 0;
      const indexSteps: { statement: string; durationMs: number }[] = [];
      let rebuilding = false;
      const cancel = signal ? cancelOnAbort(client, signal, () => rebuilding) : undefined;
      await client.query('BEGIN');
      try {
        progress('prepare');
        await client.query("SET LOCAL maintenance_work_mem = '512MB'");
        // The permission-mask refresh groups every grant by user: with the default work_mem it spills to disk.
        await client.query("SET LOCAL work_mem = '256MB'");
        await client.query("SET LOCAL synchronous_commit = 'off'");
        const truncate = [...SEEDED_TABLES, ...(await referencingTables(client, SEEDED_TABLES))];
        await client.query(`TRUNCATE ${truncate.join(', ')}`);
        const deferred = await dropKeysAndIndexes(client, SEEDED_TABLES);
        checkAbort();

        for (const makeTable of tables) {
          const t = await makeTable();
          const tableStart = performance.now();
          let lastReport = 0;
          // FREEZE needs a plain table truncated in this transaction; a partitioned parent does not qualify.
          const into = await copyTarget(client, t);
          const rows = await copyLines(client, into.table, t.columns, t.lines(), {
            freeze: into.freeze,
            ...(signal ? { signal } : {}),
            onRows: (n) => {
              const now = performance.now();
              if (now - lastReport >= PROGRESS_INTERVAL_MS) {
                lastReport = now;
                progress('copy', { table: t.table, rows: n });
              }
            },
          }).catch((err: unknown) => {
            checkAbort();
            throw err;
          });
          progress('copy', { table: t.table, rows });
          loads.push({ table: t.table, copiedInto: into.table, frozen: into.freeze, rows, durationMs: performance.now() - tableStart });
          checkAbort();
        }

        progress('index');
        rebuilding = true;
        const indexStart = performance.now();
        const step = async (statement: string): Promise<void> => {
          const stepStart = performance.now();
          await client.query(statement);
          indexSteps.push({ statement, durationMs: performance.now() - stepStart });
          checkAbort();
        };
        for (const ddl of [...deferred.keysAndIndexes, ...deferred.foreignKeys]) await step(ddl);
        if ((await client.query("SELECT to_regprocedure('auth.reset_identity_sequences()') AS f")).rows[0]?.f !== null) {
          await step('SELECT auth.reset_identity_sequences()');
        }
        if ((await client.query("SELECT to_regclass('auth.user_permission_masks') AS v")).rows[0]?.v !== null) {
          await step('REFRESH MATERIALIZED VIEW auth.user_permission_masks');
        }
        indexMs = performance.now() - indexStart;
        checkAbort();

        const counts = Object.fromEntries(loads.map((l) => [l.table, l.rows]));
        await client.query(
          `INSERT INTO authbench.dataset (singleton, fingerprint, generator_version, spec, counts, seeded_at)
           VALUES (true, $1, $2, $3, $4, now())
           ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, generator_version = EXCLUDED.generator_version,
             spec = EXCLUDED.spec, counts = EXCLUDED.counts, seeded_at = EXCLUDED.seeded_at`,
          [fingerprint, GENERATOR_VERSION, JSON.stringify(resolved), JSON.stringify(counts)],
        );
        await client.query('COMMIT');
      } catch (err) {
        rebuilding = false;
        await cancel?.dispose(); // a late cancel must not hit the ROLLBACK
        await client.query('ROLLBACK').catch(() => undefined);
        if (signal?.aborted) throw new AbortedError('Seeding was interrupted; the database keeps its previous dataset.', { cause: err });
        if (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) {
          // A server-side error while loading: almost always the schema changed in a way the generators do not know.
          throw new InfrastructureError(InfraCode.migrationChanged, `Seeding failed and was rolled back: ${err.message}.`, {
            hint: 'The schema in sql/ probably no longer matches the seeder (src/target/seed/generators.ts); the database keeps its previous dataset.',
            cause: err,
          });
        }
        throw err;
      } finally {
        rebuilding = false;
        await cancel?.dispose();
      }

      progress('analyze');
      const analyzeStart = performance.now();
      const derived = (await client.query("SELECT to_regclass('auth.user_permission_masks') AS v")).rows[0]?.v !== null ? ['auth.user_permission_masks'] : [];
      // Not ANALYZE alone: the first run on a fresh dataset then met what the seed left behind — autovacuum's
      // insert-driven pass over every loaded table, the first reads setting hint bits on every page, and the seed's
      // dirty pages and WAL flushed while the load ran (docs/seeding.md, "The first run"). VACUUM (FREEZE) does that
      // work now, and a CHECKPOINT writes the pages out, so the first run starts like any later one.
      // The load's row counts reach the shared statistics only when this backend flushes them, at most once a second
      // when idle: a seed quicker than that flushed them after the VACUUM below, which then looked undone (every table
      // "modified since analyze", re-analyzed by autovacuum during a run). Forcing the flush first puts them before it.
      await client.query('SELECT pg_stat_force_next_flush()');
      await client.query(`VACUUM (FREEZE, ANALYZE) ${[...SEEDED_TABLES, ...derived].join(', ')}`);
      await client.query('CHECKPOINT').catch((err: unknown) => {
        // An external admin without pg_checkpoint: the run is still valid, the first one may just start slower.
        if ((err as { code?: string }).code !== '42501') throw err;
      });
      const analyzeMs = performance.now() - analyzeStart;
      progress('done');
      const counts = inTableOrder(Object.fromEntries(loads.map((l) => [l.table, l.rows])));
      return { reused: false, fingerprint, spec: resolved, counts, tables: loads, hashMs, indexMs, indexSteps, analyzeMs, credentialsReset: 0, totalMs: performance.now() - started };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    if (owned) await client.end().catch(() => undefined);
  }
}

/**
 * Where to COPY the rows of `t`: a plain table itself with FREEZE; a partitioned table's default partition with
 * FREEZE when every row belongs there (no other partition overlaps the rows' key range), else the parent.
 */
/** Counts keyed in SEEDED_TABLES order (jsonb does not keep key order). */
function inTableOrder(counts: Record<string, number>): Record<string, number> {
  const known = SEEDED_TABLES.filter((t) => t in counts).map((t) => [t, counts[t]!] as const);
  const rest = Object.entries(counts).filter(([t]) => !(SEEDED_TABLES as readonly string[]).includes(t));
  return Object.fromEntries([...known, ...rest]);
}

async function copyTarget(client: pg.Client, t: TableData): Promise<{ table: string; freeze: boolean }> {
  const kind = await client.query<{ kind: string }>('SELECT relkind AS kind FROM pg_class WHERE oid = $1::regclass', [t.table]);
  if (kind.rows[0]?.kind !== 'p') return { table: t.table, freeze: true };
  const range = t.partitionKeyRange;
  if (!range) return { table: t.table, freeze: false };
  const { rows } = await client.query<{ default_partition: string | null; overlapping: string }>(
    `SELECT p.partdefid::regclass::text AS default_partition,
            (SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               LEFT JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') AS m ON true
              WHERE i.inhparent = p.partrelid AND c.oid <> p.partdefid
                AND (m IS NULL OR (m[1]::${range.type} <= $3::${range.type} AND m[2]::${range.type} > $2::${range.type}))) AS overlapping
       FROM pg_partitioned_table p WHERE p.partrelid = $1::regclass AND p.partdefid <> 0`,
    [t.table, range.lo, range.hi],
  );
  const row = rows[0];
  if (row?.default_partition && Number(row.overlapping) === 0) return { table: row.default_partition, freeze: true };
  return { table: t.table, freeze: false };
}

/**
 * On abort, cancels the statement running on `client` when `running()` says a long one is (an index build or REFRESH
 * can take seconds), from a second connection with the same settings; COPY is stopped by its stream instead.
 * dispose() waits for a cancel in flight, so it cannot land on a later statement of the caller.
 */
function cancelOnAbort(client: pg.Client, signal: AbortSignal, running: () => boolean): { dispose(): Promise<void> } {
  let pid: number | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then(
    (r) => (pid = r.rows[0]?.pid),
    () => undefined,
  );
  const onAbort = (): void => {
    if (pid === undefined || !running()) return;
    const side = new pg.Client({ host: client.host, port: client.port, user: client.user, password: client.password, database: client.database, ssl: client.ssl });
    inFlight = side
      .connect()
      .then(() => side.query('SELECT pg_cancel_backend($1)', [pid]))
      .then(() => undefined, () => undefined)
      .finally(() => side.end().catch(() => undefined));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return {
    dispose: async () => {
      signal.removeEventListener('abort', onAbort);
      await inFlight;
    },
  };
}
