// `authbench run FILE`: runs a scenario against its target and writes results.json, the .hlog, HTML and JUnit.
// Flags override the file. Exit: 0 pass, 1 threshold failed, 2 invalid input, 3 infrastructure, 4 invalid run, 130 aborted.
import type { CommandModule } from 'yargs';
import type { TargetKind } from '../../target/types.js';
import { targetOverridesFromArgs } from '../options.js';

interface RunArgs {
  file: string;
  duration?: string;
  warmup?: string;
  rate?: string;
  connections?: number;
  workers?: number;
  seed?: number;
  cache?: 'warm' | 'cold';
  out?: string;
  target?: TargetKind;
  'pg-url'?: string;
  'redis-url'?: string;
  'data-dir'?: string;
  'allow-non-empty'?: boolean;
  'allow-unsafe-settings': boolean;
  html: boolean;
  junit: boolean;
  baseline?: string;
  'max-regression': string;
  quiet: boolean;
  json: boolean;
}

const command: CommandModule<object, RunArgs> = {
  command: 'run <file>',
  describe: 'Run a scenario and judge it against its thresholds',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file (- reads standard input)' })
      .option('duration', { type: 'string', describe: 'Measured duration, e.g. 60s (stages are scaled to it)' })
      .option('warmup', { type: 'string', describe: 'Warm-up before the measured window, e.g. 5s or 0s' })
      .option('rate', { type: 'string', describe: 'Constant arrival rate, e.g. 2000/s (open model)' })
      .option('connections', { type: 'number', describe: 'PostgreSQL connections in total (closed model: VUs)' })
      .option('workers', { type: 'number', describe: 'Load-generator threads' })
      .option('seed', { type: 'number', describe: 'Seed of every random choice of the run' })
      .option('cache', { choices: ['warm', 'cold'] as const, describe: 'Redis when the load starts (default: the file\'s target.cache)' })
      .option('out', { type: 'string', describe: 'Report directory', defaultDescription: 'reports/<scenario>-<timestamp>' })
      .option('target', { choices: ['embedded', 'docker', 'external'] as const, describe: 'Where the databases come from (default: the file\'s)' })
      .option('pg-url', { type: 'string', describe: 'PostgreSQL admin URL (implies --target external; default $DATABASE_URL)' })
      .option('redis-url', { type: 'string', describe: 'Redis URL (implies --target external; default $REDIS_URL)' })
      .option('data-dir', { type: 'string', describe: 'Directory of the servers authbench starts', defaultDescription: '.authbench' })
      .option('allow-non-empty', { type: 'boolean', describe: 'Allow writing into a database that holds other tables' })
      .option('allow-unsafe-settings', { type: 'boolean', default: false, describe: 'Let target.serverSettings run commands, load code, change where the server listens or weaken durability (non-durable runs are marked so)' })
      .option('html', { type: 'boolean', default: true, describe: 'Write report.html' })
      .option('junit', { type: 'boolean', default: true, describe: 'Write junit.xml' })
      .option('baseline', { type: 'string', describe: 'results.json of an earlier run: fail (exit 1) on a regression beyond --max-regression' })
      .option('max-regression', { type: 'string', default: '10%', describe: 'Tolerated regression against --baseline, e.g. 10% or 0.1' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress or stage messages and no table: the verdict line only (errors still on stderr)' })
      .option('json', { type: 'boolean', default: false, describe: 'The run\'s summary as JSON on stdout instead of the table (progress stays on stderr)' }),
  handler: async (args) => {
    const { loadScenario } = await import('../../scenario/parse.js');
    const { applyOverrides } = await import('../../run/plan-overrides.js');
    const { runBenchmark } = await import('../../run/run-benchmark.js');
    // A bad baseline or tolerance is invalid input: refuse it before any load, not after the run.
    const baseline = args.baseline;
    let maxRegression = 0;
    if (baseline !== undefined) {
      const { parseMaxRegression, refuseInvalidRuns } = await import('../../compare/index.js');
      const { readResults } = await import('../../report/json.js');
      maxRegression = parseMaxRegression(args['max-regression']);
      refuseInvalidRuns([{ file: baseline, results: await readResults(baseline) }]);
    }
    const plan = applyOverrides(await loadScenario(args.file, { allowUnsafeSettings: args['allow-unsafe-settings'] }), {
      ...(args.duration !== undefined ? { duration: args.duration } : {}),
      ...(args.warmup !== undefined ? { warmup: args.warmup } : {}),
      ...(args.rate !== undefined ? { rate: args.rate } : {}),
      ...(args.connections !== undefined ? { connections: args.connections } : {}),
      ...(args.workers !== undefined ? { workers: args.workers } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      ...(args.cache !== undefined ? { cache: args.cache } : {}),
    });
    const target = targetOverridesFromArgs(args);
    // Before any server starts: a report directory that cannot be written would lose the run's results at its end.
    const { assertReportDirectoryWritable } = await import('../../report/out-dir.js');
    await assertReportDirectoryWritable(args.out ?? 'reports', { flag: args.out === undefined ? '--out (default reports/)' : '--out' });
    const outcome = await runBenchmark(plan, {
      target,
      ...(args.out !== undefined ? { outDir: args.out } : {}),
      // --json keeps stdout for the JSON document; --quiet leaves it the verdict line.
      reports: { html: args.html, junit: args.junit, console: !args.quiet && !args.json },
      ...(args.quiet ? { progress: { write: () => true } } : {}),
      handleSignals: true,
    });
    if (outcome.error) throw outcome.error;
    process.exitCode = outcome.exitCode;
    const { shouldUseColor } = await import('../../report/console.js');
    let gateLine: { regressed: boolean; inconclusive: boolean; line: string } | undefined;
    if (baseline !== undefined && outcome.results.status === 'completed') {
      const { gateOnBaseline } = await import('../../compare/index.js');
      const gate = await gateOnBaseline(baseline, outcome.results, maxRegression, { color: shouldUseColor(process.stdout, process.env) });
      gateLine = { regressed: gate.regressed, inconclusive: gate.inconclusive, line: gate.section.line };
      if (!args.quiet && !args.json) process.stdout.write(`\n${gate.text}\n`);
      // A regression fails an otherwise passing run; invalid input, infrastructure, invalid and aborted codes win.
      // Nothing judged (too few samples) proves nothing, as an INCONCLUSIVE threshold.
      if ((gate.regressed || gate.inconclusive) && outcome.exitCode === 0) process.exitCode = 1;
    }
    if (args.json) {
      const { runSummaryJson } = await import('../../report/json-summary.js');
      const summary = { ...runSummaryJson(outcome.results, Number(process.exitCode), outcome.dir), ...(gateLine ? { baseline: gateLine } : {}) };
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else if (args.quiet) {
      const { summarizeVerdict } = await import('../../report/verdict-line.js');
      process.stdout.write(`${summarizeVerdict(outcome.results).line}${gateLine ? `\n${gateLine.line}` : ''}\n`);
    }
  },
};
export default command;
