// The CLI as a user runs it (node + tsx on src/cli/main.ts, or the built dist/cli/main.js), to completion: exit
// status and both output streams.
import { spawn } from 'node:child_process';
import path from 'node:path';
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
  env?: NodeJS.ProcessEnv;
  /** Working directory (files the CLI writes relative to it land there). Default: the repository root. */
  cwd?: string;
  /** Killed (SIGKILL) after this long; the result then has `timedOut: true`. Default 60 s. */
  timeoutMs?: number;
}

/** The built CLI (`node dist/cli/main.js`, run `npm run build` first) as a user runs it, with a hard time limit. */
export function builtCli(args: string[], opts: BuiltCliOptions = {}): Promise<CliResult & { timedOut: boolean; elapsedMs: number }> {
  const main = path.resolve(fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url)));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [main, ...args], { cwd: opts.cwd ?? process.cwd(), env: { ...process.env, AUTHBENCH_DEBUG: '', ...opts.env } });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut, elapsedMs: Date.now() - started });
    });
  });
}
