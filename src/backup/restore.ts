// Restores a full backup of the catalogue into a new data directory, replays archived WAL up to the backup's end
// (recovery_target = 'immediate'), starts it on a free port and verifies it: row counts and amcheck on every B-tree.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { InfraCode, InfrastructureError, InvalidInputError } from '../errors.js';
import { serverOsUser, startServer, stopServer, type OsUser, type RunningPostgres } from '../target/embedded-postgres.js';
import { findFreePort } from '../target/free-port.js';
import { readCatalogue, type BackupEntry } from './catalogue.js';
import type { BackupDirs } from './server-settings.js';

export interface RestoreOptions {
  readonly dirs: BackupDirs;
  /** A backup id from the catalogue (`authbench backup --list`), or `latest`. */
  readonly backup: string;
  /** A new, empty (or missing) directory. */
  readonly toDir: string;
  /** The cluster's superuser and password: a restored cluster has the source's roles. */
  readonly superuser: string;
  readonly password: string;
  /** The database to count rows in. */
  readonly database: string;
  /** Leave the restored server running (detached) instead of stopping it after the checks. */
  readonly keepRunning?: boolean;
}

export interface RowCounts {
  readonly users: number;
  readonly sessions: number;
  readonly securityEvents: number;
}

export interface RestoreReport {
  readonly backup: BackupEntry;
  readonly dataDir: string;
  readonly port: number;
  /** Set when keepRunning: the restored server's URL (holds the password: show it redacted). */
  readonly url?: string;
  readonly pid?: number;
  readonly counts: RowCounts;
  /** B-tree indexes amcheck's bt_index_check found sound (it raises on the first corrupt one). */
  readonly indexesChecked: number;
}

/** Row counts of the auth tables, as compared between a source and its restore. */
export async function countRows(client: pg.ClientBase): Promise<RowCounts> {
  const { rows } = await client.query<{ users: string; sessions: string; events: string }>(
    'SELECT (SELECT count(*) FROM auth.users) AS users, (SELECT count(*) FROM auth.sessions) AS sessions, (SELECT count(*) FROM auth.security_events) AS events',
  );
  const row = rows[0]!;
  return { users: Number(row.users), sessions: Number(row.sessions), securityEvents: Number(row.events) };
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreReport> {
  const catalogue = await readCatalogue(options.dirs.catalogueDir);
  const backup = options.backup === 'latest' ? catalogue.backups.filter((b) => b.mode === 'full').at(-1) : catalogue.backups.find((b) => b.id === options.backup);
  if (!backup) {
    const ids = catalogue.backups.map((b) => b.id);
    throw new InvalidInputError(`No backup ${JSON.stringify(options.backup)} in ${options.dirs.catalogueDir}${ids.length > 0 ? `; the catalogue holds ${ids.join(', ')}` : '; it is empty (take one with authbench backup)'}.`);
  }
  if (backup.mode === 'incremental') {
    const chain = fullOf(backup, catalogue.backups);
    throw new InvalidInputError(
      `${backup.id} is an incremental backup: restoring it needs pg_combinebackup (PostgreSQL 17) to merge it with ${chain ?? 'its full backup'}, and the embedded PostgreSQL package does not ship that program. Restore a full backup instead${chain ? ` (authbench restore ${chain} --to DIR)` : ''}, or run pg_combinebackup from a PostgreSQL 17 installation (the postgres:17 image has it) on the backup directories.`,
    );
  }
  const dataDir = path.resolve(options.toDir);
  const existing = await fs.readdir(dataDir).catch(() => undefined);
  if (existing && existing.length > 0) throw new InvalidInputError(`--to ${options.toDir} is not empty; a restore needs a new directory (it would overwrite what is there).`);
  const owner = serverOsUser();
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.chmod(dataDir, 0o700);
  if (owner) await fs.chown(dataDir, owner.uid, owner.gid);
  await run('tar', ['-xf', path.join(options.dirs.catalogueDir, backup.id, 'base.tar'), '-C', dataDir], owner);
  // Replay archived WAL until the backup is consistent (its end LSN), then open for writes on a new timeline.
  const restore = `cp "${options.dirs.archiveDir}/%f" "%p"`.replace(/'/g, "''");
  await fs.appendFile(path.join(dataDir, 'postgresql.auto.conf'), `\n# authbench restore of ${backup.id}\nrestore_command = '${restore}'\nrecovery_target = 'immediate'\nrecovery_target_action = 'promote'\n`);
  await fs.writeFile(path.join(dataDir, 'recovery.signal'), '');
  for (const file of ['postgresql.auto.conf', 'recovery.signal']) if (owner) await fs.chown(path.join(dataDir, file), owner.uid, owner.gid);

  const port = await findFreePort();
  let server: RunningPostgres;
  try {
    // archive_mode off: the copy must not archive into the source's archive; no summaries needed either.
    server = await startServer({ dataDir, port, settings: { ...backup.recoverySettings, archive_mode: 'off', summarize_wal: 'off' }, detached: options.keepRunning ?? false, logFile: path.join(dataDir, 'restore.log') });
  } catch (cause) {
    throw new InfrastructureError(InfraCode.restoreFailed, `The restored cluster in ${dataDir} did not start: ${(cause as Error).message}`, {
      hint: `See ${path.join(dataDir, 'restore.log')}; archived WAL from ${backup.startLsn} on must be in ${options.dirs.archiveDir}.`,
      cause,
    });
  }
  const url = `postgres://${encodeURIComponent(options.superuser)}:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${options.database}`;
  try {
    const client = new pg.Client({ connectionString: url, application_name: 'authbench-restore' });
    await client.connect();
    try {
      const counts = await countRows(client);
      const indexesChecked = await checkIndexes(client);
      return { backup, dataDir, port, counts, indexesChecked, ...(options.keepRunning ? { url, pid: server.pid } : {}) };
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (cause) {
    if (cause instanceof InfrastructureError) throw cause;
    throw new InfrastructureError(InfraCode.restoreFailed, `The restored cluster did not verify: ${(cause as Error).message}`, { cause });
  } finally {
    if (!options.keepRunning) await stopServer(server.pid);
  }
}

/** bt_index_check on every B-tree index (partitions' own indexes; partitioned parents hold no data). */
async function checkIndexes(client: pg.ClientBase): Promise<number> {
  await client.query('CREATE EXTENSION IF NOT EXISTS amcheck');
  const { rows } = await client.query<{ checked: string }>(
    `SELECT count(bt_index_check(c.oid)) AS checked FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
     WHERE a.amname = 'btree' AND c.relkind = 'i' AND c.relpersistence = 'p' AND i.indisvalid`,
  );
  return Number(rows[0]!.checked);
}

function fullOf(backup: BackupEntry, backups: readonly BackupEntry[]): string | undefined {
  let current: BackupEntry | undefined = backup;
  while (current && current.mode !== 'full') current = backups.find((b) => b.id === current!.parentId);
  return current?.id;
}

function run(cmd: string, args: string[], owner: OsUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(owner ?? {}), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (cause) => reject(new InfrastructureError(InfraCode.restoreFailed, `${cmd} could not run: ${cause.message}`, { cause })));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new InfrastructureError(InfraCode.restoreFailed, `${cmd} ${args[0]} failed (exit ${code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`))));
  });
}
