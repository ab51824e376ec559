// `authbench restore BACKUP --to DIR`: a full backup (or an incremental combined with its chain) plus archived WAL into
// a new data directory, started on a free port and verified (fence rows, row counts, amcheck); --keep-running leaves it up.
import type { CommandModule } from 'yargs';
import { InfraCode, InfrastructureError, InvalidInputError } from '../../errors.js';
import { withDataDir } from '../options.js';

interface RestoreArgs {
  'data-dir'?: string;
  'backup-dir'?: string;
  user: string;
  database: string;
  backup: string;
  to: string;
  'keep-running': boolean;
}

const command: CommandModule<object, RestoreArgs> = {
  command: 'restore <backup>',
  describe: 'Restore a backup (an id from `authbench backup --list`, or latest; an incremental is combined with its chain) into a new directory, start it and verify it',
  builder: (y) =>
    withDataDir(y)
      .positional('backup', { type: 'string', demandOption: true, describe: 'Backup id, or latest (the newest backup, full or incremental)' })
      .option('to', { type: 'string', demandOption: true, describe: 'New, empty data directory for the restored cluster' })
      .option('backup-dir', { type: 'string', describe: 'Restore from this catalogue and WAL archive (e.g. a copy of the docker backups volume) instead of the embedded cluster\'s; the password is read from $PGPASSWORD' })
      .option('user', { type: 'string', default: 'postgres', describe: 'With --backup-dir: the superuser of the backed-up cluster, to verify the restore as' })
      .option('database', { type: 'string', default: 'postgres', describe: 'With --backup-dir: the database holding the auth schema' })
      .option('keep-running', { type: 'boolean', default: false, describe: 'Leave the restored server running (it listens on 127.0.0.1 and its own socket)' }),
  handler: async (args) => {
    const { backupDirsOf } = await import('../../backup/server-settings.js');
    const { restoreBackup } = await import('../../backup/restore.js');
    const { readState, resolveHome } = await import('../../target/state.js');
    const { EMBEDDED_DATABASE } = await import('../../target/embedded.js');
    let source: { dirs: ReturnType<typeof backupDirsOf>; superuser: string; password: string; database: string };
    if (args['backup-dir'] !== undefined) {
      const password = process.env.PGPASSWORD;
      if (!password) throw new InvalidInputError('--backup-dir: set PGPASSWORD to the password of --user on the backed-up cluster (the restore is verified by connecting as it; a flag would show it in the process list).');
      source = { dirs: backupDirsOf(args['backup-dir']), superuser: args.user, password, database: args.database };
    } else {
      const home = resolveHome(args['data-dir']);
      const state = await readState(home);
      if (!state) {
        throw new InfrastructureError(InfraCode.stateFileConflict, `${home} has no state.json: there is no embedded cluster (and so no backup catalogue) there.`, {
          hint: 'Pass the --data-dir the backups were taken with, or --backup-dir for a catalogue of another server.',
        });
      }
      source = { dirs: backupDirsOf(home), superuser: state.superuser, password: state.superuserPassword, database: EMBEDDED_DATABASE };
    }
    const report = await restoreBackup({
      ...source,
      backup: args.backup,
      toDir: args.to,
      keepRunning: args['keep-running'],
    });
    const c = report.counts;
    const f = report.fence;
    process.stdout.write(
      `Restored ${report.backup.id} into ${report.dataDir} (WAL replayed to the backup's end, ${report.backup.endLsn}) and started it on port ${report.port}.\n` +
        (report.combined ? `Chain: combined ${report.chain.join(' + ')} (${report.combined.reconstructed} incremental files rebuilt; every file of the chain matched its manifest).\n` : '') +
        (f ? `At the end LSN exactly: fence rows: ${f.rows} of ${f.expectedRows} expected, this backup's "before" row present, its "after" row absent.\n` : '') +
        `Rows: ${c.users} users, ${c.sessions} sessions, ${c.securityEvents} security events. amcheck: ${report.indexesChecked} B-tree indexes sound.\n` +
        (report.pid ? `Running as pid ${report.pid} (the source cluster's credentials; stop it with kill -INT ${report.pid}).\n` : 'Stopped again (pass --keep-running to leave it up).\n'),
    );
  },
};
export default command;
