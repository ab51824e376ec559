// `authbench k8s FILE --shards N --image IMAGE [--namespace NS]`: prints the Kubernetes manifests of a distributed
// run (docs/distributed.md) for `kubectl apply -f -`. Exit 0, or 2 for invalid input.
import type { CommandModule } from 'yargs';

interface K8sArgs {
  file: string;
  shards: number;
  image: string;
  namespace?: string;
  secret: string;
  lead: string;
  storage: string;
  'allow-unsafe-settings': boolean;
}

const command: CommandModule<object, K8sArgs> = {
  command: 'k8s <file>',
  describe: 'Print Kubernetes manifests that run a scenario as N shards (Indexed Job) and merge them',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file' })
      .option('shards', { type: 'number', demandOption: true, describe: 'Shard pods (completions = parallelism = N)' })
      .option('image', { type: 'string', demandOption: true, describe: 'The authbench image (docker/Dockerfile)' })
      .option('namespace', { type: 'string', describe: 'Namespace of every object' })
      .option('secret', { type: 'string', default: 'authbench-target', describe: 'Secret with DATABASE_URL and REDIS_URL of the target' })
      .option('lead', { type: 'string', default: '60s', describe: 'Time from the end of prepare to the common start (pods must be running by then)' })
      .option('storage', { type: 'string', default: '1Gi', describe: 'Size of the shared ReadWriteMany results volume' })
      .option('allow-unsafe-settings', { type: 'boolean', default: false, describe: 'As for run' }),
  handler: async (args) => {
    const { loadScenario } = await import('../../scenario/parse.js');
    const { parseShardsFlag } = await import('../../shard/shard-flags.js');
    const { shardPlan } = await import('../../shard/shard-plan.js');
    const { parseDuration } = await import('../../scenario/units.js');
    const { InvalidInputError } = await import('../../errors.js');
    const { buildManifests, renderManifests } = await import('../../k8s/manifests.js');
    const plan = await loadScenario(args.file, { allowUnsafeSettings: args['allow-unsafe-settings'] });
    const urls = (['pgUrl', 'redisUrl'] as const).filter((k) => plan.target[k] !== undefined);
    if (urls.length > 0) {
      // The ConfigMap is not a secret: the pods take the URLs from the Secret instead.
      throw new InvalidInputError(urls.map((k) => ({ file: plan.source.file, path: `target.${k}`, message: 'must not be in a scenario sent to Kubernetes: the ConfigMap would carry it in clear' })), {
        hint: `Remove it; the pods read DATABASE_URL and REDIS_URL from the Secret ${args.secret}.`,
      });
    }
    const shards = parseShardsFlag(args.shards);
    shardPlan(plan, { index: 0, count: shards }); // refuses now what every shard pod would refuse later
    const lead = parseDuration(args.lead);
    if (typeof lead !== 'number' || !(lead > 0)) throw new InvalidInputError([{ path: '--lead', message: `expected a duration such as 60s, got ${JSON.stringify(args.lead)}` }], { code: 'AB_ERR_USAGE' });
    if (args.image.trim() === '' || /\s/.test(args.image)) throw new InvalidInputError([{ path: '--image', message: `expected an image reference such as registry.example/authbench:0.1, got ${JSON.stringify(args.image)}` }], { code: 'AB_ERR_USAGE' });
    const objects = buildManifests(plan, { shards, image: args.image, secret: args.secret, leadMs: lead, storage: args.storage, ...(args.namespace !== undefined ? { namespace: args.namespace } : {}) });
    process.stdout.write(renderManifests(objects, [`authbench: ${plan.name} as ${shards} shards; kubectl apply -f - (docs/distributed.md)`]));
  },
};
export default command;
