// `authbench run FILE`: runs a scenario against its target and writes results.json, the .hlog, HTML and JUnit (and
// whatever --out KIND[=DEST] adds, e.g. a Prometheus remote-write stream).
// Flags override the file. Exit: 0 pass, 1 threshold failed, 2 invalid input, 3 infrastructure, 4 invalid run, 130 aborted.
import type { CommandModule } from 'yargs';
import type { TargetKind } from '../../target/types.js';
import type { ShardOf } from '../../scenario/plan.js';
import { TLS_OPTION, targetOverridesFromArgs } from '../options.js';

interface RunArgs {
  file: string;
  duration?: string;
  warmup?: string;
  rate?: string;
  connections?: number;
  workers?: number;
  seed?: number;
  cache?: 'warm' | 'cold';
  out?: string | string[];
  'out-dir'?: string;
  'run-id'?: string;
  target?: TargetKind;
  'pg-url'?: string;
  'redis-url'?: string;
  'data-dir'?: string;
  tls?: boolean;
  'allow-non-empty'?: boolean;
  'allow-unsafe-settings': boolean;
  html: boolean;
  junit: boolean;
  'server-series': boolean;
  baseline?: string;
  'max-regression': string;
  'allow-invalid': boolean;
  shard?: string;
  shards?: number;
  'start-at'?: string;
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
      .option('out', {
        type: 'string',
        describe: 'An output, KIND[=DEST], repeatable: json, hlog, junit, html, console (=FILE moves the file) or prometheus-rw=URL (streams the run); a value that is no kind is the report directory (as --out-dir)',
      })
      .option('out-dir', { type: 'string', describe: 'Report directory', defaultDescription: 'reports/<scenario>-<timestamp>' })
      .option('run-id', { type: 'string', describe: 'The run_id label of streamed series (shards of one run share it)', defaultDescription: '<UTC time>-<random>' })
      .option('target', { choices: ['embedded', 'docker', 'external'] as const, describe: 'Where the databases come from (default: the file\'s)' })
      .option('pg-url', { type: 'string', describe: 'PostgreSQL admin URL (implies --target external; default $DATABASE_URL)' })
      .option('redis-url', { type: 'string', describe: 'Redis URL (implies --target external; default $REDIS_URL)' })
      .option('data-dir', { type: 'string', describe: 'Directory of the servers authbench starts', defaultDescription: '.authbench' })
      .option('tls', TLS_OPTION)
      .option('allow-non-empty', { type: 'boolean', describe: 'Allow writing into a database that holds other tables' })
      .option('allow-unsafe-settings', { type: 'boolean', default: false, describe: 'Let target.serverSettings run commands, load code, change where the server listens or weaken durability (non-durable runs are marked so)' })
      .option('html', { type: 'boolean', default: true, describe: 'Write report.html' })
      .option('junit', { type: 'boolean', default: true, describe: 'Write junit.xml' })
      .option('server-series', { type: 'boolean', default: true, describe: 'Record the per-second host, thread, PostgreSQL and Redis series behind the diagnosis (--no-server-series turns it off)' })
      .option('baseline', { type: 'string', describe: 'results.json of an earlier run: fail (exit 1) on a regression beyond --max-regression' })
      .option('max-regression', { type: 'string', default: '10%', describe: 'Tolerated regression against --baseline, e.g. 10% or 0.1' })
      .option('allow-invalid', { type: 'boolean', default: false, describe: 'With --baseline: gate even on an INVALID or ABORTED baseline (refused by default, exit 2); the comparison warns' })
      .option('shard', { type: 'string', describe: 'Run shard K of N (K from 0), e.g. 1/3; merge the shards with authbench merge (docs/distributed.md)' })
      .option('shards', { type: 'number', describe: 'Run N shard processes on this machine, then merge them' })
      .option('start-at', { type: 'string', describe: 'With --shard: start the load at this instant (ISO 8601 or epoch ms), the same for every shard' })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress or stage messages and no table: the verdict line only (errors still on stderr)' })
      .option('json', { type: 'boolean', default: false, describe: 'The run\'s summary as JSON on stdout instead of the table (progress stays on stderr)' }),
  handler: async (args) => {
    const { loadScenario } = await import('../../scenario/parse.js');
    const { applyOverrides } = await import('../../run/plan-overrides.js');
    const { runBenchmark } = await import('../../run/run-benchmark.js');
    // A bad baseline or tolerance is invalid input: refuse it before any load, not after the run.
    const baseline = args.baseline;
    const allowInvalid = args['allow-invalid'];
    let maxRegression = 0;
    if (baseline === undefined && allowInvalid) {
      const { InvalidInputError } = await import('../../errors.js');
      throw new InvalidInputError([{ path: '--allow-invalid', message: 'only with --baseline BASE.json: it lets the gate compare with an INVALID or ABORTED baseline' }], { code: 'AB_ERR_USAGE' });
    }
    if (baseline !== undefined) {
      const { parseMaxRegression, refuseInvalidRuns } = await import('../../compare/index.js');
      const { readResults } = await import('../../results/read.js');
      maxRegression = parseMaxRegression(args['max-regression']);
      if (!allowInvalid) refuseInvalidRuns([{ file: baseline, results: await readResults(baseline) }], '--allow-invalid');
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
    const { parseOutFlags, checkRunId } = await import('../../outputs/spec.js');
    const out = parseOutFlags(args.out === undefined ? [] : [args.out].flat(), args['out-dir']);
    if (args['run-id'] !== undefined) checkRunId(args['run-id']);
    const sharding = await shardingOf(args, plan.load.warmupMs);
    if (sharding.local !== undefined) {
      const { runLocalShards } = await import('../../shard/local-shards.js');
      const merged = await runLocalShards(args.file, plan, sharding.local, {
        argv: process.argv.slice(2),
        target,
        ...(out.dir !== undefined ? { outDir: out.dir } : {}),
        reports: { html: args.html, junit: args.junit, console: !args.quiet && !args.json },
      });
      process.exitCode = merged.exitCode;
      if (args.json) {
        const { runSummaryJson } = await import('../../report/json-summary.js');
        process.stdout.write(`${JSON.stringify(runSummaryJson(merged.results, merged.exitCode, merged.dir), null, 2)}\n`);
      } else if (args.quiet) {
        const { summarizeVerdict } = await import('../../report/verdict-line.js');
        process.stdout.write(`${summarizeVerdict(merged.results).line}\n`);
      }
      return;
    }
    const { shardPlan } = await import('../../shard/shard-plan.js');
    const runPlan = sharding.shard ? shardPlan(plan, sharding.shard) : plan;
    // Before any server starts: a report directory that cannot be written would lose the run's results at its end.
    const { assertReportDirectoryWritable } = await import('../../report/out-dir.js');
    await assertReportDirectoryWritable(out.dir ?? 'reports', { flag: out.dirFlag ?? '--out-dir (default reports/)' });
    const outcome = await runBenchmark(runPlan, {
      target,
      ...(sharding.startAtMs !== undefined ? { startAtMs: sharding.startAtMs } : {}),
      ...(out.dir !== undefined ? { outDir: out.dir } : {}),
      outputs: out.specs,
      ...(args['run-id'] !== undefined ? { runId: args['run-id'] } : {}),
      // --json keeps stdout for the JSON document; --quiet leaves it the verdict line.
      reports: { html: args.html, junit: args.junit, console: !args.quiet && !args.json },
      ...(args.quiet ? { progress: { write: () => true } } : {}),
      handleSignals: true,
      serverSeries: args['server-series'],
    });
    if (outcome.error) throw outcome.error;
    process.exitCode = outcome.exitCode;
    const { shouldUseColor } = await import('../../report/console.js');
    let gateLine: { regressed: boolean; inconclusive: boolean; line: string } | undefined;
    if (baseline !== undefined && outcome.results.status === 'completed') {
      const { gateOnBaseline } = await import('../../compare/index.js');
      const gate = await gateOnBaseline(baseline, outcome.results, maxRegression, { color: shouldUseColor(process.stdout, process.env), allowInvalid });
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
/** The sharding flags, checked before anything starts: shard K of N, N local shards, or neither. */
async function shardingOf(args: RunArgs, warmupMs: number): Promise<{ shard?: ShardOf; local?: number; startAtMs?: number }> {
  const { parseShardFlag, parseShardsFlag, parseStartAt } = await import('../../shard/shard-flags.js');
  const { InvalidInputError } = await import('../../errors.js');
  if (args.shard !== undefined && args.shards !== undefined) {
    throw new InvalidInputError([{ path: '--shards', message: 'not with --shard: --shard K/N runs one shard, --shards N runs all N here' }], { code: 'AB_ERR_USAGE' });
  }
  if (args['start-at'] !== undefined && args.shard === undefined) {
    throw new InvalidInputError([{ path: '--start-at', message: 'only with --shard K/N: it lines up the shards of one run (--shards N picks its own)' }], { code: 'AB_ERR_USAGE' });
  }
  if (args.shards !== undefined) return { local: parseShardsFlag(args.shards) };
  if (args.shard === undefined) return {};
  const shard = parseShardFlag(args.shard);
  return { shard, ...(args['start-at'] !== undefined ? { startAtMs: parseStartAt(args['start-at'], Date.now(), warmupMs) } : {}) };
}

export default command;
