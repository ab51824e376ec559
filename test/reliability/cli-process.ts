// Spawns the real CLI (`node --import tsx src/cli/main.ts …`) for the reliability tests, and finds the server
// processes an embedded target left behind by their command line (the data directory is in it).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) and when it happened (Date.now()). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  /** What a terminal's Ctrl-C does: SIGINT to the CLI's whole process group (its children included). */
  ctrlC(): void;
  /** Waits until stderr matches `pattern`; throws with the output after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function startCli(args: string[]): CliProcess {
  // Its own process group, as a shell gives a foreground job: ctrlC() signals the group like a terminal would.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, atMs: Date.now() })),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    stderr: () => stderr,
    exited,
    ctrlC: () => process.kill(-child.pid!, 'SIGINT'),
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stderr)) {
        if (done || Date.now() > deadline) throw new Error(`CLI stderr never matched ${pattern}:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** `pid` and every process below it (a postmaster's backends and helpers). */
export function processTree(pid: number): number[] {
  const children = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .map(Number)
    .filter((p) => p > 0);
  return [pid, ...children.flatMap(processTree)];
}

/** Those of `pids` still running (zombies count as gone). */
export function stillRunning(pids: readonly number[]): number[] {
  return pids.filter((pid) => {
    const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
    return stat !== '' && !stat.startsWith('Z');
  });
}

/** Waits until none of `pids` runs (servers take a moment to exit after a signal); returns those left. */
export async function waitUntilGone(pids: readonly number[], timeoutMs = 3000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = stillRunning(pids);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = stillRunning(left);
  }
  return left;
}

/** Pids of processes whose command line contains `needle` (e.g. a data directory), this test runner excluded. */
export function processesMentioning(needle: string): number[] {
  return spawnSync('pgrep', ['-f', needle], { encoding: 'utf8' })
    .stdout.split('\n')
    .map(Number)
    .filter((pid) => pid > 0 && pid !== process.pid);
}
