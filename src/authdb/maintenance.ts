// Housekeeping calls for the auth database (admin connection, never the hot path): day partitions ahead of
// time, dropping expired ones, and the identity sequence after a bulk COPY with explicit ids.
import type pg from 'pg';

/** Creates the day partitions of sessions and security_events for [today - daysBack, today + daysAhead] (UTC). */
export async function ensurePartitions(client: pg.ClientBase, daysAhead = 7, daysBack = 1): Promise<string[]> {
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
