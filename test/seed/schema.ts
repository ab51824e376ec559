// Test helper: a fresh database with the authbench schema applied, via src/target/migrate.ts when it exists,
// else by running sql/*.sql in order (each file in its own transaction, as the files use SET LOCAL ROLE).
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/servers.js';

export async function createSeedableDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('seed');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const migrate = (await import('../../src/target/migrate.js').catch(() => undefined)) as
      | { applyMigrations?: (c: pg.Client) => Promise<unknown> }
      | undefined;
    if (migrate?.applyMigrations) {
      await migrate.applyMigrations(client);
    } else {
      const dir = path.resolve('sql');
      for (const file of (await fs.readdir(dir)).filter((f) => f.endsWith('.sql')).sort()) {
        await client.query('BEGIN');
        await client.query(await fs.readFile(path.join(dir, file), 'utf8'));
        await client.query('COMMIT');
      }
    }
  } finally {
    await client.end();
  }
  return db;
}
