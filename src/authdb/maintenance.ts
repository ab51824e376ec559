// Housekeeping calls for the auth database (admin connection, never the hot path): day partitions ahead of
// time, dropping expired ones, and the identity sequence after a bulk COPY with explicit ids.
import type pg from 'pg';

/**
 * Creates the day partitions of sessions and security_events for [today - daysBack, today + daysAhead] (UTC). The
 * defaults are the schema's policy (sql/009): yesterday to tomorrow, so a login's locks stay on the fast path; call
 * it daily (authbench does at every run's start).
 */
export async function ensurePartitions(client: pg.ClientBase, daysAhead = 1, daysBack = 1): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT p AS name FROM auth.ensure_partitions($1, $2) AS p', [daysAhead, daysBack]);
  return rows.map((r) => r.name);
}

/** Drops partitions past max_session_lifetime / audit_retention (auth.settings); returns their names. */
export async function dropExpiredPartitions(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>('SELECT p AS name FROM auth.drop_expired_partitions() AS p');
  return rows.map((r) => r.name);
}

/** Moves the users id sequence past max(id): run once after COPY with explicit ids. */
export async function resetIdentitySequences(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT auth.reset_identity_sequences()');
}
