// What each scenario event does, run from the main process while the load goes on. Each action opens its own
// connections (a restart kills whatever was open) and returns the figures it measured, for the report.
import pg from 'pg';
import { Redis } from 'ioredis';
import { createRedisLayer } from '../authdb/redis/index.js';
import { countRows } from '../backup/restore.js';
import { takeBackup } from '../backup/take-backup.js';
import { InvalidInputError } from '../errors.js';
import { LOCAL_SERVER_ACTIONS, type PlanEvent } from '../scenario/event-types.js';
import type { LocalServerControl } from '../target/local-control.js';
import { pgClientConfig, redisTlsOptions } from '../target/tls.js';

export interface ActionContext {
  /** Superuser URL of the target. */
  readonly adminUrl: string;
  readonly redisUrl: string;
  /** Present when this process started the servers on this machine. */
  readonly control?: LocalServerControl;
}

/** Figures an action reports (bytes, rows, pids…), by name. */
export type ActionDetail = Readonly<Record<string, number | string>>;

/** Refuses, before the load, events whose action needs servers this process does not control. */
export function checkEventsRunnable(events: readonly PlanEvent[], context: Pick<ActionContext, 'control'>, targetKind: string, file: string): void {
  if (context.control) return;
  // Plan events keep the file's order (a plan holds only valid entries), so the index is the file's.
  const issues = events
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => LOCAL_SERVER_ACTIONS.includes(e.action))
    .map(({ e, i }) => ({
      file,
      ...(e.line === undefined ? {} : { line: e.line }),
      path: `events[${i}].action`,
      message: `${e.action} needs the servers authbench starts on this machine in this run (target kind embedded, not left running by authbench provision); this run's target is ${targetKind}`,
    }));
  if (issues.length > 0) throw new InvalidInputError(issues);
}

/** Runs one occurrence (`occurrence` counts from 0: role changes move on to other users each time). */
export async function runAction(event: PlanEvent, occurrence: number, context: ActionContext): Promise<ActionDetail> {
  switch (event.action) {
    case 'checkpoint':
      return withAdmin(context, async (c) => (await c.query('CHECKPOINT'), {}));
    case 'vacuum':
      return withAdmin(context, async (c) => (await c.query(`VACUUM ${event.table ? tableName(event.table) : ''}`), {}));
    case 'analyze':
      return withAdmin(context, async (c) => (await c.query(`ANALYZE ${event.table ? tableName(event.table) : ''}`), {}));
    case 'refresh-permissions':
      return withAdmin(context, async (c) => (await c.query('SELECT auth.refresh_permission_masks()'), {}));
    case 'sql':
      return withAdmin(context, async (c) => {
        const result = (await c.query(event.query)) as pg.QueryResult | pg.QueryResult[];
        const last = Array.isArray(result) ? result.at(-1) : result;
        return { rows: last?.rowCount ?? 0 };
      });
    case 'terminate-backends':
      return withAdmin(context, async (c) => {
        // The load's own connections only (workers name theirs authbench-w<N>), never the monitor's or this one.
        const { rows } = await c.query<{ n: string }>(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM (
             SELECT pid FROM pg_stat_activity WHERE application_name ~ '^authbench-w[0-9]+$' AND pid <> pg_backend_pid() ORDER BY pid LIMIT $1) p`,
          [event.count],
        );
        return { terminated: Number(rows[0]!.n) };
      });
    case 'role-change':
      return roleChange(event, occurrence, context);
    case 'restart':
      await control(context, event).restart(event.server, 'clean');
      return {};
    case 'crash':
      await control(context, event).restart('postgres', 'crash');
      return {};
    case 'pause':
      await control(context, event).pause(event.server, event.durationMs);
      return {};
    case 'backup': {
      // Row counts just before and just after: the load's rows in a restore (at the end LSN) lie between them.
      const before = await withAdmin(context, countRows);
      const taken = await takeBackup({ adminUrl: context.adminUrl, dirs: control(context, event).backup, mode: event.mode });
      const after = await withAdmin(context, countRows);
      const seconds = taken.durationMs / 1000;
      return {
        users: after.users,
        sessionsBefore: before.sessions,
        sessionsAfter: after.sessions,
        securityEventsBefore: before.securityEvents,
        securityEventsAfter: after.securityEvents,
        files: taken.files,
        incrementalFiles: taken.incrementalFiles,
        backupId: taken.entry.id,
        bytes: taken.entry.bytes,
        throughputMBps: seconds > 0 ? Number((taken.entry.bytes / 1e6 / seconds).toFixed(1)) : 0,
        startLsn: taken.entry.startLsn,
        endLsn: taken.entry.endLsn,
        walBytes: taken.walBytes,
        // Exact: a restore of this backup holds precisely this many authbench.backup_fence rows (src/backup/fence.ts).
        ...(taken.entry.fence ? { fenceRows: taken.entry.fence.rowsAtEnd } : {}),
        ...(taken.fenceProblem !== undefined ? { fenceProblem: taken.fenceProblem } : {}),
      };
    }
  }
}

/** Toggles `role` for the next `users` users (by id, wrapping): revoked where held, granted where not, then their cached masks invalidated. */
async function roleChange(event: Extract<PlanEvent, { action: 'role-change' }>, occurrence: number, context: ActionContext): Promise<ActionDetail> {
  const changed = await withAdmin(context, async (c) => {
    const { rows } = await c.query<{ id: string; held: boolean }>(
      `SELECT u.id::text AS id, EXISTS (SELECT 1 FROM auth.user_roles ur JOIN auth.roles r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.name = $2) AS held
       FROM auth.users u ORDER BY u.id OFFSET ($3::bigint * $1) % greatest((SELECT count(*) FROM auth.users), 1) LIMIT $1`,
      [event.users, event.role, occurrence],
    );
    const held = rows.filter((r) => r.held).map((r) => r.id);
    const lacking = rows.filter((r) => !r.held).map((r) => r.id);
    await c.query('SELECT count(*) FROM unnest($1::bigint[]) AS u(id), LATERAL auth.revoke_role(u.id, $2)', [held, event.role]);
    await c.query('SELECT count(*) FROM unnest($1::bigint[]) AS u(id), LATERAL auth.grant_role(u.id, $2)', [lacking, event.role]);
    return { ids: rows.map((r) => r.id), granted: lacking.length, revoked: held.length };
  });
  const redis = new Redis(context.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, ...redisTlsOptions(context.redisUrl) });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const layer = createRedisLayer(redis);
    const answer = await layer.invalidateUsers(changed.ids);
    layer.dispose();
    return { granted: changed.granted, revoked: changed.revoked, cacheInvalidated: answer.status === 'ok' ? changed.ids.length : 0 };
  } finally {
    redis.disconnect();
  }
}

async function withAdmin<T>(context: ActionContext, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...pgClientConfig(context.adminUrl), application_name: 'authbench-event', connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function control(context: ActionContext, event: PlanEvent): LocalServerControl {
  if (!context.control) throw new Error(`${event.action} needs servers this process started`); // checked before the load
  return context.control;
}

/** `users` → "auth"."users"; the parser allowed only lower-case identifiers. */
function tableName(table: string): string {
  const [schema, name] = table.includes('.') ? table.split('.') : ['auth', table];
  return `"${schema}"."${name}"`;
}
