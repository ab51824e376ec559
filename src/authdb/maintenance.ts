// Housekeeping calls for the auth database (admin connection, never the hot path): day partitions ahead of
// time, dropping expired ones under the retention policy, and the identity sequence after a bulk COPY with explicit ids.
import type pg from 'pg';

/** How long rows are kept after their UTC day ends. Sessions retention also caps every session's life (sql/010). */
export interface Retention {
  readonly sessionsMs?: number;
  readonly auditMs?: number;
}

/** What one upkeep pass did. */
export interface UpkeepReport {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
}

/**
 * Creates the day partitions of sessions and security_events for [day - daysBack, day + daysAhead] (UTC) of `asOf`
 * (default the server's now()). The defaults are the schema's policy (sql/009): yesterday to tomorrow, so a login's
 * locks stay on the fast path.
 */
export async function ensurePartitions(client: pg.ClientBase, daysAhead = 1, daysBack = 1, asOf?: Date): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT p AS name FROM auth.ensure_partitions($1, $2, coalesce($3::timestamptz, now())) AS p', [daysAhead, daysBack, asOf?.toISOString() ?? null]);
  return rows.map((r) => r.name);
}

/** Drops partitions past max_session_lifetime / audit_retention (auth.settings) as of `asOf`; returns their names. */
export async function dropExpiredPartitions(client: pg.ClientBase, asOf?: Date): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT p AS name FROM auth.drop_expired_partitions(coalesce($1::timestamptz, now())) AS p', [asOf?.toISOString() ?? null]);
  return rows.map((r) => r.name);
}

/** Writes the retention policy into auth.settings; an absent field keeps the database's value. */
export async function setRetention(client: pg.ClientBase, retention: Retention): Promise<void> {
  if (retention.sessionsMs === undefined && retention.auditMs === undefined) return;
  const interval = (ms: number | undefined): string | null => (ms === undefined ? null : `${Math.round(ms)} milliseconds`);
  await client.query('SELECT auth.set_retention($1::interval, $2::interval)', [interval(retention.sessionsMs), interval(retention.auditMs)]);
}

/** One upkeep pass: the retention policy, partitions ahead (yesterday to tomorrow of `asOf`), expired ones dropped. */
export async function runUpkeep(client: pg.ClientBase, opts: { retention?: Retention; asOf?: Date } = {}): Promise<UpkeepReport> {
  if (opts.retention) await setRetention(client, opts.retention);
  const created = await ensurePartitions(client, 1, 1, opts.asOf);
  const dropped = await dropExpiredPartitions(client, opts.asOf);
  return { created, dropped };
}

/** Moves the users id sequence past max(id): run once after COPY with explicit ids. */
export async function resetIdentitySequences(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT auth.reset_identity_sequences()');
}
