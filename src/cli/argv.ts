// Checks on the raw argument list that yargs cannot make: a flag given twice (yargs would quietly make it a list)
// and a negative value after a flag (`--duration -5s`, which yargs would read as the short flags -5 and -s), and the
// positional `-` (standard input), which yargs would drop.
import { InvalidInputError } from '../errors.js';
import { STDIN_SENTINEL } from '../scenario/read-source.js';

/** `--pgUrl` and `--pg-url` are one flag to yargs, and `--no-html` is `--html`: name them the way the help does. */
function flagName(token: string): string | undefined {
  if (!token.startsWith('--') || token === '--') return undefined;
  const name = token.slice(2).split('=', 1)[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return name.startsWith('no-') ? name.slice(3) : name;
}

/** Flags that take a list, by command: given once per item (`run --out json --out prometheus-rw=URL`). */
const LIST_FLAGS: Readonly<Record<string, readonly string[]>> = { run: ['out'] };

/** Every flag given more than once and how often, in order of first use, until the `--` that ends the flags. */
export function repeatedFlags(argv: readonly string[]): { name: string; count: number }[] {
  const lists = LIST_FLAGS[argv[0] ?? ''] ?? [];
  const counts = new Map<string, number>();
  for (const token of argv) {
    if (token === '--') break;
    const name = flagName(token);
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].filter(([name, count]) => count > 1 && !lists.includes(name)).map(([name, count]) => ({ name, count }));
}

/** Refuses repeated flags (exit 2), naming each: only LIST_FLAGS take a list, and "the last one wins" hides typos. */
export function assertNoRepeatedFlags(argv: readonly string[]): void {
  const repeated = repeatedFlags(argv);
  if (repeated.length === 0) return;
  throw new InvalidInputError(
    repeated.map(({ name, count }) => ({ path: '', message: `--${name} was given ${count === 2 ? 'twice' : `${count} times`}; give it once.` })),
    { code: 'AB_ERR_USAGE', hint: 'Run `authbench <command> --help` for usage.' },
  );
}

/**
 * `--duration -5s` → `--duration=-5s`, so that the value reaches the flag's own check ("must be more than 0s,
 * got -5s") instead of becoming the unknown short flags `-5` and `-s`. Only a `-` followed by a digit or a dot.
 */
export function attachNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    const next = argv[i + 1];
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (flagName(token) !== undefined && !token.includes('=') && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${token}=${next}`);
      i++;
      continue;
    }
    out.push(token);
  }
  return out;
}

/** A positional `-` (standard input) → STDIN_SENTINEL, which yargs keeps; a `-` right after a flag stays that flag's value. */
export function protectStdinDash(argv: readonly string[]): string[] {
  return argv.map((token, i) => {
    const previous = argv[i - 1];
    const isFlagValue = previous !== undefined && flagName(previous) !== undefined && !previous.includes('=');
    return token === '-' && !isFlagValue ? STDIN_SENTINEL : token;
  });
}
