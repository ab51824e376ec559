// Permission cache against a real redis-server: read-through, invalidation, the stale-load race, and warming
// from a real PostgreSQL table (the loader is application code, as it will be in the load generator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Redis } from 'ioredis';
import { connectRedis, createRedisLayer, type PermissionLoader, type RedisLayer } from '../../../src/authdb/redis/index.js';
import { createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from '../../support/servers.js';
import { countCommands } from './count-commands.js';

/** The "database" of these tests: user id -> effective bitmask, with a log of loader calls. */
function memoryLoader(table: Map<string, bigint>) {
  const calls: string[][] = [];
  const loader: PermissionLoader = async (ids) => {
    calls.push([...ids]);
    return new Map(ids.filter((id) => table.has(id)).map((id) => [id, table.get(id)!]));
  };
  return { loader, calls };
}

describe('permission cache', () => {
  let server: TestRedis;
  let client: Redis;
  let db: TestDatabase | undefined;
  let layer: RedisLayer;

  beforeAll(async () => {
    server = await startTestRedis();
    client = await connectRedis(server.url);
    layer = createRedisLayer(client, { prefix: 'perm-test:' });
  });
  afterAll(async () => {
    layer?.dispose();
    client?.disconnect();
    await server?.stop();
    await db?.drop();
  });

  it('reads through: a miss calls the loader once, a hit does not', async () => {
    const table = new Map([['1', 0b101n], ['2', 1n << 70n]]);
    const { loader, calls } = memoryLoader(table);
    const first = await layer.getPermissions(['1', '2', '3', '1'], loader);
    expect(first).toMatchObject({ hits: 0, loaded: 3, cache: 'ok' });
    expect(first.masks).toEqual(new Map([['1', 0b101n], ['2', 1n << 70n]]));
    const sent = countCommands(client);
    const second = await layer.getPermissions(['1', '2'], loader);
    expect(sent()).toBe(1);
    expect(second).toMatchObject({ hits: 2, loaded: 0 });
    expect(second.masks.get('2')).toBe(1n << 70n);
    expect(calls).toEqual([['1', '2', '3']]);
    expect(await layer.hasPermission('1', 2, loader)).toEqual({ allowed: true, source: 'cache', cache: 'ok' });
    expect(await layer.hasPermission('1', 1, loader)).toEqual({ allowed: false, source: 'cache', cache: 'ok' });
  });

  it('agrees with the loader after an invalidation', async () => {
    const table = new Map([['10', 1n]]);
    const { loader } = memoryLoader(table);
    expect((await layer.getPermissions(['10'], loader)).masks.get('10')).toBe(1n);
    table.set('10', 6n); // the role change commits...
    await layer.invalidateUser('10'); // ...then the cache is told
    const after = await layer.getPermissions(['10'], loader);
    expect(after).toMatchObject({ hits: 0, loaded: 1 });
    expect(after.masks.get('10')).toBe(6n);
    expect((await layer.getPermissions(['10'], loader)).hits).toBe(1);
  });

  it('does not let a load that started before an invalidation overwrite it', async () => {
    const table = new Map([['20', 1n]]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let snapshot: Map<string, bigint> | undefined;
    const slowLoader: PermissionLoader = async (ids) => {
      snapshot = new Map(ids.map((id) => [id, table.get(id)!])); // reads the old row
      await gate;
      return snapshot;
    };
    const stale = layer.getPermissions(['20'], slowLoader);
    await new Promise((r) => setTimeout(r, 20));
    table.set('20', 8n);
    await layer.invalidateUser('20');
    release();
    expect((await stale).masks.get('20')).toBe(1n); // that caller read before the commit: fine
    expect(await client.exists('perm-test:perm:20')).toBe(0); // but the stale value was not cached
    const { loader } = memoryLoader(table);
    expect((await layer.getPermissions(['20'], loader)).masks.get('20')).toBe(8n);
  });

  it('never caches a mask past the earliest expiry of its role grants', async () => {
    const validUntilMs = Date.now() + 5_000;
    const loader: PermissionLoader = async (ids) =>
      new Map(ids.map((id) => [id, id === '31' ? { mask: 4n, validUntilMs } : { mask: 4n, validUntilMs: Date.now() - 1 }]));
    const lookup = await layer.getPermissions(['31', '32'], loader);
    expect(lookup.masks).toEqual(new Map([['31', 4n], ['32', 4n]]));
    const ttl = await client.pttl('perm-test:perm:31');
    expect(ttl).toBeGreaterThan(3_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    expect(await client.exists('perm-test:perm:32')).toBe(0);
  });

  it('warms every given user in batches from a real PostgreSQL table', async () => {
    db = await createTestDatabase('perm');
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      await sql.query('CREATE TABLE user_permissions (user_id bigint PRIMARY KEY, mask numeric NOT NULL)');
      await sql.query('INSERT INTO user_permissions SELECT g, g * 3 FROM generate_series(1, 2500) g');
      const batchSizes: number[] = [];
      const loader: PermissionLoader = async (ids) => {
        batchSizes.push(ids.length);
        const { rows } = await sql.query<{ user_id: string; mask: string }>(
          'SELECT user_id::text, mask::text FROM user_permissions WHERE user_id = ANY($1::bigint[])',
          [ids],
        );
        return new Map(rows.map((r) => [r.user_id, BigInt(r.mask)]));
      };
      const ids = Array.from({ length: 2_600 }, (_, i) => String(i + 1)); // 100 unknown users
      const warm = createRedisLayer(client, { prefix: 'warm-test:' });
      const report = await warm.warmPermissions(ids, loader, { batchSize: 1_000 });
      expect(report).toMatchObject({ requested: 2_600, cached: 2_500, skipped: 100, batches: 3, cache: 'ok' });
      expect(batchSizes).toEqual([1_000, 1_000, 600]);
      const lookup = await warm.getPermissions(['1', '2500'], loader);
      expect(lookup).toMatchObject({ hits: 2, loaded: 0 });
      expect(lookup.masks.get('2500')).toBe(7_500n);
      warm.dispose();
    } finally {
      await sql.end();
    }
  });

  it('warms sessions in pipelined batches and skips expired ones', async () => {
    const warm = createRedisLayer(client, { prefix: 'warm-sess:' });
    const now = Date.now();
    const sessions = Array.from({ length: 2_345 }, (_, i) => ({
      jti: `j${i}`,
      userId: String(i),
      expiresAtMs: i < 45 ? now - 1 : now + 600_000,
    }));
    const report = await warm.warmSessions(sessions, { batchSize: 1_000 });
    expect(report).toMatchObject({ requested: 2_345, cached: 2_300, skipped: 45, batches: 3, cache: 'ok' });
    expect((await warm.checkToken('j100', '100', now)).status).toBe('cached');
    expect((await warm.checkToken('j1', '1', now)).status).toBe('miss');
    warm.dispose();
  });
});
