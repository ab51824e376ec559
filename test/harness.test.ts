// The test harness itself: the shared PostgreSQL is version 17 and a private redis-server answers.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from './support/servers.js';

describe('test harness', () => {
  let db: TestDatabase | undefined;
  let redis: TestRedis | undefined;
  afterAll(async () => {
    await db?.drop();
    await redis?.stop();
  });

  it('provides a real PostgreSQL 17 database', async () => {
    db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    await client.end();
    expect(Number(rows[0]?.v)).toBeGreaterThanOrEqual(170000);
    expect(Number(rows[0]?.v)).toBeLessThan(180000);
  });

  it('provides a real redis-server', async () => {
    redis = await startTestRedis();
    const client = new Redis(redis.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});
