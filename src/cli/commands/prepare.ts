// `authbench prepare FILE`: migrate, seed and warm the target once for the shards of a run (`run --shard K/N`),
// which only check the dataset's fingerprint. Exit 0 when prepared, 2 invalid input, 3 infrastructure.
import type { CommandModule } from 'yargs';
import type { TargetKind } from '../../target/types.js';
import { targetOverridesFromArgs } from '../options.js';

interface PrepareArgs {
  file: string;
  seed?: number;
  target?: TargetKind;
  'pg-url'?: string;
  'redis-url'?: string;
  'data-dir'?: string;
  'allow-non-empty'?: boolean;
  'allow-unsafe-settings': boolean;
}

const command: CommandModule<object, PrepareArgs> = {
  command: 'prepare <file>',
  describe: 'Migrate, seed and warm the target once for the shards of a run (run --shard K/N)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file (- reads standard input)' })
      .option('seed', { type: 'number', describe: 'Seed of every random choice of the run (as the shards will be given)' })
      .option('target', { choices: ['embedded', 'docker', 'external'] as const, describe: 'Where the databases come from (default: the file\'s)' })
      .option('pg-url', { type: 'string', describe: 'PostgreSQL admin URL (implies --target external; default $DATABASE_URL)' })
      .option('redis-url', { type: 'string', describe: 'Redis URL (implies --target external; default $REDIS_URL)' })
      .option('data-dir', { type: 'string', describe: 'Directory of the servers authbench starts', defaultDescription: '.authbench' })
      .option('allow-non-empty', { type: 'boolean', describe: 'Allow writing into a database that holds other tables' })
      .option('allow-unsafe-settings', { type: 'boolean', default: false, describe: 'As for run' }),
  handler: async (args) => {
    const { loadScenario } = await import('../../scenario/parse.js');
    const { applyOverrides } = await import('../../run/plan-overrides.js');
    const { prepareForShards } = await import('../../shard/prepare-shards.js');
    const plan = applyOverrides(await loadScenario(args.file, { allowUnsafeSettings: args['allow-unsafe-settings'] }), args.seed !== undefined ? { seed: args.seed } : {});
    await prepareForShards(plan, targetOverridesFromArgs(args), (line) => void process.stderr.write(`${line}\n`));
  },
};
export default command;
