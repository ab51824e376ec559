// `authbench report RESULTS.json [--html] [--junit] [--out DIR]`: re-render the reports of a finished run from its
// results file. Prints the console report and exits with the run's verdict code, so it can gate CI on its own.
import type { CommandModule } from 'yargs';

interface ReportArgs {
  results: string;
  html: boolean;
  junit: boolean;
  out?: string;
}

const command: CommandModule<object, ReportArgs> = {
  command: 'report <results>',
  describe: 'Re-render the console, HTML and JUnit reports from a results.json (exit code follows its verdict)',
  builder: (y) =>
    y
      .positional('results', { type: 'string', demandOption: true, describe: 'The results.json an authbench run wrote' })
      .option('html', { type: 'boolean', default: false, describe: 'Write report.html (self-contained)' })
      .option('junit', { type: 'boolean', default: false, describe: 'Write junit.xml (one testcase per threshold)' })
      .option('out', { type: 'string', alias: 'out-dir', describe: 'Directory for the files', defaultDescription: 'the directory of RESULTS.json' }),
  handler: async (args) => {
    const path = await import('node:path');
    const { readResults } = await import('../../results/read.js');
    const { exitCodeForVerdict } = await import('../../verdict/verdict.js');
    const { renderConsole, shouldUseColor, writeReports } = await import('../../report/index.js');
    const results = await readResults(args.results);
    if (args.html || args.junit) {
      const { assertReportDirectoryWritable } = await import('../../report/out-dir.js');
      await assertReportDirectoryWritable(args.out ?? path.dirname(args.results), { flag: args.out === undefined ? '--out (default: the directory of RESULTS.json)' : '--out' });
    }
    process.stdout.write(renderConsole(results, { color: shouldUseColor(process.stdout, process.env) }));
    if (args.html || args.junit) {
      const paths = await writeReports(results, args.out ?? path.dirname(args.results), { html: args.html, junit: args.junit });
      for (const file of [paths.html, paths.junit]) if (file) process.stderr.write(`wrote ${file}\n`);
    }
    process.exitCode = exitCodeForVerdict(results.verdict);
  },
};
export default command;
