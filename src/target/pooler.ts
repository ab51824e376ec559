// Puts PgBouncer in front of a target authbench started (target.pooler): started after the servers, stopped before
// them by the same dispose, connected to PostgreSQL's Unix socket; the Target it returns carries the pooled app URL.
import { InfraCode, InfrastructureError } from '../errors.js';
import { ensureServerCertificates } from './certificates.js';
import { APP_ROLE, EMBEDDED_DATABASE } from './embedded.js';
import { findFreePort } from './free-port.js';
import { findPgbouncer, pgbouncerDirOf, pgbouncerMissingError, serverTransportOf, startPgbouncer, stopPgbouncer, type RunningPgbouncer } from './pgbouncer.js';
import { registerCleanup } from './shutdown.js';
import { resolveHome } from './state.js';
import type { PoolerSpec, Target, TargetPooler, TargetSpec } from './types.js';

const PORT_ATTEMPTS = 4;

/** Fails before any server starts when pgbouncer is not installed. */
export function assertPoolerInstalled(spec: TargetSpec): void {
  if (spec.pooler && !findPgbouncer()) throw pgbouncerMissingError();
}

function url(password: string, port: number, database: string, caFile: string | undefined): string {
  const u = new URL(`postgres://${encodeURIComponent(APP_ROLE)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`);
  if (caFile) {
    u.searchParams.set('sslmode', 'verify-full');
    u.searchParams.set('sslrootcert', caFile);
  }
  return u.toString();
}

/**
 * PostgreSQL's socket directory for PgBouncer's [databases] line, when the target has one PgBouncer can name unquoted
 * (no space or quote in the path); otherwise PgBouncer connects over loopback TCP, with TLS when the target has it.
 */
export function poolerSocketDir(target: Pick<Target, 'pgSocketDir'>): string | undefined {
  const dir = target.pgSocketDir;
  return dir !== undefined && /^\/[^\s'"\\]*$/.test(dir) ? dir : undefined;
}

/** Starts PgBouncer for `target` (embedded: its app password and port are known) and wraps its dispose. */
export async function withPooler(target: Target, pooler: PoolerSpec, spec: TargetSpec): Promise<Target> {
  if (target.kind !== 'embedded' || target.appPassword === undefined) {
    throw new InfrastructureError(InfraCode.pgbouncerStartFailed, `target.pooler needs a target authbench starts (kind: embedded), not kind: ${target.kind}.`, {
      hint: 'Use kind: embedded, or point target.pgUrl at your own pooler.',
    });
  }
  const home = resolveHome(spec.dataDir);
  const pg = new URL(target.pgUrl);
  // Clients reach PgBouncer with TLS when the target runs TLS; PgBouncer reaches PostgreSQL on its Unix socket.
  const tls = pg.searchParams.get('sslmode') === 'verify-full' ? await ensureServerCertificates(home) : undefined;
  const socketDir = poolerSocketDir(target);
  const server = { port: Number(pg.port), database: EMBEDDED_DATABASE, ...(socketDir ? { socketDir } : {}) };
  const start = (port: number): Promise<RunningPgbouncer> =>
    startPgbouncer({
      dir: pgbouncerDirOf(home, pooler.shardIndex),
      port,
      server,
      user: { name: APP_ROLE, password: target.appPassword! },
      poolSize: pooler.poolSize,
      maxClients: pooler.maxClients,
      ...(tls ? { tls } : {}),
    });
  let running: RunningPgbouncer | undefined;
  for (let attempt = 1; !running; attempt += 1) {
    try {
      running = await start(await findFreePort());
    } catch (err) {
      if (!(err instanceof InfrastructureError && err.code === InfraCode.portInUse && attempt < PORT_ATTEMPTS)) {
        await target[Symbol.asyncDispose]();
        throw err;
      }
    }
  }
  const pid = running.pid;
  const unregister = registerCleanup({
    name: `pgbouncer (pid ${pid})`,
    stop: () => stopPgbouncer(pid),
    killNow: () => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    },
  });
  const caFile = tls?.caFile;
  const described: TargetPooler = {
    kind: 'pgbouncer',
    poolSize: pooler.poolSize,
    maxClients: pooler.maxClients,
    pid,
    port: running.port,
    serverTransport: serverTransportOf({ server, ...(tls ? { tls } : {}) }),
    database: EMBEDDED_DATABASE,
    appPgUrl: url(target.appPassword, running.port, EMBEDDED_DATABASE, caFile),
    adminUrl: url(target.appPassword, running.port, 'pgbouncer', caFile),
  };
  let disposed = false;
  return {
    ...target,
    pooler: described,
    async [Symbol.asyncDispose]() {
      if (disposed) return;
      disposed = true;
      // The pooler first: it holds server connections, and the servers' stop waits for their backends.
      await stopPgbouncer(pid);
      unregister();
      await target[Symbol.asyncDispose]();
    },
  };
}
