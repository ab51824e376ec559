#!/usr/bin/env node
// The authbench command line: parses argv with yargs (strict), runs one command, and is the single place
// that turns an error into a message on stderr and an exit code. Commands lazy-import their real work.
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { ExitCode, InvalidInputError, isAuthbenchError } from '../errors.js';
import { assertNoRepeatedFlags, attachNegativeValues, protectStdinDash } from './argv.js';
// A leaf module: every error text is printed through the one redaction rule, whatever built it.
import { redactSecrets } from '../target/redact.js';
import { didYouMean } from '../scenario/did-you-mean.js';

// Each command module types its own arguments; the list only needs them to be command modules.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCommand = CommandModule<object, any>;

/** Every command, one line each (src/cli/commands/<name>.ts, default export). */
const commands: AnyCommand[] = [
  (await import('./commands/doctor.js')).default,
  (await import('./commands/provision.js')).default,
  (await import('./commands/seed.js')).default,
  (await import('./commands/maintain.js')).default,
  (await import('./commands/teardown.js')).default,
  (await import('./commands/env.js')).default,
  (await import('./commands/run.js')).default,
  (await import('./commands/prepare.js')).default,
  (await import('./commands/merge.js')).default,
  (await import('./commands/k8s.js')).default,
  (await import('./commands/validate.js')).default,
  (await import('./commands/report.js')).default,
  (await import('./commands/compare.js')).default,
  (await import('./commands/capacity.js')).default,
  (await import('./commands/backup.js')).default,
  (await import('./commands/restore.js')).default,
];

/** `Unknown argument: durtion` → ` Did you mean --duration?`, from the options of the command being parsed. */
function flagSuggestions(message: string, known: readonly string[]): string {
  const match = /^Unknown arguments?: (.+)$/.exec(message.trim());
  if (!match) return '';
  // yargs names a kebab-case flag twice (`data-dir, dataDir`): once is enough.
  const names = [...new Set(match[1]!.split(', ').map((n) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)))];
  const hints = names.flatMap((name) => {
    const near = didYouMean(name.replace(/^-+/, ''), known);
    return near === undefined ? [] : [`--${near} for ${name.length === 1 ? '-' : '--'}${name.replace(/^-+/, '')}`];
  });
  return hints.length === 0 ? '' : ` Did you mean ${hints.join(', ')}?`;
}

/** A yargs usage problem (unknown flag, missing argument): input error, exit 2. */
function usageError(message: string, known: readonly string[] = []): InvalidInputError {
  const sentence = /[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`;
  return new InvalidInputError(`${sentence}${flagSuggestions(message, known)}`, { code: 'AB_ERR_USAGE', hint: 'Run `authbench --help` (or `authbench <command> --help`) for usage.' });
}

/** The option names yargs knows for the command being parsed (its usage instance lists them with descriptions). */
function knownFlags(usage: unknown): string[] {
  const descriptions = (usage as { getDescriptions?: () => Record<string, unknown> } | undefined)?.getDescriptions?.();
  return descriptions ? Object.keys(descriptions) : [];
}

export async function main(argv: string[]): Promise<void> {
  const debug = process.env.AUTHBENCH_DEBUG === '1';
  try {
    const args = protectStdinDash(attachNegativeValues(argv));
    assertNoRepeatedFlags(args);
    let parser = yargs(args)
      .scriptName('authbench')
      .usage('$0 <command> [options]')
      .strict()
      .demandCommand(1, 'Name a command.')
      .recommendCommands()
      .exitProcess(false)
      .fail((message: string | null, err: Error | undefined, usage: unknown) => {
        throw err ?? usageError(message ?? 'invalid command line', knownFlags(usage));
      })
      .completion('completion', 'Print a bash/zsh completion script (authbench completion >> ~/.bashrc)')
      .help()
      .alias('h', 'help')
      .version()
      .wrap(Math.min(110, process.stdout.columns || 100))
      .epilog('Exit codes: 0 pass, 1 threshold failed, 2 invalid input, 3 infrastructure, 4 invalid run, 130 interrupted.');
    for (const command of commands) parser = parser.command(command);
    await parser.parseAsync();
  } catch (err) {
    if (isAuthbenchError(err)) {
      process.stderr.write(`authbench: ${redactSecrets(err.toUserText())} [${err.code}]\n`);
      if (debug && err.stack) process.stderr.write(`${redactSecrets(err.stack)}\n`);
      process.exitCode = err.exitCode;
    } else {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`authbench: unexpected error: ${redactSecrets(message.split('\n')[0] ?? '')}. This is a bug; please report it (set AUTHBENCH_DEBUG=1 for the stack trace).\n`);
      if (debug) process.stderr.write(`${redactSecrets(err instanceof Error ? (err.stack ?? message) : String(err))}\n`);
      process.exitCode = ExitCode.infrastructure;
    }
  }
}

await main(hideBin(process.argv));
