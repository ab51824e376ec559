// `authbench teardown [--purge]`: stop the servers `authbench provision` started; --purge also deletes their data.
import type { CommandModule } from 'yargs';
import { withDataDir } from '../options.js';

interface TeardownArgs {
  'data-dir'?: string;
  purge: boolean;
}

const command: CommandModule<object, TeardownArgs> = {
  command: 'teardown',
  describe: 'Stop the servers started by `authbench provision` (--purge deletes their data directory too)',
  builder: (y) => withDataDir(y).option('purge', { type: 'boolean', default: false, describe: 'Also delete the PostgreSQL data, redis dir and state.json' }),
  handler: async (args) => {
    const { teardownEmbedded } = await import('../../target/teardown.js');
    const result = await teardownEmbedded({ dataDir: args['data-dir'], purge: args.purge });
    const stopped = result.stopped.map((p) => `${p.name} (pid ${p.pid})`).join(', ');
    process.stdout.write(`${stopped ? `Stopped ${stopped}.` : 'No authbench servers were running.'}${result.purged ? ` Deleted the data in ${result.home}.` : ''}\n`);
  },
};
export default command;
