// What the seeder reads from and does to the schema's catalog: role ids, a schema checksum for the fingerprint,
// and dropping/re-creating the indexes and constraints of the loaded tables around a bulk load.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { RoleCatalog } from '../../dataset/layout.js';

/** The tables the seeder fills, in load order (parents before children). */
export const SEEDED_TABLES = ['auth.users', 'auth.credentials', 'auth.user_roles', 'auth.sessions'] as const;

export async function readRoleCatalog(client: pg.Client): Promise<RoleCatalog> {
  const { rows } = await client.query<{ id: number; name: string; kind: string }>('SELECT id, name, kind FROM auth.roles ORDER BY id');
  return {
    system: rows.filter((r) => r.kind !== 'agent').map((r) => ({ id: r.id, name: r.name })),
    agent: rows.filter((r) => r.kind === 'agent').map((r) => r.id),
  };
}

/**
 * SHA-256 of the `auth` schema's shape (columns, constraints, indexes of non-partition tables), its role and
 * permission reference data, and the applied migrations' checksums. Day partitions are left out: they are created daily and do not change the dataset.
 */
export async function schemaChecksum(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ line: string }>(`
    WITH tables AS (
      SELECT c.oid, c.relname FROM pg_class c
      WHERE c.relnamespace = 'auth'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    )
    SELECT line FROM (
      SELECT format('col %s.%s %s %s', t.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull) AS line
        FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid WHERE a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT format('con %s.%s %s', t.relname, c.conname, pg_get_constraintdef(c.oid))
        FROM tables t JOIN pg_constraint c ON c.conrelid = t.oid
      UNION ALL
      SELECT format('idx %s', pg_get_indexdef(i.indexrelid))
        FROM tables t JOIN pg_index i ON i.indrelid = t.oid
      UNION ALL
      SELECT format('role %s %s %s', id, name, kind) FROM auth.roles
      UNION ALL
      SELECT format('perm %s %s %s', id, name, bit_position) FROM auth.permissions
      UNION ALL
      SELECT format('grant %s %s', role_id, permission_id) FROM auth.role_permissions
    ) s ORDER BY line COLLATE "C"`);
  const hash = createHash('sha256');
  for (const r of rows) hash.update(r.line).update('\n');
  // The migration runner's record (name + checksum per applied file), when present: any changed file reseeds.
  if ((await client.query("SELECT to_regclass('authbench.schema_migrations') AS t")).rows[0]?.t !== null) {
    const applied = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM authbench.schema_migrations ORDER BY name COLLATE "C"');
    for (const m of applied.rows) hash.update(`migration ${m.name} ${m.checksum}\n`);
  }
  return hash.digest('hex');
}

/** DDL to restore after the load, in the order to run it. */
export interface DeferredDdl {
  /** Primary keys, unique and exclusion constraints, then plain indexes. */
  keysAndIndexes: string[];
  /** Foreign keys, last: they need the referenced keys. */
  foreignKeys: string[];
}

/**
 * Drops the keys, indexes and foreign keys of `tables` (and foreign keys from other tables into them) and returns
 * the DDL to re-create them. Run inside the load transaction: a rollback restores them untouched.
 * Building an index once over loaded rows is several times faster than maintaining it row by row, and a foreign key
 * check per COPYed row (a trigger call and an index probe) would dominate the load.
 */
export async function dropKeysAndIndexes(client: pg.Client, tables: readonly string[]): Promise<DeferredDdl> {
  const fks = await client.query<{ tbl: string; name: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS tbl, quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c
      WHERE c.contype = 'f' AND c.conparentid = 0
        AND (c.conrelid = ANY($1::regclass[]) OR c.confrelid = ANY($1::regclass[]))
      ORDER BY c.oid`,
    [tables],
  );
  const keys = await client.query<{ tbl: string; name: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS tbl, quote_ident(c.conname) AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c
      WHERE c.contype IN ('p', 'u', 'x') AND c.conparentid = 0 AND c.conrelid = ANY($1::regclass[])
      ORDER BY c.oid`,
    [tables],
  );
  const indexes = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
      ORDER BY i.indexrelid`,
    [tables],
  );
  for (const fk of fks.rows) await client.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${fk.name}`);
  for (const key of keys.rows) await client.query(`ALTER TABLE ${key.tbl} DROP CONSTRAINT ${key.name}`);
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
  return {
    keysAndIndexes: [
      ...keys.rows.map((k) => `ALTER TABLE ${k.tbl} ADD CONSTRAINT ${k.name} ${k.def}`),
      // pg_get_indexdef says `ON ONLY` for a partitioned table's index: re-run as is, it would build no partition's
      // index and stay invalid. Without ONLY, PostgreSQL builds and attaches one per partition.
      ...indexes.rows.map((i) => i.def.replace(/ ON ONLY /, ' ON ')),
    ],
    foreignKeys: fks.rows.map((f) => `ALTER TABLE ${f.tbl} ADD CONSTRAINT ${f.name} ${f.def}`),
  };
}

/** Tables with a foreign key into `tables` that are not in it: TRUNCATE must include them too. */
export async function referencingTables(client: pg.Client, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ tbl: string }>(
    `SELECT DISTINCT c.conrelid::regclass::text AS tbl FROM pg_constraint c
      WHERE c.contype = 'f' AND c.confrelid = ANY($1::regclass[]) AND NOT c.conrelid = ANY($1::regclass[])`,
    [tables],
  );
  return rows.map((r) => r.tbl);
}
