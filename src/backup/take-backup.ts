// Takes a full or incremental base backup on the server side (BASE_BACKUP over a replication connection: the npm
// package ships no pg_basebackup), records it in the catalogue and applies the retention rule.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { InfraCode, InfrastructureError, InvalidInputError } from '../errors.js';
import { pgClientConfig } from '../target/tls.js';
import { backupsToKeep, DEFAULT_RETENTION, readCatalogue, RECOVERY_SETTINGS, writeCatalogue, type BackupEntry, type RetentionPolicy } from './catalogue.js';
import { writeFenceAfter, writeFenceBefore, type FenceExpectation } from './fence.js';
import { lsnToBytes, walSegmentOf } from './lsn.js';
import type { BackupDirs } from './server-settings.js';

export interface TakeBackupOptions {
  /** A superuser (or REPLICATION role) URL of the server. */
  readonly adminUrl: string;
  readonly dirs: BackupDirs;
  readonly mode: 'full' | 'incremental';
  readonly retention?: RetentionPolicy;
  /** Clock for ids and retention (tests pin it). */
  readonly now?: () => Date;
}

export interface TakenBackup {
  readonly entry: BackupEntry;
  readonly durationMs: number;
  /** WAL the server wrote while the backup ran (startLsn → endLsn). */
  readonly walBytes: number;
  /** Backups the retention rule removed afterwards. */
  readonly removed: readonly string[];
  /** Why no fence rows were written (a role that may back up but not create authbench.backup_fence): its restore is then checked by row counts only. */
  readonly fenceProblem?: string;
  /** Files the manifest lists as incremental (INCREMENTAL.<relfilenode>: only the blocks changed since the parent). */
  readonly incrementalFiles: number;
  readonly files: number;
}

/** The backup running per catalogue: backups of one cluster run one at a time (an incremental needs its parent done). */
const running = new Map<string, Promise<unknown>>();

export async function takeBackup(options: TakeBackupOptions): Promise<TakenBackup> {
  const key = options.dirs.catalogueDir;
  const previous = running.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => takeBackupNow(options));
  running.set(key, mine);
  try {
    return await mine;
  } finally {
    if (running.get(key) === mine) running.delete(key);
  }
}

async function takeBackupNow(options: TakeBackupOptions): Promise<TakenBackup> {
  const now = options.now ?? (() => new Date());
  const { catalogueDir } = options.dirs;
  const catalogue = await readCatalogue(catalogueDir);
  const parent = options.mode === 'incremental' ? catalogue.backups.at(-1) : undefined;
  if (options.mode === 'incremental' && parent === undefined) {
    throw new InvalidInputError(`There is no backup in ${catalogueDir} for an incremental backup to build on; take a full backup first (authbench backup, or a backup event with mode: full before this one).`);
  }
  const started = now();
  const id = `${started.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${options.mode}`;
  const dir = path.join(catalogueDir, id);
  const client = new pg.Client({ ...pgClientConfig(options.adminUrl), replication: 'database', application_name: 'authbench-backup' } as pg.ClientConfig);
  client.on('error', () => {});
  const t0 = performance.now();
  let results: pg.QueryResult[];
  let recoverySettings: Record<string, string> = {};
  let fence: FenceExpectation | undefined;
  let fenceProblem: string | undefined;
  try {
    fence = await writeFenceBefore(options.adminUrl, id).catch((cause: Error) => {
      fenceProblem = cause.message;
      return undefined;
    });
    await client.connect();
    const shown = await client.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN (${RECOVERY_SETTINGS.map((n) => `'${n}'`).join(', ')}) ORDER BY name`);
    recoverySettings = Object.fromEntries(shown.rows.map((r) => [r.name, r.setting]));
    if (parent) await pipeline(createReadStream(path.join(catalogueDir, parent.id, 'backup_manifest')), client.query(copyStreams.from('UPLOAD_MANIFEST')));
    const detail = dir.replace(/'/g, "''");
    const sent = await client.query(`BASE_BACKUP (LABEL 'authbench ${id}', TARGET 'server', TARGET_DETAIL '${detail}', CHECKPOINT 'fast', MANIFEST 'yes'${parent ? ', INCREMENTAL' : ''})`);
    results = sent as unknown as pg.QueryResult[];
  } catch (cause) {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    const message = (cause as Error).message;
    const hint = /summariz/i.test(message)
      ? 'Incremental backups need summarize_wal = on since the full backup was taken (the embedded target sets it).'
      : /replication/i.test(message)
        ? 'The role needs the REPLICATION attribute and pg_hba.conf a "replication" line for this host.'
        : 'See the server log.';
    throw new InfrastructureError(InfraCode.backupFailed, `The base backup failed: ${message}`, { hint, cause });
  } finally {
    await client.end().catch(() => undefined);
  }
  const durationMs = performance.now() - t0;
  // Without its after row a restore still proves the rows before; the problem is reported, not hidden.
  if (fence) await writeFenceAfter(options.adminUrl, id).catch((cause: Error) => (fenceProblem = `the after row: ${cause.message}`));
  const start = results[0]?.rows[0] as { recptr: string; tli: string } | undefined;
  const end = results[2]?.rows[0] as { recptr: string; tli: string } | undefined;
  if (!start || !end) throw new InfrastructureError(InfraCode.backupFailed, 'BASE_BACKUP answered without its start and end WAL positions.');
  const entry: BackupEntry = {
    id,
    mode: options.mode,
    startedAt: started.toISOString(),
    finishedAt: now().toISOString(),
    startLsn: start.recptr,
    endLsn: end.recptr,
    timeline: Number(end.tli),
    bytes: await directoryBytes(dir),
    ...(parent ? { parentId: parent.id } : {}),
    recoverySettings,
    ...(fence ? { fence } : {}),
  };
  const removed = await recordAndPrune(options.dirs, entry, now(), options.retention ?? DEFAULT_RETENTION);
  const manifest = await readManifestFiles(path.join(dir, 'backup_manifest'));
  return {
    entry,
    durationMs,
    walBytes: lsnToBytes(entry.endLsn) - lsnToBytes(entry.startLsn),
    removed,
    ...(fenceProblem !== undefined ? { fenceProblem } : {}),
    files: manifest.length,
    incrementalFiles: manifest.filter((p) => /(^|\/)INCREMENTAL\./.test(p)).length,
  };
}

/** Adds the entry, deletes the backups retention drops, and the archived WAL older than every kept backup. */
async function recordAndPrune(dirs: BackupDirs, entry: BackupEntry, now: Date, retention: RetentionPolicy): Promise<string[]> {
  const catalogue = await readCatalogue(dirs.catalogueDir);
  const backups = [...catalogue.backups, entry];
  const keep = backupsToKeep(backups, now, retention);
  const kept = backups.filter((b) => keep.has(b.id));
  const removed = backups.filter((b) => !keep.has(b.id)).map((b) => b.id);
  await writeCatalogue(dirs.catalogueDir, { version: 1, backups: kept });
  for (const id of removed) await fs.rm(path.join(dirs.catalogueDir, id), { recursive: true, force: true });
  await pruneArchive(dirs.archiveDir, kept);
  return removed;
}

/** WAL segments before the oldest kept backup's start serve no restore: a restore replays from a backup's start. Run after each backup and at each start of the embedded cluster. */
export async function pruneArchive(archiveDir: string, kept: readonly BackupEntry[]): Promise<number> {
  const oldest = [...kept].sort((a, b) => lsnToBytes(a.startLsn) - lsnToBytes(b.startLsn))[0];
  const names = await fs.readdir(archiveDir).catch(() => [] as string[]);
  // Without any backup nothing archived so far can be used (a later backup replays only from its own start), so
  // benchmark runs that never back up do not fill the disk with WAL.
  const first = oldest ? walSegmentOf(oldest.startLsn, oldest.timeline).slice(8) : 'G';
  let removed = 0;
  for (const name of names) {
    // Compare the segment part (log + seg) only: timeline history files and *.backup labels are kept.
    if (!/^[0-9A-F]{24}$/.test(name) || name.slice(8) >= first) continue;
    await fs.rm(path.join(archiveDir, name), { force: true });
    removed += 1;
  }
  return removed;
}

/** The paths a backup_manifest lists (a JSON document with a `Files` array). */
export async function readManifestFiles(file: string): Promise<string[]> {
  const manifest = JSON.parse(await fs.readFile(file, 'utf8')) as { Files?: { Path?: string }[] };
  return (manifest.Files ?? []).map((f) => f.Path ?? '');
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.readdir(dir)) total += (await fs.stat(path.join(dir, name))).size;
  return total;
}
