// `authbench merge DIR... [--out DIR]`: one run from the report directories of its shards (run --shard K/N).
// Exit codes as for run: 0 pass, 1 threshold failed, 2 invalid input (not shards of one run), 4 invalid run.
import type { CommandModule } from 'yargs';

interface MergeArgs {
  dirs: string[];
  out?: string;
  html: boolean;
  junit: boolean;
}

const command: CommandModule<object, MergeArgs> = {
  command: 'merge <dirs..>',
  describe: 'Merge the report directories of a run\'s shards into one run (histograms added, thresholds judged once)',
  builder: (y) =>
    y
      .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Each shard\'s report directory' })
      .option('out', { type: 'string', describe: 'Directory of the merged reports', defaultDescription: 'reports/<scenario>-merged-<timestamp>' })
      .option('html', { type: 'boolean', default: true, describe: 'Write report.html' })
      .option('junit', { type: 'boolean', default: true, describe: 'Write junit.xml' }),
  handler: async (args) => {
    const { runMerge } = await import('../../merge/run-merge.js');
    const outcome = await runMerge(args.dirs, {
      ...(args.out !== undefined ? { outDir: args.out } : {}),
      html: args.html,
      junit: args.junit,
      log: (line) => void process.stderr.write(`${line}\n`),
    });
    process.exitCode = outcome.exitCode;
  },
};
export default command;
