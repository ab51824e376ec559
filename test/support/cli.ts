// The CLI as a user runs it — from source (node + tsx on src/cli/main.ts) or built (dist/cli/main.js) — to
// completion: exit status and both output streams.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `authbench ARGS` from the repository root; AUTHBENCH_DEBUG is cleared unless `env` sets it. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, AUTHBENCH_DEBUG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface BuiltCliOptions {
  /** Working directory of the child (default: the repository root). */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the child's standard input, which is then closed (default: closed at once). */
  readonly input?: string | Buffer;
  /** The child is sent SIGTERM after this long (it then cleans up what it started), and the result says so. */
  readonly timeoutMs?: number;
}

export interface BuiltCliResult extends CliResult {
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** The compiled CLI (`npm run build` first): what `npx authbench` runs, so a regression in the build's argument parsing shows. */
export const BUILT_CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Runs `node dist/cli/main.js ARGS` to completion (or to its timeout); AUTHBENCH_DEBUG is cleared unless `env` sets it. */
export function builtCli(args: string[], options: BuiltCliOptions = {}): Promise<BuiltCliResult> {
  if (!existsSync(BUILT_CLI)) return Promise.reject(new Error(`${BUILT_CLI} is missing: run \`npm run build\` first`));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      cwd: options.cwd ?? fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, AUTHBENCH_DEBUG: '', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // The child may exit before reading its input (that is the point of some tests): ignore EPIPE.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut, elapsedMs: performance.now() - started });
    });
  });
}
