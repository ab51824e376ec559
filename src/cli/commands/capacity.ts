// `authbench capacity FILE`: finds the highest open-model arrival rate at which the scenario's thresholds hold (the
// knee) by stepping the rate up and bisecting. Exit: 0 a knee was found, 1 no rate held, 2 invalid input, 3 infra, 130.
import type { CommandModule } from 'yargs';
import type { TargetKind } from '../../target/types.js';
import { TLS_OPTION, targetOverridesFromArgs } from '../options.js';

interface CapacityArgs {
  file: string;
  start?: string;
  max?: string;
  'step-duration': string;
  'step-warmup'?: string;
  precision: string;
  connections?: number;
  workers?: number;
  out?: string;
  target?: TargetKind;
  'pg-url'?: string;
  'redis-url'?: string;
  'data-dir'?: string;
  tls?: boolean;
  html: boolean;
  'allow-unsafe-settings': boolean;
}

const command: CommandModule<object, CapacityArgs> = {
  command: 'capacity <file>',
  describe: 'Find the highest arrival rate at which a scenario\'s thresholds hold (the knee)',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Scenario YAML file (open model)' })
      .option('start', { type: 'string', describe: 'First rate, e.g. 250/s', defaultDescription: "the scenario's rate ÷ 8" })
      .option('max', { type: 'string', describe: 'Highest rate tried, e.g. 8000/s', defaultDescription: "the scenario's rate × 4" })
      .option('step-duration', { type: 'string', default: '20s', describe: 'Measured time of each step' })
      .option('step-warmup', { type: 'string', describe: 'Warm-up of each step', defaultDescription: "min(the scenario's warm-up, 5s)" })
      .option('precision', { type: 'string', default: '5%', describe: 'Stop bisecting when the knee is known within this share' })
      .option('connections', { type: 'number', describe: 'PostgreSQL connections in total' })
      .option('workers', { type: 'number', describe: 'Load-generator threads' })
      .option('out', { type: 'string', alias: 'out-dir', describe: 'Report directory', defaultDescription: 'reports/<scenario>-capacity-<timestamp>' })
      .option('target', { choices: ['embedded', 'docker', 'external'] as const, describe: "Where the databases come from (default: the file's)" })
      .option('pg-url', { type: 'string', describe: 'PostgreSQL admin URL (implies --target external)' })
      .option('redis-url', { type: 'string', describe: 'Redis URL (implies --target external)' })
      .option('data-dir', { type: 'string', describe: 'Directory of the servers authbench starts', defaultDescription: '.authbench' })
      .option('tls', TLS_OPTION)
      .option('html', { type: 'boolean', default: true, describe: 'Write capacity.html' })
      .option('allow-unsafe-settings', { type: 'boolean', default: false, describe: 'Let target.serverSettings run commands, load code, change where the server listens or weaken durability (non-durable runs are marked so)' }),
  handler: async (args) => {
    const { InvalidInputError } = await import('../../errors.js');
    const { parseDuration, parseRate, parseRatio } = await import('../../scenario/units.js');
    const { loadScenario } = await import('../../scenario/parse.js');
    const { applyOverrides } = await import('../../run/plan-overrides.js');
    const { runCapacity } = await import('../../capacity/run-capacity.js');
    const issues: { path: string; message: string }[] = [];
    const rate = (flag: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const v = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : parseRate(text);
      if (v === null || !(v > 0)) issues.push({ path: flag, message: `must be a rate like 500/s above 0, got ${text}` });
      return v ?? undefined;
    };
    const duration = (flag: string, text: string | undefined): number | undefined => {
      if (text === undefined) return undefined;
      const v = parseDuration(text);
      if (v === null) issues.push({ path: flag, message: `must be a duration like 20s, got ${text}` });
      return v ?? undefined;
    };
    const start = rate('--start', args.start);
    const max = rate('--max', args.max);
    const stepDurationMs = duration('--step-duration', args['step-duration']);
    const stepWarmupMs = duration('--step-warmup', args['step-warmup']);
    const precision = parseRatio(args.precision);
    if (precision === null) issues.push({ path: '--precision', message: `must be a share like 5% or 0.05, got ${args.precision}` });
    if (issues.length > 0) throw new InvalidInputError(issues);
    const plan = applyOverrides(await loadScenario(args.file, { allowUnsafeSettings: args['allow-unsafe-settings'] }), {
      ...(args.connections !== undefined ? { connections: args.connections } : {}),
      ...(args.workers !== undefined ? { workers: args.workers } : {}),
    });
    const target = targetOverridesFromArgs(args);
    const { assertReportDirectoryWritable } = await import('../../report/out-dir.js');
    await assertReportDirectoryWritable(args.out ?? 'reports', { flag: args.out === undefined ? '--out (default reports/)' : '--out' });
    const { results } = await runCapacity(plan, {
      ...(start !== undefined ? { start } : {}),
      ...(max !== undefined ? { max } : {}),
      ...(stepDurationMs !== undefined ? { stepDurationMs } : {}),
      ...(stepWarmupMs !== undefined ? { stepWarmupMs } : {}),
      ...(precision !== null ? { precision } : {}),
      ...(args.out !== undefined ? { outDir: args.out } : {}),
      target,
      html: args.html,
      handleSignals: true,
    });
    process.exitCode = results.end === 'stopped' ? 130 : results.knee === null ? 1 : 0;
  },
};
export default command;
