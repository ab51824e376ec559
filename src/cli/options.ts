// Flags shared by commands that need a target (provision, run, seed, env): declared once, turned into a TargetSpec once.
import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import { InvalidInputError, type InputIssue } from '../errors.js';
import type { TargetKind, TargetSpec } from '../target/types.js';

export interface TargetArgs {
  target: TargetKind;
  'pg-url'?: string;
  'redis-url'?: string;
  'data-dir'?: string;
  'pg-port'?: number;
  'redis-port'?: number;
  'allow-non-empty': boolean;
  /** `--no-tls`: the embedded servers without TLS (default on). */
  tls?: boolean;
}

/** `--tls` / `--no-tls` for commands that may start the embedded servers; absent means the default (on). */
export const TLS_OPTION = {
  type: 'boolean',
  describe: 'TLS on the servers authbench starts (embedded; on by default): --no-tls for plaintext and Unix-socket workers',
} as const;

export function withDataDir<T>(yargs: Argv<T>): Argv<T & { 'data-dir'?: string }> {
  return yargs.option('data-dir', {
    type: 'string',
    describe: 'Directory for servers authbench starts (state.json, pg17/, redis/)',
    defaultDescription: '.authbench in the current directory',
  });
}

export function withTargetOptions<T>(yargs: Argv<T>): Argv<T & TargetArgs> {
  return withDataDir(yargs)
    .option('target', { choices: ['embedded', 'docker', 'external'] as const, default: 'embedded' as TargetKind, describe: 'Where the databases come from' })
    .option('pg-url', { type: 'string', describe: 'PostgreSQL admin URL for --target external (default: $DATABASE_URL)' })
    .option('redis-url', { type: 'string', describe: 'Redis URL for --target external (default: $REDIS_URL)' })
    .option('pg-port', { type: 'number', describe: 'Port for the embedded PostgreSQL (default: a free port)' })
    .option('redis-port', { type: 'number', describe: 'Port for the embedded redis-server (default: a free port)' })
    .option('allow-non-empty', { type: 'boolean', default: false, describe: 'Allow writing into a database that holds other tables' })
    .option('tls', TLS_OPTION) as Argv<T & TargetArgs>;
}

/**
 * `--data-dir` must name a directory (or where one can be made): an empty value would put the servers' files in the
 * working directory, and a file there fails deep inside provisioning.
 */
function checkDataDir(dir: string | undefined, issues: InputIssue[]): void {
  if (dir === undefined) return;
  if (dir.trim() === '') {
    issues.push({ path: '--data-dir', message: 'must not be empty; give the directory for the servers authbench starts (default .authbench)' });
    return;
  }
  try {
    if (!statSync(dir).isDirectory()) issues.push({ path: '--data-dir', message: `${JSON.stringify(dir)} is a file, not a directory` });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') issues.push({ path: '--data-dir', message: `${JSON.stringify(dir)} is under a file, not a directory` });
    // ENOENT: provisioning creates it.
  }
}

/** The TargetSpec the flags describe (URLs are validated later, by provisioning, with the flag names). */
export function targetSpecFromArgs(args: TargetArgs): TargetSpec {
  const issues: InputIssue[] = [];
  for (const flag of ['pg-port', 'redis-port'] as const) {
    const port = args[flag];
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) issues.push({ path: `--${flag}`, message: 'must be a port number between 1 and 65535' });
  }
  checkDataDir(args['data-dir'], issues);
  if (issues.length > 0) throw new InvalidInputError(issues);
  const spec: TargetSpec = { kind: args.target, allowNonEmpty: args['allow-non-empty'] };
  if (args['pg-url'] !== undefined) spec.pgUrl = args['pg-url'];
  if (args['redis-url'] !== undefined) spec.redisUrl = args['redis-url'];
  if (args['data-dir'] !== undefined) spec.dataDir = args['data-dir'];
  if (args['pg-port'] !== undefined) spec.pgPort = args['pg-port'];
  if (args['redis-port'] !== undefined) spec.redisPort = args['redis-port'];
  if (args.tls !== undefined) spec.tls = args.tls;
  return spec;
}

/** Target flags of commands whose scenario file names the target (run, capacity): only what the flags override. */
export interface TargetOverrideArgs {
  target?: TargetKind;
  'pg-url'?: string;
  'redis-url'?: string;
  'data-dir'?: string;
  'allow-non-empty'?: boolean;
  tls?: boolean;
}

/** The overrides the flags make to the scenario's target; a URL flag alone implies `--target external`. */
export function targetOverridesFromArgs(args: TargetOverrideArgs): Partial<TargetSpec> {
  // A URL with a target that starts its own servers would be silently ignored: refuse it, as the file does.
  if (args.target !== undefined && args.target !== 'external') {
    const urls = (['pg-url', 'redis-url'] as const).filter((flag) => args[flag] !== undefined);
    if (urls.length > 0) {
      throw new InvalidInputError(
        urls.map((flag) => ({ path: `--${flag}`, message: `only with --target external (authbench starts its own servers for --target ${args.target}).` })),
        { hint: `Drop --target ${args.target} (a URL flag implies --target external), or drop ${urls.map((f) => `--${f}`).join(' and ')}.` },
      );
    }
  }
  const dataDirIssues: InputIssue[] = [];
  checkDataDir(args['data-dir'], dataDirIssues);
  if (dataDirIssues.length > 0) throw new InvalidInputError(dataDirIssues);
  const target: Partial<TargetSpec> = {};
  const kind = args.target ?? (args['pg-url'] !== undefined || args['redis-url'] !== undefined ? 'external' : undefined);
  if (kind !== undefined) target.kind = kind;
  if (args['pg-url'] !== undefined) target.pgUrl = args['pg-url'];
  if (args['redis-url'] !== undefined) target.redisUrl = args['redis-url'];
  if (args['data-dir'] !== undefined) target.dataDir = args['data-dir'];
  if (args['allow-non-empty'] !== undefined) target.allowNonEmpty = args['allow-non-empty'];
  if (args.tls !== undefined) target.tls = args.tls;
  return target;
}
