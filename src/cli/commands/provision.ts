// `authbench provision`: start the embedded PostgreSQL 17 + redis-server detached, record them in
// .authbench/state.json, and print their (redacted) URLs. `authbench run` reuses them; `authbench teardown` stops them.
import type { CommandModule } from 'yargs';
import { TLS_OPTION, withDataDir } from '../options.js';

interface ProvisionArgs {
  'data-dir'?: string;
  tls?: boolean;
  'pg-port'?: number;
  'redis-port'?: number;
  'show-url': boolean;
  fresh: boolean;
}

const command: CommandModule<object, ProvisionArgs> = {
  command: 'provision',
  describe: 'Start the embedded PostgreSQL 17 and redis-server in the background (stop with `authbench teardown`)',
  builder: (y) =>
    withDataDir(y)
      .option('pg-port', { type: 'number', describe: 'PostgreSQL port (default: a free port)' })
      .option('redis-port', { type: 'number', describe: 'redis-server port (default: a free port)' })
      .option('show-url', { type: 'boolean', default: false, describe: 'Print the full URLs, passwords included' })
      .option('tls', TLS_OPTION)
      .option('fresh', { type: 'boolean', default: false, describe: 'Drop and recreate the authbench database (schema and seeded data)' }),
  handler: async (args) => {
    const { targetSpecFromArgs } = await import('../options.js');
    const { provisionTarget } = await import('../../target/provision.js');
    const { redactUrl } = await import('../../target/url.js');
    const { resolveHome, stateFilePath } = await import('../../target/state.js');
    const spec = targetSpecFromArgs({ ...args, target: 'embedded', 'allow-non-empty': false });
    const started = Date.now();
    await using target = await provisionTarget({ ...spec, keepRunning: true });
    if (args.fresh) await (await import('../../target/embedded.js')).recreateEmbeddedDatabase(target);
    const upkeep = args.fresh ? null : await (await import('../../target/prepare.js')).upkeepIfMigrated(target);
    const show = (url: string | undefined): string => (url === undefined ? '-' : args['show-url'] ? url : redactUrl(url));
    process.stdout.write(
      [
        target.started ? `Started PostgreSQL ${target.serverVersion} and redis-server ${target.redisVersion} in ${((Date.now() - started) / 1000).toFixed(1)} s.` : `Already running: PostgreSQL ${target.serverVersion} and redis-server ${target.redisVersion}.`,
        ...(args.fresh ? ['Recreated the authbench database (empty).'] : []),
        ...(upkeep ? [`Partitions: ${upkeep.created.length} created, ${upkeep.dropped.length} dropped past the retention.`] : []),
        `  postgres (admin): ${show(target.pgUrl)}`,
        `  postgres (app):   ${show(target.appPgUrl)}`,
        `  redis:            ${show(target.redisUrl)}`,
        `State: ${stateFilePath(resolveHome(spec.dataDir))} (mode 600, holds the passwords).`,
        args['show-url'] ? '' : 'Full URLs for psql: `authbench env` (or provision --show-url). Stop with `authbench teardown`.',
      ].join('\n') + '\n',
    );
  },
};
export default command;
