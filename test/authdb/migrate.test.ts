// The migration runner: idempotent, safe when concurrent, strict about changed files; the app role's privileges.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { InfraCode, InfrastructureError } from '../../src/errors.js';
import { applyMigrations, defaultMigrationsDir, readMigrations, setAppRolePassword } from '../../src/target/migrate.js';
import { adminUrl, createTestDatabase, urlForDatabase, type TestDatabase } from '../support/servers.js';

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

describe('applyMigrations', () => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dbs.map((d) => d.drop()));
  });

  it('applies every file once; a second run changes nothing', async () => {
    const db = await createTestDatabase('mig');
    dbs.push(db);
    const client = await connect(db.url);
    try {
      const files = (await readMigrations()).map((f) => f.name);
      expect(files[0]).toBe('001_extensions_and_roles.sql');
      const first = await applyMigrations(client);
      expect(first).toEqual({ applied: files, skipped: [] });
      const shape = `SELECT string_agg(format('%s.%s %s', n.nspname, c.relname, c.relkind), ',' ORDER BY 1) AS s
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('auth', 'monitor')`;
      const before = (await client.query<{ s: string }>(shape)).rows[0]?.s;
      const second = await applyMigrations(client);
      expect(second).toEqual({ applied: [], skipped: files });
      expect((await client.query<{ s: string }>(shape)).rows[0]?.s).toBe(before);
      const roles = await client.query<{ n: string }>('SELECT count(*) AS n FROM auth.roles');
      expect(Number(roles.rows[0]?.n)).toBe(37);
    } finally {
      await client.end();
    }
  });

  it('is safe when several runners and several databases of one cluster migrate at once', async () => {
    const created = await Promise.all([createTestDatabase('mig'), createTestDatabase('mig')]);
    dbs.push(...created);
    const clients = await Promise.all([created[0]!.url, created[0]!.url, created[1]!.url, created[1]!.url].map(connect));
    try {
      const results = await Promise.all(clients.map((c) => applyMigrations(c)));
      const count = (await readMigrations()).length;
      // Per database: one runner applied everything, the other (after the lock) skipped everything.
      for (const pair of [results.slice(0, 2), results.slice(2)]) {
        expect(pair.map((r) => r.applied.length).sort()).toEqual([0, count]);
        expect(pair.map((r) => r.skipped.length).sort()).toEqual([0, count]);
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('rejects an applied migration whose file changed, naming the file', async () => {
    const db = await createTestDatabase('mig');
    dbs.push(db);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-sql-'));
    await fs.cp(defaultMigrationsDir(), dir, { recursive: true });
    const client = await connect(db.url);
    try {
      await applyMigrations(client, { dir });
      const file = path.join(dir, '002_users.sql');
      await fs.appendFile(file, '\n-- an edit after the fact\n');
      const err = await applyMigrations(client, { dir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InfrastructureError);
      expect((err as InfrastructureError).code).toBe(InfraCode.migrationChanged);
      expect((err as InfrastructureError).message).toContain('002_users.sql');
      expect((err as InfrastructureError).hint).toMatch(/new, higher-numbered migration/);
      // The advisory lock was released: a clean directory still applies (skips) fine on the same connection.
      expect((await applyMigrations(client)).applied).toEqual([]);
    } finally {
      await client.end();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a failing migration with its file name and keeps nothing of the batch (no authbench schema left)', async () => {
    const db = await createTestDatabase('mig');
    dbs.push(db);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-sql-'));
    await fs.writeFile(path.join(dir, '001_ok.sql'), 'CREATE TABLE public.t1 (id int);');
    await fs.writeFile(path.join(dir, '002_broken.sql'), 'CREATE TABLE public.t2 (id int); SELECT no_such_function();');
    const client = await connect(db.url);
    try {
      const err = await applyMigrations(client, { dir }).catch((e: unknown) => e);
      expect((err as InfrastructureError).code).toBe(InfraCode.migrationFailed);
      expect((err as InfrastructureError).message).toContain('002_broken.sql');
      const { rows } = await client.query<{ t1: string | null; t2: string | null; ledger: string | null }>(
        "SELECT to_regclass('public.t1') AS t1, to_regclass('public.t2') AS t2, (SELECT nspname FROM pg_namespace WHERE nspname = 'authbench') AS ledger",
      );
      // One transaction: the applied 001 goes with the failed 002, and so does the ledger schema it created.
      expect(rows[0]).toEqual({ t1: null, t2: null, ledger: null });
      // Fixed, the same batch applies from the start.
      await fs.writeFile(path.join(dir, '002_broken.sql'), 'CREATE TABLE public.t2 (id int);');
      expect((await applyMigrations(client, { dir })).applied).toEqual(['001_ok.sql', '002_broken.sql']);
    } finally {
      await client.end();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('application role', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('mig');
    admin = await connect(db.url);
    await applyMigrations(admin);
  });
  afterAll(async () => {
    await admin.end();
    await db.drop();
  });

  it('can execute the API functions but cannot read or write any table', async () => {
    const app = await connect(db.url);
    try {
      await app.query('SET ROLE authbench_app');
      const lookup = await app.query('SELECT auth.lookup_user_by_id(1) AS doc');
      expect(lookup.rows[0]).toEqual({ doc: null });
      for (const table of ['auth.users', 'auth.credentials', 'auth.sessions', 'auth.security_events', 'auth.user_permission_masks']) {
        await expect(app.query(`SELECT 1 FROM ${table} LIMIT 1`), table).rejects.toMatchObject({ code: '42501' });
      }
      await expect(app.query("INSERT INTO auth.security_events (event_type) VALUES ('forged')")).rejects.toMatchObject({ code: '42501' });
      // Maintenance and bulk functions are not part of the app's API.
      await expect(app.query('SELECT auth.refresh_permission_masks()')).rejects.toMatchObject({ code: '42501' });
      await expect(app.query("SELECT auth.assign_roles('[]')")).rejects.toMatchObject({ code: '42501' });
    } finally {
      await app.end();
    }
  });

  it('cannot change the audit log even as the schema owner', async () => {
    await admin.query("INSERT INTO auth.security_events (event_type) VALUES ('test.event')");
    await expect(admin.query("UPDATE auth.security_events SET event_type = 'x'")).rejects.toThrow(/append-only/);
    await expect(admin.query('DELETE FROM auth.security_events')).rejects.toThrow(/append-only/);
  });

  it('setAppRolePassword stores a SCRAM verifier the server accepts', async () => {
    // A private LOGIN role: authbench_app is cluster-wide and other test files may set its password concurrently.
    const role = `t_app_${randomBytes(4).toString('hex')}`;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    try {
      await setAppRolePassword(admin, password, role);
      const stored = await admin.query<{ p: string }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [role]);
      expect(stored.rows[0]?.p).toMatch(/^SCRAM-SHA-256\$4096:/);
      const url = new URL(urlForDatabase(db.name));
      url.username = role;
      url.password = password;
      const client = await connect(url.toString());
      const who = await client.query<{ u: string }>('SELECT current_user AS u');
      await client.end();
      expect(who.rows[0]?.u).toBe(role);
      url.password = 'wrong-password';
      await expect(connect(url.toString())).rejects.toThrow(/password authentication failed/);
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
    expect(adminUrl()).toBeTruthy();
  });
});
