// Applies the ordered SQL migrations in sql/ (NNN_name.sql) and records each with its SHA-256 checksum.
// Safe to run twice (applied files are skipped) and concurrently (advisory lock); a changed applied file is an error;
// a failure keeps nothing of the batch (one transaction) and drops the cluster roles it created.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { InfraCode, InfrastructureError } from '../errors.js';

/** Key of the session-level advisory lock held while migrating (per database): "authbench migrate". */
export const MIGRATION_LOCK_KEY = 0x61627367_6d696772n;

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

export interface MigrationFile {
  name: string;
  checksum: string;
  sql: string;
}

export interface ApplyMigrationsOptions {
  /** Folder of the migration files; defaults to the package's `sql/`. */
  dir?: string;
}

export interface ApplyMigrationsResult {
  /** Files applied by this call, in order. */
  applied: string[];
  /** Files already applied earlier (checksum verified). */
  skipped: string[];
}

/** The package's `sql/` folder: found from this module's location, so it works from src/ (vitest) and dist/ (tsc). */
export function defaultMigrationsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'sql'))) return path.join(dir, 'sql');
    const parent = path.dirname(dir);
    if (parent === dir) throw new InfrastructureError(InfraCode.migrationFailed, 'The authbench sql/ folder was not found next to its package.json.', {
      hint: 'Reinstall authbench; the published package must include sql/.',
    });
    dir = parent;
  }
}

/** Checksum of a migration's text; line endings are normalized so a CRLF checkout does not count as a change. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** The migration files of `dir`, in name order (the NNN prefix). */
export async function readMigrations(dir: string = defaultMigrationsDir()): Promise<MigrationFile[]> {
  const names = (await fs.readdir(dir)).filter((n) => MIGRATION_FILE.test(n)).sort();
  const seen = new Map<string, string>();
  for (const name of names) {
    const prefix = name.slice(0, 3);
    const other = seen.get(prefix);
    if (other) throw new InfrastructureError(InfraCode.migrationFailed, `Migrations ${other} and ${name} share the number ${prefix}.`, {
      hint: 'Renumber one of them; the order of migrations must be unambiguous.',
    });
    seen.set(prefix, name);
  }
  return Promise.all(
    names.map(async (name) => {
      const sql = await fs.readFile(path.join(dir, name), 'utf8');
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

const LEDGER_DDL = `
  CREATE SCHEMA IF NOT EXISTS authbench;
  CREATE TABLE IF NOT EXISTS authbench.schema_migrations (
    name        text        PRIMARY KEY,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    duration_ms integer     NOT NULL
  )`;

/**
 * Applies every migration not yet recorded under an advisory lock, all in one transaction: a failing migration
 * leaves the database as it was (no `authbench` schema on a fresh database), and the cluster roles this call created
 * are dropped again. Needs a superuser connection (migration 001 creates roles and the pg_stat_statements extension).
 */
export async function applyMigrations(client: pg.ClientBase, opts: ApplyMigrationsOptions = {}): Promise<ApplyMigrationsResult> {
  const files = await readMigrations(opts.dir ?? defaultMigrationsDir());
  const result: ApplyMigrationsResult = { applied: [], skipped: [] };
  const createdRoles = await ensureClusterRoles(client);
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
  try {
    await client.query('BEGIN');
    try {
      await client.query(LEDGER_DDL);
      const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM authbench.schema_migrations');
      const recorded = new Map(rows.map((r) => [r.name, r.checksum]));
      for (const file of files) {
        const checksum = recorded.get(file.name);
        if (checksum !== undefined) {
          if (checksum !== file.checksum) {
            throw new InfrastructureError(InfraCode.migrationChanged, `Migration ${file.name} was changed after it was applied to this database.`, {
              hint: `Restore ${file.name} to its applied version and put the change in a new, higher-numbered migration, or drop and recreate the database.`,
            });
          }
          result.skipped.push(file.name);
          continue;
        }
        await applyOne(client, file);
        result.applied.push(file.name);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } catch (err) {
    await dropRoles(client, createdRoles);
    throw err;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
  }
  return result;
}

/** Roles are cluster-wide, but the advisory lock is per database. */
const CLUSTER_ROLES: readonly { name: string; create: string }[] = [
  { name: 'authbench_owner', create: 'CREATE ROLE authbench_owner NOLOGIN' },
  { name: 'authbench_app', create: 'CREATE ROLE authbench_app LOGIN NOINHERIT' },
];

/**
 * Creates the cluster-wide roles in their own short transactions before any migration runs, so databases
 * migrated at the same time never see a role that another database's still-open migration created
 * (migration 001 keeps its own race-tolerant CREATE ROLE for anyone applying the SQL by hand).
 * Returns the roles this call created (the others existed already).
 */
async function ensureClusterRoles(client: pg.ClientBase): Promise<string[]> {
  const created: string[] = [];
  for (const role of CLUSTER_ROLES) {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(role.create);
        created.push(role.name);
        break;
      } catch (cause) {
        const code = (cause as { code?: string }).code;
        // 42710 duplicate_object: exists already; 23505 unique_violation: created concurrently right now.
        if (code === '42710') break;
        if (code === '23505' && attempt < 5) {
          await new Promise((r) => setTimeout(r, 20 * attempt));
          continue;
        }
        if (code === '23505') break;
        await dropRoles(client, created);
        throw new InfrastructureError(InfraCode.migrationFailed, `Could not create the role needed by the schema (${role.create}): ${(cause as Error).message}`, {
          hint: 'Migrations need a superuser (or CREATEROLE) connection.',
          cause,
        });
      }
    }
  }
  return created;
}

/**
 * Drops roles this call created, after a failure. Best effort: DROP ROLE waits for (and then refuses) a concurrent
 * migration of another database that has started to use the role, which then keeps it.
 */
async function dropRoles(client: pg.ClientBase, roles: readonly string[]): Promise<void> {
  for (const role of [...roles].reverse()) await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`).catch(() => undefined);
}

/** One migration inside the batch's transaction: a savepoint-free step, so the first failure undoes the batch. */
async function applyOne(client: pg.ClientBase, file: MigrationFile): Promise<void> {
  const started = performance.now();
  try {
    await client.query(file.sql);
    // Migrations may SET LOCAL ROLE to the schema owner; the ledger belongs to the migrating user.
    await client.query('RESET ROLE');
    await client.query('INSERT INTO authbench.schema_migrations (name, checksum, duration_ms) VALUES ($1, $2, $3)', [
      file.name,
      file.checksum,
      Math.round(performance.now() - started),
    ]);
  } catch (cause) {
    const pgErr = cause as { message?: string; hint?: string; code?: string };
    throw new InfrastructureError(InfraCode.migrationFailed, `Migration ${file.name} failed: ${pgErr.message ?? String(cause)}`, {
      hint: pgErr.hint ?? 'Migrations need a superuser connection to a PostgreSQL 17 server; fix the cause and run again (nothing of this run of migrations was kept).',
      cause,
    });
  }
}

/** Only printable ASCII: for it SASLprep is the identity, so the verifier below is exactly what the server computes. */
const SCRAM_SAFE_PASSWORD = /^[\x20-\x7e]{8,128}$/;

/** A SCRAM-SHA-256 verifier (`SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey`), as PostgreSQL stores it. */
export function scramSha256Verifier(password: string, salt: Buffer, iterations = 4096): string {
  const salted = pbkdf2(password, salt, iterations);
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * Sets the password of the application LOGIN role. The password never reaches the server in clear: the SCRAM
 * verifier is computed here, so neither the statement log nor pg_stat_statements can reveal it.
 */
export async function setAppRolePassword(client: pg.ClientBase, password: string, role = 'authbench_app'): Promise<void> {
  if (!SCRAM_SAFE_PASSWORD.test(password)) {
    throw new InfrastructureError(InfraCode.pgAuthFailed, `The password for role ${role} must be 8 to 128 printable ASCII characters.`, {
      hint: 'Use a generated password (letters, digits, punctuation).',
    });
  }
  const verifier = scramSha256Verifier(password, randomBytes(16));
  await client.query('BEGIN');
  try {
    await client.query("SET LOCAL password_encryption = 'scram-sha-256'");
    await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(verifier)}`);
    await client.query('COMMIT');
  } catch (cause) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new InfrastructureError(InfraCode.pgAuthFailed, `Could not set the password of role ${role}.`, {
      hint: 'Apply the migrations first, with a superuser (or CREATEROLE) connection.',
      cause,
    });
  }
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

function pbkdf2(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(password, salt, iterations, 32, 'sha256');
}
