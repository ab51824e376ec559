// `authbench compare BASE.json NEW.json [--max-regression 10%] [--metrics …] [--json]`: noise-aware regression check
// of a run against a baseline. Exit 1 on any regression (or when nothing could be judged), 0 otherwise, 2 for a bad
// file or flag, or an INVALID/ABORTED run without --allow-invalid.
import type { CommandModule } from 'yargs';

interface CompareArgs {
  base: string;
  next: string;
  'max-regression': string;
  metrics?: string;
  json: boolean;
  'allow-invalid': boolean;
}

const command: CommandModule<object, CompareArgs> = {
  command: 'compare <base> <next>',
  describe: 'Compare a run with a baseline run: p50/p95/p99, throughput and errors per operation (exit 1 on a regression)',
  builder: (y) =>
    y
      .positional('base', { type: 'string', demandOption: true, describe: 'The baseline results.json' })
      .positional('next', { type: 'string', demandOption: true, describe: 'The new results.json' })
      .option('max-regression', { type: 'string', default: '10%', describe: 'Tolerated worsening: a percentage (10%) or a ratio (0.1)' })
      .option('metrics', { type: 'string', describe: 'Metrics to compare, comma-separated', defaultDescription: 'p50,p95,p99,throughput,errors' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the comparison as JSON instead of the table' })
      .option('allow-invalid', { type: 'boolean', default: false, describe: 'Compare even when a run is INVALID or ABORTED (refused by default, exit 2)' }),
  handler: async (args) => {
    const { compareRuns, parseCompareMetrics, parseMaxRegression, refuseInvalidRuns, renderComparison } = await import('../../compare/index.js');
    const { readResults } = await import('../../results/read.js');
    const { shouldUseColor } = await import('../../report/index.js');
    const { ExitCode } = await import('../../errors.js');
    // Flags first: a typo fails fast, before reading two large files.
    const maxRegression = parseMaxRegression(args['max-regression']);
    const metrics = args.metrics === undefined ? undefined : parseCompareMetrics(args.metrics);
    const [base, next] = await Promise.all([readResults(args.base), readResults(args.next)]);
    if (!args['allow-invalid']) refuseInvalidRuns([{ file: args.base, results: base }, { file: args.next, results: next }], '--allow-invalid');
    const comparison = compareRuns(base, next, { maxRegression, ...(metrics ? { metrics } : {}) });
    process.stdout.write(args.json ? `${JSON.stringify(comparison, null, 2)}\n` : renderComparison(comparison, { color: shouldUseColor(process.stdout, process.env) }));
    process.exitCode = comparison.regressed || comparison.inconclusive ? ExitCode.thresholdFailed : ExitCode.pass;
  },
};
export default command;
