// Permission semantics: the live function, the mask readers, the materialized snapshot (after refresh) and a
// Redis cache (invalidated after the role change commits) give the same answer right after a role change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { Redis } from 'ioredis';
import { createRedisLayer, type RedisLayer } from '../../src/authdb/redis/index.js';
import {
  assignRoles,
  checkPermission,
  grantRole,
  loadPermissionGrants,
  loadPermissionMasks,
  lookupUser,
  readPermissionMask,
  readPermissionMaskSnapshot,
  refreshPermissionSnapshot,
  revokeRole,
} from '../../src/authdb/queries.js';
import { startTestRedis, type TestRedis } from '../support/servers.js';
import { openAuthDatabase, type AuthDatabase } from './auth-database.js';

describe('permissions', () => {
  let authdb: AuthDatabase;
  let app: pg.Client;
  let redisServer: TestRedis;
  let redis: Redis;
  let cache: RedisLayer;
  let bits: Map<string, number>;
  beforeAll(async () => {
    [authdb, redisServer] = await Promise.all([openAuthDatabase(), startTestRedis()]);
    app = await authdb.appClient();
    redis = new Redis(redisServer.url);
    cache = createRedisLayer(redis, { prefix: 'authdb-test:' });
    const { rows } = await authdb.admin.query<{ name: string; bit_position: number }>('SELECT name, bit_position FROM auth.permissions');
    bits = new Map(rows.map((r) => [r.name, r.bit_position]));
  });
  afterAll(async () => {
    cache?.dispose();
    redis?.disconnect();
    await redisServer?.stop();
    await authdb?.close();
  });

  const loader = (ids: readonly string[]) => loadPermissionGrants(app, ids);

  /** The answer of every source; the snapshot only after an explicit refresh. */
  async function answers(userId: string, permission: string) {
    const bit = BigInt(bits.get(permission)!);
    await refreshPermissionSnapshot(authdb.admin);
    const snapshot = (await readPermissionMaskSnapshot(app, '0', 100_000)).find((r) => r.userId === userId)?.mask ?? 0n;
    const live = (await readPermissionMask(app, userId)).mask;
    const batch = (await loadPermissionMasks(app, [userId])).get(userId) ?? 0n;
    return {
      fn: await checkPermission(app, userId, permission),
      live: (live & (1n << bit)) !== 0n,
      batch: (batch & (1n << bit)) !== 0n,
      snapshot: (snapshot & (1n << bit)) !== 0n,
      redis: (await cache.hasPermission(userId, Number(bit), loader)).allowed,
    };
  }

  it('agree right after a grant and a revoke', async () => {
    const userId = await authdb.createUser('perm_user', 'pw');
    const all = (v: boolean) => ({ fn: v, live: v, batch: v, snapshot: v, redis: v });
    expect(await answers(userId, 'audit:read')).toEqual(all(false)); // also fills the Redis cache with mask 0

    const granted = await grantRole(app, userId, 'auditor');
    await cache.invalidateUser(userId);
    expect(granted.mask & (1n << BigInt(bits.get('audit:read')!))).not.toBe(0n);
    expect(await answers(userId, 'audit:read')).toEqual(all(true));
    expect(await answers(userId, 'users:write')).toEqual(all(false));

    const revoked = await revokeRole(app, userId, 'auditor');
    await cache.invalidateUser(userId);
    expect(revoked).toEqual({ mask: 0n, validUntil: null });
    expect(await answers(userId, 'audit:read')).toEqual(all(false));
  });

  it('is live in the function before the snapshot is refreshed (the snapshot is a bulk warm-up source)', async () => {
    const userId = await authdb.createUser('perm_stale', 'pw');
    await refreshPermissionSnapshot(authdb.admin);
    await grantRole(app, userId, 'support');
    expect(await checkPermission(app, userId, 'sessions:revoke')).toBe(true);
    expect((await readPermissionMaskSnapshot(app, '0', 100_000)).some((r) => r.userId === userId)).toBe(false);
    await refreshPermissionSnapshot(authdb.admin);
    expect((await readPermissionMaskSnapshot(app, '0', 100_000)).find((r) => r.userId === userId)?.mask).toBe((await readPermissionMask(app, userId)).mask);
  });

  it('stops granting at expires_at everywhere, and tells caches when that is', async () => {
    const userId = await authdb.createUser('perm_expiring', 'pw');
    const expiresAt = new Date(Date.now() + 1500);
    const granted = await grantRole(app, userId, 'agent_fraud', expiresAt);
    expect(granted.validUntil?.getTime()).toBe(expiresAt.getTime());
    expect((await loadPermissionGrants(app, [userId])).get(userId)?.validUntilMs).toBe(expiresAt.getTime());
    await cache.invalidateUser(userId);
    expect(await answers(userId, 'fraud:review')).toMatchObject({ fn: true, live: true, snapshot: true, redis: true });
    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 100));
    // No role change happened: the snapshot row is hidden once valid_until passed, Redis expired the key at valid_until.
    expect(await answers(userId, 'fraud:review')).toEqual({ fn: false, live: false, batch: false, snapshot: false, redis: false });
  });

  it('assigns roles in bulk from JSON (JSON_TABLE) and rejects unknown roles', async () => {
    const a = await authdb.createUser('bulk_a', 'pw');
    const b = await authdb.createUser('bulk_b', 'pw');
    expect(await assignRoles(authdb.admin, [
      { userId: a, role: 'admin' },
      { userId: b, role: 'user' },
      { userId: b, role: 'agent_billing', expiresAt: new Date(Date.now() + 3_600_000) },
    ])).toBe(3);
    expect(await checkPermission(app, a, 'users:write')).toBe(true);
    expect(await checkPermission(app, b, 'billing:write')).toBe(true);
    expect(await checkPermission(app, b, 'users:write')).toBe(false);
    await expect(assignRoles(authdb.admin, [{ userId: a, role: 'wizard' }])).rejects.toThrow(/unknown role\(s\): wizard/);
    expect(await checkPermission(app, a, 'no:such')).toBe(false);
  });

  it('looks a user up by id or username with profile and active roles', async () => {
    const userId = await authdb.createUser('Lookup_Me', 'pw');
    await authdb.admin.query(`UPDATE auth.users SET profile = '{"display_name": "Look Up", "locale": "en"}' WHERE id = $1`, [userId]);
    await grantRole(app, userId, 'user');
    await grantRole(app, userId, 'agent_search');
    const byId = await lookupUser(app, { id: userId });
    expect(byId).toMatchObject({
      id: userId,
      username: 'Lookup_Me',
      email: 'Lookup_Me@example.test',
      status: 'active',
      profile: { display_name: 'Look Up', locale: 'en' },
      roles: ['agent_search', 'user'],
    });
    expect(await lookupUser(app, { username: 'lookup_me' })).toEqual(byId);
    expect(await lookupUser(app, { username: 'nobody' })).toBeNull();
    expect(await lookupUser(app, { id: '987654321' })).toBeNull();
  });
});
