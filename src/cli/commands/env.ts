// `authbench env`: print the full URLs of the provisioned servers (passwords included) as shell exports,
// for `eval "$(authbench env)"` and psql. Only ever printed when asked for explicitly.
import type { CommandModule } from 'yargs';
import { withDataDir } from '../options.js';

interface EnvArgs {
  'data-dir'?: string;
  json: boolean;
}

const command: CommandModule<object, EnvArgs> = {
  command: 'env',
  describe: 'Print DATABASE_URL, AUTHBENCH_APP_URL and REDIS_URL of the provisioned servers (passwords included)',
  builder: (y) => withDataDir(y).option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of shell exports' }),
  handler: async (args) => {
    const { provisionedUrls } = await import('../../target/env.js');
    const urls = await provisionedUrls(args['data-dir']);
    if (args.json) {
      process.stdout.write(`${JSON.stringify(urls, null, 2)}\n`);
      return;
    }
    const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
    for (const [name, value] of Object.entries(urls)) process.stdout.write(`export ${name}=${quote(value)}\n`);
  },
};
export default command;
