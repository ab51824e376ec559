// Fence rows around each backup: one committed before BASE_BACKUP starts, one after it returns, in
// authbench.backup_fence. A restore stopped at the backup's end must hold exactly the rows counted at the first.
import pg from 'pg';
import { pgClientConfig } from '../target/tls.js';

/** Outside `auth` (like authbench.dataset): the auth schema stays the application's. */
export const FENCE_DDL = `
  CREATE SCHEMA IF NOT EXISTS authbench;
  CREATE TABLE IF NOT EXISTS authbench.backup_fence (
    backup_id  text        NOT NULL,
    phase      text        NOT NULL CHECK (phase IN ('before', 'after')),
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (backup_id, phase)
  );`;

/** What a restore of the backup must find in authbench.backup_fence. */
export interface FenceExpectation {
  /** Rows committed before the backup started (its own `before` row and every earlier fence row). */
  readonly rowsAtEnd: number;
}

export interface FenceFound {
  readonly rows: number;
  readonly before: boolean;
  readonly after: boolean;
}

async function withClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...pgClientConfig(adminUrl), application_name: 'authbench-backup-fence' });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Commits the `before` row and returns the fence rows then committed. It commits before BASE_BACKUP's checkpoint,
 * so it lies before the backup's start LSN; the count is taken in the same transaction, so it is exact.
 */
export async function writeFenceBefore(adminUrl: string, backupId: string): Promise<FenceExpectation> {
  return withClient(adminUrl, async (client) => {
    await client.query(FENCE_DDL);
    await client.query('BEGIN');
    try {
      await client.query(`INSERT INTO authbench.backup_fence (backup_id, phase) VALUES ($1, 'before')`, [backupId]);
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM authbench.backup_fence');
      await client.query('COMMIT');
      return { rowsAtEnd: Number(rows[0]!.n) };
    } catch (cause) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw cause;
    }
  });
}

/** Commits the `after` row once BASE_BACKUP has returned: its commit lies past the backup's end, so no restore of it holds it. */
export async function writeFenceAfter(adminUrl: string, backupId: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`INSERT INTO authbench.backup_fence (backup_id, phase) VALUES ($1, 'after')`, [backupId]));
}

/** The fence rows of a restored cluster (none when the table never existed there). */
export async function readFence(client: pg.ClientBase, backupId: string): Promise<FenceFound> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('authbench.backup_fence')::text AS t`);
  if (exists.rows[0]?.t === null) return { rows: 0, before: false, after: false };
  const { rows } = await client.query<{ n: string; before: boolean; after: boolean }>(
    `SELECT count(*) AS n, coalesce(bool_or(backup_id = $1 AND phase = 'before'), false) AS before, coalesce(bool_or(backup_id = $1 AND phase = 'after'), false) AS after FROM authbench.backup_fence`,
    [backupId],
  );
  return { rows: Number(rows[0]!.n), before: rows[0]!.before, after: rows[0]!.after };
}
