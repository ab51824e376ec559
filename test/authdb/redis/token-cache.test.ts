// Session cache, denylist and log-out-everywhere against a real redis-server: one MGET answers each check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRedisLayer, connectRedis, type RedisLayer } from '../../../src/authdb/redis/index.js';
import { startTestRedis, type TestRedis } from '../../support/servers.js';
import { countCommands } from './count-commands.js';
import type { Redis } from 'ioredis';

describe('token cache', () => {
  let server: TestRedis;
  let client: Redis;
  let layer: RedisLayer;
  const jti = () => randomBytes(8).toString('hex');

  beforeAll(async () => {
    server = await startTestRedis();
    client = await connectRedis(server.url);
    layer = createRedisLayer(client, { prefix: 'tok:' });
  });
  afterAll(async () => {
    layer?.dispose();
    client?.disconnect();
    await server?.stop();
  });

  it('misses an unknown token and returns a cached session', async () => {
    const id = jti();
    expect(await layer.checkToken(id, 'u1', Date.now())).toEqual({ status: 'miss' });
    const session = { jti: id, userId: 'u1', expiresAtMs: Date.now() + 60_000, rolesVersion: 3 };
    expect(await layer.setSession(session)).toEqual({ status: 'ok' });
    expect(await layer.checkToken(id, 'u1', Date.now())).toEqual({ status: 'cached', session });
    expect(await layer.getSession(id)).toEqual(session);
  });

  it('does not vouch for a session cached under another user', async () => {
    const id = jti();
    await layer.setSession({ jti: id, userId: 'u1', expiresAtMs: Date.now() + 60_000 });
    expect(await layer.checkToken(id, 'u2', Date.now())).toEqual({ status: 'miss' });
  });

  it('keeps a session exactly as long as the token lives (±1 s)', async () => {
    const id = jti();
    const lifetime = 900_000;
    await layer.setSession({ jti: id, userId: 'u1', expiresAtMs: Date.now() + lifetime });
    const ttl = await client.pttl(`tok:sess:${id}`);
    expect(Math.abs(ttl - lifetime)).toBeLessThanOrEqual(1_000);
  });

  it('does not cache an already expired token', async () => {
    const id = jti();
    await layer.setSession({ jti: id, userId: 'u1', expiresAtMs: Date.now() - 1 });
    expect(await client.exists(`tok:sess:${id}`)).toBe(0);
  });

  it('rejects a denylisted token, drops its session, and forgets it when the token expires', async () => {
    const id = jti();
    const expiresAtMs = Date.now() + 30_000;
    await layer.setSession({ jti: id, userId: 'u1', expiresAtMs });
    expect(await layer.revokeToken(id, expiresAtMs)).toEqual({ status: 'ok' });
    expect(await layer.checkToken(id, 'u1', Date.now())).toEqual({ status: 'denied', reason: 'denylisted' });
    expect(await client.exists(`tok:sess:${id}`)).toBe(0);
    const ttl = await client.pttl(`tok:deny:${id}`);
    expect(Math.abs(ttl - 30_000)).toBeLessThanOrEqual(1_000);
  });

  it('revoked-before rejects tokens issued earlier and accepts tokens issued later', async () => {
    const logoutAt = Date.now();
    const older = jti();
    const newer = jti();
    await layer.setSession({ jti: older, userId: 'u9', expiresAtMs: logoutAt + 60_000 });
    await layer.setSession({ jti: newer, userId: 'u9', expiresAtMs: logoutAt + 60_000 });
    expect(await layer.revokeUserTokensBefore('u9', logoutAt)).toEqual({ status: 'ok' });
    expect(await layer.checkToken(older, 'u9', logoutAt - 1)).toEqual({ status: 'denied', reason: 'revoked-before' });
    expect((await layer.checkToken(newer, 'u9', logoutAt)).status).toBe('cached');
    expect((await layer.checkToken(newer, 'u10', logoutAt - 1)).status).toBe('miss');
  });

  it('never moves a revoked-before mark back', async () => {
    await layer.revokeUserTokensBefore('u11', 2_000);
    await layer.revokeUserTokensBefore('u11', 1_000);
    expect(await client.get('tok:revb:u11')).toBe('2000');
    expect(await client.pttl('tok:revb:u11')).toBeGreaterThan(0);
  });

  it('answers a check in one round trip', async () => {
    const id = jti();
    await layer.setSession({ jti: id, userId: 'u1', expiresAtMs: Date.now() + 60_000 });
    const sent = countCommands(client);
    await layer.checkToken(id, 'u1', Date.now());
    expect(sent()).toBe(1);
  });
});

