// Test helper: a fresh database with the authbench schema applied by the project's migration runner.
// Databases are created one at a time by callers: concurrent first migrations race on cluster-wide roles.
import pg from 'pg';
import { applyMigrations } from '../../src/target/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/servers.js';

export async function createSeedableDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase('seed');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await applyMigrations(client);
  } finally {
    await client.end();
  }
  return db;
}
