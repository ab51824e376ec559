// Checks, before any load, that the server accepts as many connections as the plan will open: a scenario that asks
// for more than max_connections is invalid input (exit 2), not a storm of "too many clients" errors mid-run.
import pg from 'pg';
import { InvalidInputError } from '../errors.js';
import type { Plan } from '../scenario/plan.js';
import { pgClientConfig } from '../target/tls.js';

/** Connections one run opens: the load's slots, one setup client per worker, the monitor and the sampler. */
export function connectionsNeeded(plan: Plan): { load: number; total: number } {
  const load = plan.load.model === 'open' ? plan.load.connections : plan.load.vus;
  return { load, total: load + plan.load.workers + 2 };
}

/** Backends the run opens on PostgreSQL: behind a pooler, its pool (+ the monitor and the sampler), else connectionsNeeded. */
export function serverConnectionsNeeded(plan: Plan): { load: number; total: number } {
  if (!plan.target.pooler) return connectionsNeeded(plan);
  return { load: plan.target.pooler.poolSize, total: plan.target.pooler.poolSize + 2 };
}

export interface ServerConnectionLimits {
  maxConnections: number;
  /** Slots only superusers (and pg_use_reserved_connections members) may use. */
  reserved: number;
  /** Client backends already connected, this check's own included. */
  inUse: number;
}

/** What the server allows the run: max_connections − reserved slots − connections already open. */
export function assertConnectionBudget(plan: Plan, limits: ServerConnectionLimits): void {
  const need = serverConnectionsNeeded(plan);
  // The check's own connection closes before the load starts.
  const available = limits.maxConnections - limits.reserved - Math.max(0, limits.inUse - 1);
  if (need.total <= available) return;
  const field = plan.target.pooler ? 'target.poolerPoolSize' : plan.load.model === 'open' ? 'load.connections' : 'load.vus';
  // A value given on the command line is the flag's fault, not the file's.
  const flag = plan.setByFlag?.[field];
  const path = flag ?? field;
  throw new InvalidInputError(
    [
      {
        ...(flag === undefined ? { file: plan.source.file } : {}),
        path,
        message:
          `${need.load} connections (+ ${need.total - need.load} of authbench's own) are more than the server allows: ` +
          `max_connections ${limits.maxConnections}, ${limits.reserved} reserved, ${Math.max(0, limits.inUse - 1)} already in use, so at most ${Math.max(0, available - (need.total - need.load))} for the load.`,
      },
    ],
    { hint: `Lower ${path}, or raise max_connections (target.serverSettings for servers authbench starts).` },
  );
}

/** Reads the server's connection limits over the admin URL. */
export async function readConnectionLimits(adminUrl: string): Promise<ServerConnectionLimits> {
  const client = new pg.Client({ ...pgClientConfig(adminUrl), application_name: 'authbench-check', connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ max: number; reserved: number; in_use: number }>(
      `SELECT current_setting('max_connections')::int AS max,
              current_setting('superuser_reserved_connections')::int + coalesce(current_setting('reserved_connections', true)::int, 0) AS reserved,
              (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS in_use`,
    );
    const row = rows[0]!;
    return { maxConnections: row.max, reserved: row.reserved, inUse: row.in_use };
  } finally {
    await client.end().catch(() => undefined);
  }
}
