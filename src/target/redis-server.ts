// Runs a local redis-server from PATH on a loopback port, with no persistence, and stops it.
// A missing binary is an infrastructure error that names the install command.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import { InfraCode, InfrastructureError } from '../errors.js';
import { stopProcess } from './process-alive.js';

export interface RedisStartOptions {
  port: number;
  /** Extra `--name value` settings. */
  settings?: Readonly<Record<string, string | number>>;
  detached?: boolean;
  /** Working directory (for any dump files); defaults to the OS temp dir. */
  dir?: string;
  /** Write the server's log here instead of a pipe (needed for detached servers, which outlive the pipe). */
  logFile?: string;
  /** Also listen on this Unix-domain socket (mode 700: only the user running the server and root). */
  unixSocket?: string;
}

export interface RunningRedis {
  pid: number;
  port: number;
  process: ChildProcess;
}

/** Absolute path of redis-server, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function startRedisServer(opts: RedisStartOptions): Promise<RunningRedis> {
  const bin = findRedisServer();
  if (!bin) {
    throw new InfrastructureError(InfraCode.redisMissing, 'redis-server was not found on PATH.', {
      hint: 'Install it with `apt-get install -y redis-server` (Debian/Ubuntu), or point authbench at an existing server with --redis-url.',
    });
  }
  const args = [
    '--port', String(opts.port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
    ...(opts.dir ? ['--dir', opts.dir] : []),
    ...(opts.unixSocket ? ['--unixsocket', opts.unixSocket, '--unixsocketperm', '700'] : []),
  ];
  for (const [name, value] of Object.entries(opts.settings ?? {})) args.push(`--${name}`, String(value));
  const log = opts.logFile ? await fs.open(opts.logFile, 'a') : undefined;
  const logStart = log ? (await log.stat()).size : 0;
  // Own process group always (like PostgreSQL's): a terminal's Ctrl-C must reach authbench only; see shutdown.ts.
  const child = spawn(bin, args, { stdio: log ? ['ignore', log.fd, log.fd] : ['ignore', 'pipe', 'pipe'], detached: true });
  await log?.close();
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const readLog = async (): Promise<void> => {
    if (!opts.logFile) return;
    const text = await fs.readFile(opts.logFile, 'utf8').catch(() => '');
    output = text.slice(logStart);
  };
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) break;
    if (await ping(opts.port)) {
      if (opts.detached) {
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.unref();
      }
      return { pid: child.pid ?? -1, port: opts.port, process: child };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, exited ? 0 : 50));
  await readLog();
  if (/Address already in use/i.test(output)) {
    throw new InfrastructureError(InfraCode.portInUse, `redis-server could not listen on port ${opts.port}: it is already in use.`, {
      hint: 'Choose another port (--redis-port) or stop the process using it.',
    });
  }
  throw new InfrastructureError(InfraCode.redisStartFailed, `redis-server did not start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
}

/** Sends PING over a raw socket; true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d: Buffer) => done(d.toString().startsWith('+PONG')));
  });
}

/** Stops redis-server by pid (SIGTERM, then SIGKILL) and waits until it is gone. */
export function stopRedisServer(pid: number, timeoutMs = 5_000): Promise<void> {
  return stopProcess(pid, ['SIGTERM', 'SIGKILL'], timeoutMs);
}
