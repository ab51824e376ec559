// Restores a backup of the catalogue (a full one, or an incremental combined with its chain) into a new data directory,
// replays archived WAL up to the backup's end (recovery_target = 'immediate'), starts it and verifies it.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { InfraCode, InfrastructureError, InvalidInputError } from '../errors.js';
import { serverOsUser, startServer, stopServer, type OsUser, type RunningPostgres } from '../target/embedded-postgres.js';
import { findFreePort } from '../target/free-port.js';
import { readCatalogue, type BackupEntry } from './catalogue.js';
import { combineInPlace, type CombineReport } from './combine.js';
import { readFence, type FenceFound } from './fence.js';
import { readManifest, verifyFilesAgainst } from './manifest.js';
import type { BackupDirs } from './server-settings.js';

export interface RestoreOptions {
  readonly dirs: BackupDirs;
  /** A backup id from the catalogue (`authbench backup --list`), or `latest` (the newest, full or incremental). */
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
  /** The backups restored, oldest first: the backup itself when full, else its full backup and incrementals. */
  readonly chain: readonly string[];
  /** Set for an incremental backup: what combining the chain did. */
  readonly combined?: CombineReport;
  /** authbench.backup_fence as restored; equal to the backup's recorded expectation, or the restore fails. */
  readonly fence?: FenceFound & { readonly expectedRows: number };
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
  const backup = options.backup === 'latest' ? catalogue.backups.at(-1) : catalogue.backups.find((b) => b.id === options.backup);
  if (!backup) {
    const ids = catalogue.backups.map((b) => b.id);
    throw new InvalidInputError(`No backup ${JSON.stringify(options.backup)} in ${options.dirs.catalogueDir}${ids.length > 0 ? `; the catalogue holds ${ids.join(', ')}` : '; it is empty (take one with authbench backup)'}.`);
  }
  const chain = chainOf(backup, catalogue.backups, options.dirs.catalogueDir);
  for (const b of chain) {
    const files = await fs.readdir(path.join(options.dirs.catalogueDir, b.id)).catch(() => [] as string[]);
    const tablespaces = files.filter((f) => f.endsWith('.tar') && f !== 'base.tar');
    if (tablespaces.length > 0) {
      throw new InvalidInputError(`Backup ${b.id} holds tablespaces (${tablespaces.join(', ')}); authbench restores the default tablespace only (its own clusters create no other). Restore it with PostgreSQL's own tools.`);
    }
    if (!files.includes('base.tar')) {
      throw new InfrastructureError(InfraCode.restoreFailed, `Backup ${b.id} is in the catalogue but ${path.join(options.dirs.catalogueDir, b.id, 'base.tar')} is missing${b.id === backup.id ? '' : `, and ${backup.id} needs it`}.`, {
        hint: 'Restore another backup (authbench backup --list), and take a new full backup.',
      });
    }
  }
  const dataDir = path.resolve(options.toDir);
  const existing = await fs.readdir(dataDir).catch(() => undefined);
  if (existing && existing.length > 0) throw new InvalidInputError(`--to ${options.toDir} is not empty; a restore needs a new directory (it would overwrite what is there).`);
  const owner = serverOsUser();
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.chmod(dataDir, 0o700);
  if (owner) await fs.chown(dataDir, owner.uid, owner.gid);
  const tarOf = (b: BackupEntry): string => path.join(options.dirs.catalogueDir, b.id, 'base.tar');
  const manifestOf = (b: BackupEntry): string => path.join(options.dirs.catalogueDir, b.id, 'backup_manifest');
  await run('tar', ['-xf', tarOf(backup), '-C', dataDir], owner);
  let combined: CombineReport | undefined;
  if (chain.length === 1) {
    await verifyFilesAgainst(await readManifest(manifestOf(backup)), dataDir, backup.id);
  } else {
    // The older backups of the chain are extracted beside the new directory and removed once combined.
    const staging = await fs.mkdtemp(path.join(path.dirname(dataDir), `.${path.basename(dataDir)}-chain-`));
    if (owner) await fs.chown(staging, owner.uid, owner.gid);
    try {
      const older = [];
      for (const b of chain.slice(0, -1)) {
        const dir = path.join(staging, b.id);
        await fs.mkdir(dir, { mode: 0o700 });
        if (owner) await fs.chown(dir, owner.uid, owner.gid);
        await run('tar', ['-xf', tarOf(b), '-C', dir], owner);
        older.push({ id: b.id, dir, manifestFile: manifestOf(b) });
      }
      combined = await combineInPlace([...older, { id: backup.id, dir: dataDir, manifestFile: manifestOf(backup) }]);
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
    if (owner) await run('chown', ['-R', `${owner.uid}:${owner.gid}`, dataDir], undefined);
  }
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
      const fence = backup.fence ? { ...(await readFence(client, backup.id)), expectedRows: backup.fence.rowsAtEnd } : undefined;
      if (fence && (fence.rows !== fence.expectedRows || !fence.before || fence.after)) {
        throw new InfrastructureError(
          InfraCode.restoreFailed,
          `The restored cluster is not the source at ${backup.id}'s end LSN ${backup.endLsn}: it holds ${fence.rows} backup fence rows (expected exactly ${fence.expectedRows}), its own "before" row ${fence.before ? 'present' : 'missing'} and "after" row ${fence.after ? 'present (replay went past the end)' : 'absent'}.`,
          { hint: `See ${path.join(dataDir, 'restore.log')} for where recovery stopped.` },
        );
      }
      const indexesChecked = await checkIndexes(client);
      return { backup, dataDir, port, counts, chain: chain.map((b) => b.id), ...(combined ? { combined } : {}), ...(fence ? { fence } : {}), indexesChecked, ...(options.keepRunning ? { url, pid: server.pid } : {}) };
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

/** The backups to restore, oldest first: back through parentId to a full backup. A missing link is exit 2 (restore another). */
function chainOf(backup: BackupEntry, backups: readonly BackupEntry[], catalogueDir: string): BackupEntry[] {
  const chain = [backup];
  for (let current = backup; current.mode !== 'full'; ) {
    const parent = backups.find((b) => b.id === current.parentId);
    if (!parent || chain.includes(parent)) {
      const fulls = backups.filter((b) => b.mode === 'full').map((b) => b.id);
      throw new InvalidInputError(
        `${backup.id} cannot be restored: it is incremental on ${current.parentId ?? 'an unrecorded backup'}, which ${parent ? 'loops back into the chain' : `is not in the catalogue ${catalogueDir} (removed by retention or by hand)`}. Restore a backup whose chain is complete${fulls.length > 0 ? `, e.g. the full backup ${fulls.at(-1)}` : ''} (authbench backup --list).`,
      );
    }
    chain.unshift(parent);
    current = parent;
  }
  return chain;
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
