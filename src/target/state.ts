// The state file `.authbench/state.json` (mode 600): credentials of the embedded cluster and, after
// `authbench provision`, the pids/ports/URLs of the detached servers. The only place passwords are stored.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { isRunning } from './process-alive.js';

export const STATE_FILE = 'state.json';
export const DEFAULT_HOME = '.authbench';

export interface RunningServers {
  /** Started with `authbench provision` and left running. */
  detached: boolean;
  /** For servers tied to one authbench process (not detached): that process, to tell orphans from a concurrent run. */
  ownerPid?: number;
  startedAt: string;
  postgres: { pid: number; port: number };
  redis: { pid: number; port: number };
  pgUrl: string;
  appPgUrl: string;
  redisUrl: string;
}

export interface StateFile {
  version: 1;
  /** Absolute path of the PostgreSQL data directory. */
  pgDataDir: string;
  superuser: string;
  superuserPassword: string;
  /** Password for the `authbench_app` role. */
  appPassword: string;
  running?: RunningServers;
}

/** authbench's home directory for servers it starts: `spec.dataDir`, or `.authbench` in the cwd. */
export function resolveHome(dataDir?: string): string {
  return path.resolve(dataDir ?? DEFAULT_HOME);
}

export function stateFilePath(home: string): string {
  return path.join(home, STATE_FILE);
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Reads the state file; undefined when there is none. A corrupt file is an input error naming it. */
export async function readState(home: string): Promise<StateFile | undefined> {
  const file = stateFilePath(home);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as StateFile;
    if (parsed.version !== 1 || typeof parsed.superuserPassword !== 'string' || typeof parsed.pgDataDir !== 'string') throw new Error('unexpected shape');
    return parsed;
  } catch {
    throw new InvalidInputError([{ file, path: '', message: 'is not an authbench state file' }], {
      hint: `Stop any servers it described, then delete it (or run \`authbench teardown --purge\`).`,
    });
  }
}

/** Writes the state file atomically with mode 600 (it holds passwords). */
export async function writeState(home: string, state: StateFile): Promise<void> {
  await fs.mkdir(home, { recursive: true });
  const file = stateFilePath(home);
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}

/** True when a process with this pid is running (zombies count as gone). */
export function isAlive(pid: number): boolean {
  return isRunning(pid);
}

/** True when `pid` is alive and its command line names `program` (guards against pid reuse). */
export async function isProcessOf(pid: number, program: 'postgres' | 'redis-server' | 'pgbouncer'): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(program);
  } catch {
    // No /proc (macOS): trust the pid.
    return true;
  }
}
