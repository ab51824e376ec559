// `authbench validate FILE…`: checks scenario files without running anything and prints a summary of each,
// or every problem with file:line and path (exit 2). `-` reads one scenario from standard input. Nothing is provisioned.
import type { CommandModule } from 'yargs';
import { InvalidInputError, type InputIssue } from '../../errors.js';
import { STDIN_ARGUMENT, STDIN_SENTINEL } from '../../scenario/read-source.js';

interface ValidateArgs {
  files: string[];
  'allow-unsafe-settings': boolean;
}

const command: CommandModule<object, ValidateArgs> = {
  command: 'validate <files..>',
  describe: 'Check scenario files (syntax, units, bounds, operations, thresholds) without running them',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: 'Scenario YAML files (- reads standard input)' })
      .option('allow-unsafe-settings', { type: 'boolean', default: false, describe: 'Accept target.serverSettings outside the performance allow-list, as `run --allow-unsafe-settings` does' }),
  handler: async (args) => {
    const { loadScenario } = await import('../../scenario/parse.js');
    const { summarizePlan } = await import('../../scenario/summary.js');
    if (args.files.filter((f) => f === STDIN_ARGUMENT || f === STDIN_SENTINEL).length > 1) {
      throw new InvalidInputError([{ path: '-', message: 'standard input can be read once; give - once' }], { code: 'AB_ERR_USAGE' });
    }
    const issues: InputIssue[] = [];
    let invalidFiles = 0;
    for (const file of args.files) {
      try {
        const plan = await loadScenario(file, { allowUnsafeSettings: args['allow-unsafe-settings'] });
        process.stdout.write(`${plan.source.file}: valid (${summarizePlan(plan)})\n`);
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        invalidFiles++;
        issues.push(...err.issues);
      }
    }
    if (issues.length > 0) {
      const problems = `${issues.length} problem${issues.length === 1 ? '' : 's'} in ${invalidFiles} file${invalidFiles === 1 ? '' : 's'}`;
      throw new InvalidInputError(issues, { hint: `(${problems}; the format is described in docs/scenarios.md.)` });
    }
  },
};
export default command;
