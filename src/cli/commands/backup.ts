// `authbench backup [--incremental | --auto] [--retention 7d] [--list]`: a server-side base backup of the embedded
// cluster (or of --pg-url into --backup-dir) into its catalogue, then the retention rule; --list prints the catalogue.
import type { CommandModule } from 'yargs';
import { InvalidInputError } from '../../errors.js';
import { withDataDir } from '../options.js';

interface BackupArgs {
  'data-dir'?: string;
  incremental: boolean;
  auto: boolean;
  'full-at'?: string;
  retention?: string;
  list: boolean;
  'pg-url'?: string;
  'backup-dir'?: string;
}

const command: CommandModule<object, BackupArgs> = {
  command: 'backup',
  describe: 'Take a full (or --incremental, or --auto: scheduled) base backup of the embedded PostgreSQL (or --pg-url) into its backup catalogue',
  builder: (y) =>
    withDataDir(y)
      .option('incremental', { type: 'boolean', default: false, describe: 'Only the blocks changed since the last backup (PostgreSQL 17 incremental backup)' })
      .option('auto', { type: 'boolean', default: false, describe: 'For a schedule: a full backup if none was taken since the last --full-at time, else an incremental' })
      .option('full-at', { type: 'string', describe: 'With --auto: the daily time (UTC, HH:MM) after which a full backup is due', defaultDescription: '02:00' })
      .option('retention', { type: 'string', describe: 'Keep every backup this long, e.g. 7d or 2w; the newest full backup of each week is kept 30 days', defaultDescription: '7d' })
      .option('list', { type: 'boolean', default: false, describe: 'Print the catalogue and take no backup' })
      .option('pg-url', { type: 'string', describe: 'Back up this server (a superuser or REPLICATION role) instead of the embedded one; needs --backup-dir' })
      .option('backup-dir', { type: 'string', describe: 'With --pg-url: the directory (as the server and this process both see it) holding the catalogue and the WAL archive' }),
  handler: async (args) => {
    const { parseRetentionDays, readCatalogue, DEFAULT_RETENTION } = await import('../../backup/catalogue.js');
    const { backupDirsOf } = await import('../../backup/server-settings.js');
    const { DEFAULT_FULL_AT, parseDailyTime, scheduledMode } = await import('../../backup/schedule.js');
    const { resolveHome } = await import('../../target/state.js');
    if (args['pg-url'] !== undefined && args['backup-dir'] === undefined) {
      throw new InvalidInputError('--pg-url needs --backup-dir: the directory the server writes its backups into (BASE_BACKUP TARGET server) and archives WAL to, mounted at the same path here (docker/compose.yaml: /backups).');
    }
    if (args.auto && args.incremental) throw new InvalidInputError('--auto picks full or incremental itself; leave out --incremental (or --auto).');
    const fullAt = args['full-at'] === undefined ? DEFAULT_FULL_AT : parseDailyTime(args['full-at']);
    if (fullAt === undefined) throw new InvalidInputError(`--full-at: expected a time of day in UTC like 02:00, got ${JSON.stringify(args['full-at'])}`);
    const dirs = backupDirsOf(args['backup-dir'] ?? resolveHome(args['data-dir']));
    if (args.list) {
      const { backups } = await readCatalogue(dirs.catalogueDir);
      if (backups.length === 0) process.stdout.write(`No backups in ${dirs.catalogueDir}.\n`);
      for (const b of backups) process.stdout.write(`${b.id}  ${b.mode.padEnd(11)}  ${(b.bytes / 1e6).toFixed(1)} MB  ${b.startLsn} → ${b.endLsn}${b.parentId ? `  (on ${b.parentId})` : ''}\n`);
      return;
    }
    let dailyDays = DEFAULT_RETENTION.dailyDays;
    if (args.retention !== undefined) {
      const days = parseRetentionDays(args.retention);
      if (days === undefined) throw new InvalidInputError(`--retention: expected a period in days or weeks like 7d or 2w (1 day to 10 years), got ${JSON.stringify(args.retention)}`);
      dailyDays = days;
    }
    const mode = args.auto ? scheduledMode((await readCatalogue(dirs.catalogueDir)).backups, new Date(), fullAt) : args.incremental ? 'incremental' : 'full';
    const { takeBackup } = await import('../../backup/take-backup.js');
    const retention = { dailyDays, weeklyDays: Math.max(dailyDays, DEFAULT_RETENTION.weeklyDays) };
    let target: { pgUrl: string; [Symbol.asyncDispose]: () => Promise<void> };
    if (args['pg-url'] !== undefined) {
      target = { pgUrl: args['pg-url'], [Symbol.asyncDispose]: async () => undefined };
    } else {
      const { provisionEmbedded } = await import('../../target/embedded.js');
      target = await provisionEmbedded({ kind: 'embedded', ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}) });
    }
    try {
      const taken = await takeBackup({ adminUrl: target.pgUrl, dirs, mode, retention });
      const e = taken.entry;
      const seconds = taken.durationMs / 1000;
      process.stdout.write(
        `Backup ${e.id}: ${e.mode}, ${(e.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${(e.bytes / 1e6 / Math.max(seconds, 0.001)).toFixed(1)} MB/s), WAL ${e.startLsn} → ${e.endLsn}` +
          `${e.mode === 'incremental' ? `, ${taken.incrementalFiles} of ${taken.files} files incremental` : ''}.` +
          `${taken.removed.length > 0 ? ` Retention removed ${taken.removed.join(', ')}.` : ''}\n` +
          (taken.fenceProblem === undefined
            ? ''
            : e.fence
              ? `The fence's after row was not written (${taken.fenceProblem}); a restore is still checked exactly by the rows before.\n`
              : `No fence rows were written (${taken.fenceProblem}): a restore of this backup is checked by row counts only, not exactly at its end LSN.\n`),
      );
    } finally {
      await target[Symbol.asyncDispose]();
    }
  },
};
export default command;
