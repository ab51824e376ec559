// The application role is EXECUTE-only: for every relation authbench creates (tables, partitions, views, materialized
// views, sequences, in every schema it owns) it can neither read nor write, and the functions it may execute are
// exactly the documented API (docs/database.md "Functions"; docs/security.md).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/target/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/servers.js';

/** The app's API: the functions docs/database.md marks "app may call: yes". */
const APP_API = [
  'begin_login', 'check_permission', 'finish_login', 'grant_role', 'lookup_user_by_id', 'lookup_user_by_username',
  'permission_mask_snapshot', 'refresh_session', 'revoke_all_sessions', 'revoke_role', 'revoke_session', 'revoke_sessions_issued_since',
  'user_permission_mask', 'user_permission_masks_of', 'validate_session',
].sort();

let db: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase('approle');
  admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await applyMigrations(admin);
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

/** Every relation in a schema owned by authbench_owner, or in the migration-tracking schema. */
async function authbenchRelations(): Promise<{ name: string; kind: string }[]> {
  const result = await admin.query<{ name: string; kind: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind::text AS kind
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND (n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = 'authbench_owner') OR n.nspname = 'authbench')
      ORDER BY 1`,
  );
  return result.rows;
}

describe('authbench_app', () => {
  it('cannot SELECT, INSERT, UPDATE or DELETE any table, partition, view, materialized view or sequence', async () => {
    const relations = await authbenchRelations();
    const kinds = new Set(relations.map((r) => r.kind));
    // The walk really covers every kind the schema has: tables, partitioned tables, views, a materialized view.
    for (const kind of ['r', 'p', 'v', 'm']) expect(kinds, `relkind ${kind}`).toContain(kind);
    expect(relations.map((r) => r.name)).toEqual(expect.arrayContaining(['auth.users', 'auth.credentials', 'auth.settings', 'auth.user_roles', 'auth.user_permission_masks', 'monitor.top_statements']));

    const privileges = await admin.query<{ name: string; privilege: string }>(
      `SELECT r.name, p.privilege
         FROM unnest($1::text[]) AS r(name), unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
        WHERE has_table_privilege('authbench_app', r.name::regclass, p.privilege)`,
      [relations.filter((r) => r.kind !== 'S').map((r) => r.name)],
    );
    expect(privileges.rows, 'privileges held by authbench_app').toEqual([]);
    const sequences = relations.filter((r) => r.kind === 'S').map((r) => r.name);
    const seqPrivileges = await admin.query<{ name: string }>(
      `SELECT name FROM unnest($1::text[]) AS s(name)
        WHERE has_sequence_privilege('authbench_app', name::regclass, 'SELECT,USAGE,UPDATE')`,
      [sequences],
    );
    expect(seqPrivileges.rows).toEqual([]);

    // And as the role itself: every SELECT is refused by the server.
    const app = new pg.Client({ connectionString: db.url });
    await app.connect();
    try {
      await app.query('SET ROLE authbench_app');
      for (const { name, kind } of relations) {
        const statement = kind === 'S' ? `SELECT last_value FROM ${name}` : `SELECT 1 FROM ${name} LIMIT 1`;
        await expect(app.query(statement), name).rejects.toMatchObject({ code: '42501' });
      }
    } finally {
      await app.end();
    }
  });

  it('may execute exactly the documented API functions, and they run as the owner, never as a superuser', async () => {
    const executable = await admin.query<{ name: string }>(
      `SELECT DISTINCT p.proname AS name
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('auth', 'monitor', 'authbench') AND has_function_privilege('authbench_app', p.oid, 'EXECUTE')
        ORDER BY 1`,
    );
    expect(executable.rows.map((r) => r.name)).toEqual(APP_API);
    const definers = await admin.query<{ name: string; owner: string; super: boolean; config: string[] | null }>(
      `SELECT p.proname AS name, r.rolname AS owner, r.rolsuper AS super, p.proconfig AS config
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles r ON r.oid = p.proowner
        WHERE n.nspname = 'auth' AND p.prosecdef`,
    );
    expect(definers.rows.length).toBeGreaterThanOrEqual(APP_API.length);
    for (const fn of definers.rows) {
      expect(fn.owner, fn.name).toBe('authbench_owner');
      expect(fn.super, fn.name).toBe(false);
      // A SECURITY DEFINER function without a pinned search_path can be hijacked through objects in pg_temp or public.
      expect(fn.config ?? [], fn.name).toContain('search_path=pg_catalog, auth, pg_temp');
    }
  });

  it('is not a superuser, cannot create roles or databases, and inherits nothing', async () => {
    const role = await admin.query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolinherit: boolean; rolbypassrls: boolean }>(
      "SELECT rolsuper, rolcreaterole, rolcreatedb, rolinherit, rolbypassrls FROM pg_roles WHERE rolname = 'authbench_app'",
    );
    expect(role.rows[0]).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolinherit: false, rolbypassrls: false });
  });
});
