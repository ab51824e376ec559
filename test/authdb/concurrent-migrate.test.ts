// Many databases of one cluster migrated at the same time: roles are cluster-wide, so this used to race.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { applyMigrations } from '../../src/target/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/servers.js';

describe('applyMigrations across databases of one cluster', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });

  it('migrates four fresh databases concurrently without a role race', async () => {
    // On a fresh cluster (CI's first test file) the roles do not exist yet; later files find them created.
    for (let i = 0; i < 4; i++) databases.push(await createTestDatabase('mig'));
    const outcomes = await Promise.allSettled(
      databases.map(async (db) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          return await applyMigrations(client);
        } finally {
          await client.end();
        }
      }),
    );
    const failures = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    for (const o of outcomes) if (o.status === 'fulfilled') expect(o.value.applied.length).toBeGreaterThan(0);
  });
});
