// `authbench maintain`: one partition upkeep pass on the target's auth database (day partitions from yesterday to
// tomorrow, expired ones dropped under the retention), as a production daily job would run it.
import type { CommandModule } from 'yargs';
import { withTargetOptions, type TargetArgs } from '../options.js';

interface MaintainArgs extends TargetArgs {
  'sessions-retention'?: string;
  'audit-retention'?: string;
}

const command: CommandModule<object, MaintainArgs> = {
  command: 'maintain',
  describe: 'Create the coming day partitions and drop those past the retention (run daily on a database kept for long)',
  builder: (y) =>
    withTargetOptions(y)
      .option('sessions-retention', { type: 'string', describe: 'Keep session partitions this long after their day (e.g. 168h); also caps every session\'s life', defaultDescription: "the database's (30 days)" })
      .option('audit-retention', { type: 'string', describe: 'Keep audit-event partitions this long after their day (e.g. 720h)', defaultDescription: "the database's (30 days)" }),
  handler: async (args) => {
    const { targetSpecFromArgs } = await import('../options.js');
    const { InvalidInputError } = await import('../../errors.js');
    const { parseDuration } = await import('../../scenario/units.js');
    const retention: { sessionsMs?: number; auditMs?: number } = {};
    const issues: { path: string; message: string }[] = [];
    for (const [flag, key] of [['sessions-retention', 'sessionsMs'], ['audit-retention', 'auditMs']] as const) {
      const text = args[flag];
      if (text === undefined) continue;
      const ms = parseDuration(text);
      if (ms === null || ms < 3_600_000) issues.push({ path: `--${flag}`, message: `expected a duration of at least 1h like 168h, got ${JSON.stringify(text)}` });
      else retention[key] = ms;
    }
    if (issues.length > 0) throw new InvalidInputError(issues);
    const spec = targetSpecFromArgs(args);
    const { provisionTarget } = await import('../../target/provision.js');
    const { connectPostgres } = await import('../../target/check.js');
    const { runUpkeep } = await import('../../authdb/maintenance.js');
    await using target = await provisionTarget(spec);
    const client = await connectPostgres(target.pgUrl);
    try {
      const { rows } = await client.query<{ ok: boolean }>("SELECT to_regprocedure('auth.set_retention(interval, interval)') IS NOT NULL AS ok");
      if (!rows[0]?.ok) {
        throw new InvalidInputError('The target database has no (current) authbench schema, so there is nothing to maintain.', { hint: 'Run `authbench seed` (or a run) first, which applies the migrations.' });
      }
      const report = await runUpkeep(client, { retention });
      const list = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.join(', '));
      process.stdout.write(`Partitions created: ${list(report.created)}.\nPartitions dropped past the retention: ${list(report.dropped)}.\n`);
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};
export default command;
