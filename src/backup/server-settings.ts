// What the embedded cluster needs so that a backup can be taken and restored: WAL summaries (incremental backups),
// WAL archiving with the shipped basic_archive module, and directories the server's OS user may write.
import fs from 'node:fs/promises';
import path from 'node:path';
import { serverOsUser } from '../target/embedded-postgres.js';
import { readCatalogue } from './catalogue.js';
import { pruneArchive } from './take-backup.js';

export interface BackupDirs {
  /** basic_archive.archive_directory: every finished WAL segment is copied here. */
  readonly archiveDir: string;
  /** The backup catalogue: one directory per backup and catalogue.json. */
  readonly catalogueDir: string;
}

export function backupDirsOf(home: string): BackupDirs {
  return { archiveDir: path.join(home, 'wal-archive'), catalogueDir: path.join(home, 'backups') };
}

/** Creates the directories, owned by the OS user PostgreSQL runs as (it writes both: archiver and BASE_BACKUP), and drops archived WAL no kept backup needs. */
export async function prepareBackupDirs(dirs: BackupDirs): Promise<void> {
  const owner = serverOsUser();
  for (const dir of [dirs.archiveDir, dirs.catalogueDir]) {
    await fs.mkdir(dir, { recursive: true, mode: 0o750 });
    if (owner) await fs.chown(dir, owner.uid, owner.gid);
  }
  await pruneArchive(dirs.archiveDir, (await readCatalogue(dirs.catalogueDir)).backups);
}

/**
 * Server settings (`-c name=value`) for backups. summarize_wal lets PostgreSQL 17 take incremental backups;
 * archive_mode needs a restart to change, so it is on for every start of the embedded cluster.
 */
export function backupServerSettings(dirs: BackupDirs): Record<string, string> {
  return {
    summarize_wal: 'on',
    archive_mode: 'on',
    archive_library: 'basic_archive',
    'basic_archive.archive_directory': dirs.archiveDir,
    // A segment is archived when it is full or after this long: a backup's last WAL reaches the archive promptly.
    archive_timeout: '60s',
  };
}
