// `authbench doctor [--install] [--json] [--pg-url --redis-url]`: what this machine has and which targets can run.
// Exit 0 when the embedded target can run, 3 otherwise; a malformed URL is exit 2.
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../errors.js';

interface DoctorArgs {
  install: boolean;
  json: boolean;
  'pg-url'?: string;
  'redis-url'?: string;
}

const command: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe: 'Check what this machine has for each target kind (--install fixes what it can)',
  builder: (y) =>
    y
      .option('install', { type: 'boolean', default: false, describe: 'Install what is missing and installable (redis-server via apt-get, as root)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the report as JSON' })
      .option('pg-url', { type: 'string', describe: 'Also check an existing PostgreSQL (default: $DATABASE_URL)' })
      .option('redis-url', { type: 'string', describe: 'Also check an existing Redis (default: $REDIS_URL)' }),
  handler: async (args) => {
    const { runDoctor, installMissing } = await import('../../target/doctor.js');
    const urls = { pgUrl: args['pg-url'], redisUrl: args['redis-url'] };
    let report = await runDoctor(urls);
    if (args.install) {
      const steps = await installMissing(report, (line) => process.stderr.write(`${line}\n`));
      for (const step of steps) process.stderr.write(`${step.ok ? 'ok  ' : 'FAIL'} ${step.name}: ${step.message}\n`);
      if (steps.length > 0) report = await runDoctor(urls);
    }
    if (args.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const width = Math.max(...report.checks.map((c) => c.name.length));
      for (const c of report.checks) {
        const needed = c.neededBy.length > 0 ? ` [${c.neededBy.join(', ')}]` : '';
        process.stdout.write(`${c.ok ? 'ok  ' : 'MISS'} ${c.name.padEnd(width)}  ${c.detail}${needed}\n`);
        if (!c.ok && c.fix) process.stdout.write(`     ${' '.repeat(width)}  fix: ${c.fix}\n`);
      }
      process.stdout.write('\n');
      for (const [kind, t] of Object.entries(report.targets)) {
        process.stdout.write(`target ${kind.padEnd(8)} ${t.ready ? 'ready' : `not ready: missing ${t.missing.join(', ')}`}\n`);
      }
    }
    if (!report.targets.embedded.ready) process.exitCode = ExitCode.infrastructure;
  },
};
export default command;
