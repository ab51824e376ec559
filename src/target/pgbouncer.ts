// Runs a local pgbouncer from PATH (transaction pooling unless asked otherwise), from an ini file authbench writes in the
// target's data directory (never the Debian package's service or /etc/pgbouncer), and stops it. A missing binary names the install.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { InfraCode, InfrastructureError } from '../errors.js';
import { serverOsUser } from './embedded-postgres.js';
import { stopProcess } from './process-alive.js';
import { isProcessOf } from './state.js';

export interface PgbouncerStartOptions {
  /** Where the ini, the auth file, the TLS copies and the log live (created; owned by the server's OS user as root). */
  readonly dir: string;
  readonly port: number;
  /**
   * The PostgreSQL server behind it and the one database it serves: over its Unix-domain socket in `socketDir` when
   * PostgreSQL runs on this host (as PgBouncer is deployed, on the database host), else over loopback TCP.
   */
  readonly server: { readonly port: number; readonly database: string; readonly socketDir?: string };
  /** The one role clients log in as, with its password: the auth file is how PgBouncer does SCRAM on both sides. */
  readonly user: { readonly name: string; readonly password: string };
  /** default_pool_size: server connections per database and user. */
  readonly poolSize: number;
  /** max_client_conn: client connections accepted. */
  readonly maxClients: number;
  /**
   * Certificates for TLS from clients (verify-full on 127.0.0.1) and, over TCP only, to PostgreSQL (verify-full);
   * absent: plaintext on loopback. A Unix socket carries no TLS: PostgreSQL has none there, and the kernel is the channel.
   */
  readonly tls?: { readonly caFile: string; readonly certFile: string; readonly keyFile: string };
  /** pool_mode: `transaction` (what target.pooler runs) or `session` (a client keeps its backend: the benchmark's). */
  readonly poolMode?: PoolMode;
}

export type PoolMode = 'transaction' | 'session';

/** How PgBouncer reaches PostgreSQL with these options: its Unix socket, TCP + TLS, or plaintext TCP. */
export type PoolerServerTransport = 'unix-socket' | 'tcp-tls' | 'tcp';

export function serverTransportOf(opts: Pick<PgbouncerStartOptions, 'server' | 'tls'>): PoolerServerTransport {
  return opts.server.socketDir !== undefined ? 'unix-socket' : opts.tls ? 'tcp-tls' : 'tcp';
}

export interface RunningPgbouncer {
  readonly pid: number;
  readonly port: number;
}

/** Absolute path of pgbouncer on PATH, or undefined. */
export function findPgbouncer(searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, 'pgbouncer');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function pgbouncerMissingError(): InfrastructureError {
  return new InfrastructureError(InfraCode.pgbouncerMissing, 'pgbouncer was not found on PATH; target.pooler: pgbouncer needs it.', {
    hint: 'Install it with `apt-get install -y pgbouncer` (or `npx authbench doctor --install`; Debian puts it in /usr/sbin, which must be on PATH). authbench starts its own pgbouncer: the package\'s service may stay stopped. Or remove target.pooler from the scenario.',
  });
}

/** An auth-file or ini value in double quotes (PgBouncer doubles a quote inside). */
function quoted(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * The pooling, authentication and logging settings every PgBouncer authbench configures: the embedded target's (below)
 * and docker/compose.yaml's (docker-pooler.ts), so the two pool alike.
 */
export function poolingSettings(o: { readonly poolMode?: PoolMode; readonly poolSize: number; readonly maxClients: number; readonly statsUser: string }): string[] {
  return [
    `pool_mode = ${o.poolMode ?? 'transaction'}`,
    `default_pool_size = ${o.poolSize}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    `max_client_conn = ${o.maxClients}`,
    'auth_type = scram-sha-256',
    // SHOW CLIENTS / SHOW POOLS on the admin console (database `pgbouncer`) for the connection counts.
    `stats_users = ${o.statsUser}`,
    // Quiet logs at 750 clients.
    'log_connections = 0',
    'log_disconnections = 0',
    'log_pooler_errors = 1',
    // A restarted PostgreSQL (scenario events) is retried after 1 s, not PgBouncer's default 15 s.
    'server_login_retry = 1',
    'ignore_startup_parameters = extra_float_digits',
  ];
}

/**
 * The ini: one database (PostgreSQL's Unix socket or loopback TCP), transaction pooling, SCRAM from the auth file, no
 * Unix socket of its own (clients come over TCP, with TLS), quiet logs at 750 clients.
 */
export function pgbouncerIni(opts: PgbouncerStartOptions, files: { authFile: string; logFile: string; pidFile: string; tls?: { caFile: string; certFile: string; keyFile: string } }): string {
  const tls = files.tls;
  const transport = serverTransportOf({ server: opts.server, ...(tls ? { tls } : {}) });
  // A host starting with `/` is a socket directory to PgBouncer, as to libpq.
  const host = opts.server.socketDir ?? '127.0.0.1';
  const lines = [
    '; Written by authbench for this run; rewritten at every start.',
    '[databases]',
    `${opts.server.database} = host=${host} port=${opts.server.port} dbname=${opts.server.database}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${opts.port}`,
    'unix_socket_dir =',
    ...poolingSettings({ ...(opts.poolMode ? { poolMode: opts.poolMode } : {}), poolSize: opts.poolSize, maxClients: opts.maxClients, statsUser: opts.user.name }),
    `auth_file = ${files.authFile}`,
    `logfile = ${files.logFile}`,
    // Found by the next start and by `authbench teardown` when the authbench that started it was killed.
    `pidfile = ${files.pidFile}`,
    ...(tls
      ? [
          'client_tls_sslmode = require',
          `client_tls_cert_file = ${tls.certFile}`,
          `client_tls_key_file = ${tls.keyFile}`,
          `client_tls_ca_file = ${tls.caFile}`,
        ]
      : []),
    ...(transport === 'tcp-tls' && tls ? ['server_tls_sslmode = verify-full', `server_tls_ca_file = ${tls.caFile}`] : []),
    '',
  ];
  return lines.join('\n');
}

/** The soft open-files limit this process (and so pgbouncer, its child) has; undefined without /proc. */
export async function openFilesLimit(): Promise<number | undefined> {
  const limits = await fs.readFile('/proc/self/limits', 'utf8').catch(() => '');
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
  if (soft === undefined) return undefined;
  return soft === 'unlimited' ? Infinity : Number(soft);
}

/** Descriptors PgBouncer needs: one per client and per server connection, plus its listeners, log and spare. */
export function descriptorsNeeded(opts: Pick<PgbouncerStartOptions, 'maxClients' | 'poolSize'>): number {
  return opts.maxClients + opts.poolSize + 32;
}

/** Writes the files (mode 600 for secrets) and starts pgbouncer in the foreground of its own process group. */
export async function startPgbouncer(opts: PgbouncerStartOptions): Promise<RunningPgbouncer> {
  const bin = findPgbouncer();
  if (!bin) throw pgbouncerMissingError();
  const nofile = await openFilesLimit();
  if (nofile !== undefined && nofile < descriptorsNeeded(opts)) {
    // PgBouncer would start and then refuse clients past the limit, mid-run.
    throw new InfrastructureError(InfraCode.pgbouncerStartFailed, `The open-files limit (${nofile}) is below what PgBouncer needs for ${opts.maxClients} clients and ${opts.poolSize} server connections (${descriptorsNeeded(opts)}).`, {
      hint: 'Raise it before running (`ulimit -n 65536`, or LimitNOFILE in systemd), or lower load.vus / load.connections.',
    });
  }
  const owner = serverOsUser();
  await fs.mkdir(opts.dir, { recursive: true, mode: 0o700 });
  const own = async (file: string, mode: number): Promise<void> => {
    await fs.chmod(file, mode);
    if (owner) await fs.chown(file, owner.uid, owner.gid);
  };
  await own(opts.dir, 0o700);
  const authFile = path.join(opts.dir, 'userlist.txt');
  const logFile = path.join(opts.dir, 'pgbouncer.log');
  const iniFile = path.join(opts.dir, 'pgbouncer.ini');
  await fs.writeFile(authFile, `${quoted(opts.user.name)} ${quoted(opts.user.password)}\n`, { mode: 0o600 });
  await own(authFile, 0o600);
  let tls: { caFile: string; certFile: string; keyFile: string } | undefined;
  if (opts.tls) {
    // Copies the pooler's OS user can read (the originals may belong to root, mode 600).
    tls = { caFile: path.join(opts.dir, 'ca.pem'), certFile: path.join(opts.dir, 'server.crt'), keyFile: path.join(opts.dir, 'server.key') };
    for (const [from, to] of [[opts.tls.caFile, tls.caFile], [opts.tls.certFile, tls.certFile], [opts.tls.keyFile, tls.keyFile]] as const) {
      await fs.copyFile(from, to);
      await own(to, 0o600);
    }
  }
  await stopLeftoverPgbouncer(opts.dir);
  await fs.writeFile(iniFile, pgbouncerIni(opts, { authFile, logFile, pidFile: pidFileOf(opts.dir), ...(tls ? { tls } : {}) }), { mode: 0o600 });
  await own(iniFile, 0o600);
  await fs.writeFile(logFile, '', { flag: 'a' });
  await own(logFile, 0o600);
  const logStart = (await fs.stat(logFile)).size;

  // PgBouncer refuses to run as root: as root it runs as the OS user PostgreSQL runs as.
  const args = [...(owner ? ['-u', 'postgres'] : []), iniFile];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', (err) => {
    exited = true;
    output += err.message;
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited) {
    if (await accepts(opts.port)) {
      child.stderr?.destroy();
      child.unref();
      return { pid: child.pid ?? -1, port: opts.port };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!exited) child.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, 50));
  const log = (await fs.readFile(logFile, 'utf8').catch(() => '')).slice(logStart);
  const said = `${output}\n${log}`.trim().split('\n').filter((l) => /ERROR|FATAL|WARNING/.test(l)).slice(-3).join(' | ');
  if (/Address already in use/i.test(said)) {
    throw new InfrastructureError(InfraCode.portInUse, `pgbouncer could not listen on port ${opts.port}: it is already in use.`, { hint: 'Run again (a free port is picked), or stop the process using it.' });
  }
  throw new InfrastructureError(InfraCode.pgbouncerStartFailed, `pgbouncer did not start: ${said || output.trim() || 'no message'} (log: ${logFile}).`, {
    hint: `Read ${logFile}; the configuration authbench wrote is ${iniFile}.`,
  });
}

/** The directory of a pooler's files under the data directory: `pgbouncer/`, or `pgbouncer-s<K>/` for shard K. */
export function pgbouncerDirOf(home: string, shardIndex?: number): string {
  return path.join(home, shardIndex === undefined ? 'pgbouncer' : `pgbouncer-s${shardIndex}`);
}

/** Every pooler directory under the data directory (the unsharded one and each shard's). */
export async function pgbouncerDirsIn(home: string): Promise<string[]> {
  const names = await fs.readdir(home).catch(() => [] as string[]);
  return names.filter((n) => /^pgbouncer(-s[0-9]+)?$/.test(n)).sort().map((n) => path.join(home, n));
}

function pidFileOf(dir: string): string {
  return path.join(dir, 'pgbouncer.pid');
}

/** Stops a pgbouncer an earlier, killed authbench left running from `dir` (its pidfile, checked against /proc). */
export async function stopLeftoverPgbouncer(dir: string): Promise<number | undefined> {
  const pid = Number((await fs.readFile(pidFileOf(dir), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !(await isProcessOf(pid, 'pgbouncer'))) return undefined;
  await stopPgbouncer(pid);
  return pid;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => done(true));
  });
}

/** Stops pgbouncer by pid (SIGTERM: immediate shutdown in 1.18, then SIGKILL) and waits until it is gone. */
export function stopPgbouncer(pid: number, timeoutMs = 5_000): Promise<void> {
  return stopProcess(pid, ['SIGTERM', 'SIGKILL'], timeoutMs);
}
