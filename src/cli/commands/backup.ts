// `authbench backup [--incremental] [--retention 7d] [--list]`: a server-side base backup of the embedded cluster
// into its catalogue (.authbench/backups), then the retention rule; --list prints the catalogue.
import type { CommandModule } from 'yargs';
import { InvalidInputError } from '../../errors.js';
import { withDataDir } from '../options.js';

interface BackupArgs {
  'data-dir'?: string;
  incremental: boolean;
  retention?: string;
  list: boolean;
}

const command: CommandModule<object, BackupArgs> = {
  command: 'backup',
  describe: 'Take a full (or --incremental) base backup of the embedded PostgreSQL into its backup catalogue',
  builder: (y) =>
    withDataDir(y)
      .option('incremental', { type: 'boolean', default: false, describe: 'Only the blocks changed since the last backup (PostgreSQL 17 incremental backup)' })
      .option('retention', { type: 'string', describe: 'Keep every backup this long, e.g. 7d or 2w; the newest full backup of each week is kept 30 days', defaultDescription: '7d' })
      .option('list', { type: 'boolean', default: false, describe: 'Print the catalogue and take no backup' }),
  handler: async (args) => {
    const { parseRetentionDays, readCatalogue, DEFAULT_RETENTION } = await import('../../backup/catalogue.js');
    const { backupDirsOf } = await import('../../backup/server-settings.js');
    const { resolveHome } = await import('../../target/state.js');
    const dirs = backupDirsOf(resolveHome(args['data-dir']));
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
    const { provisionEmbedded } = await import('../../target/embedded.js');
    const { takeBackup } = await import('../../backup/take-backup.js');
    const target = await provisionEmbedded({ kind: 'embedded', ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}) });
    try {
      const taken = await takeBackup({ adminUrl: target.pgUrl, dirs, mode: args.incremental ? 'incremental' : 'full', retention: { dailyDays, weeklyDays: Math.max(dailyDays, DEFAULT_RETENTION.weeklyDays) } });
      const e = taken.entry;
      const seconds = taken.durationMs / 1000;
      process.stdout.write(
        `Backup ${e.id}: ${e.mode}, ${(e.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s (${(e.bytes / 1e6 / Math.max(seconds, 0.001)).toFixed(1)} MB/s), WAL ${e.startLsn} → ${e.endLsn}` +
          `${e.mode === 'incremental' ? `, ${taken.incrementalFiles} of ${taken.files} files incremental` : ''}.` +
          `${taken.removed.length > 0 ? ` Retention removed ${taken.removed.join(', ')}.` : ''}\n`,
      );
    } finally {
      await target[Symbol.asyncDispose]();
    }
  },
};
export default command;
