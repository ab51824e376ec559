// The non-empty-database guard against real databases: every kind of user object counts, authbench's own
// migrations and ledger do not, and a user's own `authbench` schema does.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FENCE_DDL } from '../../src/backup/fence.js';
import { InfraCode } from '../../src/errors.js';
import { assertDatabaseUsable } from '../../src/target/check.js';
import { applyMigrations } from '../../src/target/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/servers.js';

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function withDatabase<T>(setup: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const db = await createTestDatabase('guard');
  databases.push(db);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    if (setup) await client.query(setup);
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('assertDatabaseUsable', () => {
  it.each([
    ['a table', 'CREATE TABLE public.customers (id int)', 'table public.customers'],
    ['a view', 'CREATE VIEW public.v AS SELECT 1 AS one', 'view public.v'],
    ['a materialized view', 'CREATE MATERIALIZED VIEW public.mv AS SELECT 1 AS one', 'materialized view public.mv'],
    ['a sequence', 'CREATE SEQUENCE public.s', 'sequence public.s'],
    ['a function', 'CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', 'function public.f()'],
    ['a procedure', 'CREATE PROCEDURE public.p() LANGUAGE sql AS $$ SELECT 1 $$', 'procedure public.p()'],
    ['an enum type', "CREATE TYPE public.mood AS ENUM ('ok')", 'type public.mood'],
    ['a domain', 'CREATE DOMAIN public.positive AS int CHECK (VALUE > 0)', 'type public.positive'],
    ['a composite type', 'CREATE TYPE public.pair AS (a int, b int)', 'type public.pair'],
    ['objects in a schema of their own', 'CREATE SCHEMA app; CREATE VIEW app.v AS SELECT 1 AS one', 'view app.v'],
    ["a user's own authbench schema", 'CREATE SCHEMA authbench; CREATE TABLE authbench.customers (id int)', 'table authbench.customers'],
    ['a look-alike ledger table', 'CREATE SCHEMA authbench; CREATE TABLE authbench.schema_migrations (id int)', 'table authbench.schema_migrations'],
  ])('refuses a database holding only %s', async (_what, setup, named) => {
    await withDatabase(setup, async (client) => {
      const err = await assertDatabaseUsable(client, false).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: InfraCode.databaseNotEmpty, exitCode: 3 });
      expect((err as Error).message).toContain(named);
      await assertDatabaseUsable(client, true);
    });
  });

  it('accepts an empty database, one with only extensions, and one holding only what authbench migrated', async () => {
    await withDatabase('', (client) => assertDatabaseUsable(client, false));
    await withDatabase('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', (client) => assertDatabaseUsable(client, false));
    await withDatabase('', async (client) => {
      await applyMigrations(client);
      await client.query("CREATE TABLE IF NOT EXISTS authbench.dataset (singleton boolean PRIMARY KEY DEFAULT true, fingerprint text NOT NULL)");
      // The fence rows a backup writes (src/backup/fence.ts) are authbench's too.
      await client.query(FENCE_DDL);
      await assertDatabaseUsable(client, false);
    });
  });
});
