// Redis stopped mid-test: every check answers `unavailable` quickly without throwing, the caller's fallback runs,
// and the same client serves again (with lost invalidations replayed) once a server is back on the same port.
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { InfraCode, InfrastructureError } from '../../../src/errors.js';
import { connectRedis, createRedisLayer, type PermissionLoader, type RedisLayer } from '../../../src/authdb/redis/index.js';
import { findFreePort } from '../../../src/target/free-port.js';
import { startRedisServer, stopRedisServer } from '../../../src/target/redis-server.js';

describe('Redis unavailable', () => {
  const pids: number[] = [];
  let client: Redis | undefined;
  let layer: RedisLayer | undefined;
  afterAll(async () => {
    layer?.dispose();
    client?.disconnect();
    for (const pid of pids) await stopRedisServer(pid);
  });

  it('connectRedis throws AB_ERR_REDIS_UNREACHABLE with the password redacted', async () => {
    const port = await findFreePort();
    const started = Date.now();
    const err = await connectRedis(`redis://:hunter2@127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfrastructureError);
    expect((err as InfrastructureError).code).toBe(InfraCode.redisUnreachable);
    expect((err as InfrastructureError).message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect((err as InfrastructureError).message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('answers unavailable in under 1 s, falls back, and recovers on the same port', async () => {
    const port = await findFreePort();
    let server = await startRedisServer({ port, dir: os.tmpdir() });
    pids.push(server.pid);
    client = await connectRedis(`redis://127.0.0.1:${port}`);
    layer = createRedisLayer(client, { prefix: 'outage:', rateLimits: { user: { limit: 5, windowMs: 60_000 } } });
    const table = new Map([['1', 3n]]);
    const loader: PermissionLoader = async (ids) => new Map(ids.filter((id) => table.has(id)).map((id) => [id, table.get(id)!]));
    const expiresAtMs = Date.now() + 600_000;
    await layer.setSession({ jti: 'live', userId: '1', expiresAtMs });
    expect((await layer.checkToken('live', '1', Date.now())).status).toBe('cached');

    await stopRedisServer(server.pid);

    const timed = async <T>(call: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await call();
      expect(performance.now() - t0).toBeLessThan(1_000);
      return result;
    };
    expect(await timed(() => layer!.checkToken('live', '1', Date.now()))).toMatchObject({ status: 'unavailable' });
    expect(await timed(() => layer!.rateLimiter.check({ userId: '1', ip: '10.0.0.1' }))).toMatchObject({
      status: 'unavailable',
      allowed: true,
    });
    const perms = await timed(() => layer!.getPermissions(['1'], loader));
    expect(perms).toMatchObject({ cache: 'unavailable', hits: 0, loaded: 1 });
    expect(perms.masks.get('1')).toBe(3n);
    expect(await timed(() => layer!.setSession({ jti: 'x', userId: '1', expiresAtMs }))).toMatchObject({ status: 'unavailable' });
    // The logout reaches the database but not Redis: it waits for replay.
    expect(await timed(() => layer!.revokeToken('live', expiresAtMs))).toMatchObject({ status: 'unavailable' });
    expect(await timed(() => layer!.invalidateUser('1'))).toMatchObject({ status: 'unavailable' });
    expect(layer.pendingInvalidations()).toBe(2);
    const counts = layer.unavailableCounts();
    expect(counts).toMatchObject({ checkToken: 1, rateLimit: 1, permissions: 1, setSession: 1, revokeToken: 1, invalidateUsers: 1 });

    const failClosed = createRedisLayer(client, { prefix: 'outage:', rateLimits: { failOpen: false } });
    expect(await failClosed.rateLimiter.check({ ip: '10.0.0.1' })).toMatchObject({ status: 'unavailable', allowed: false });
    failClosed.dispose();

    server = await startRedisServer({ port, dir: os.tmpdir() });
    pids.push(server.pid);
    const deadline = Date.now() + 5_000;
    let check = await layer.checkToken('live', '1', Date.now());
    while (check.status === 'unavailable' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      check = await layer.checkToken('live', '1', Date.now());
    }
    await layer.flushInvalidations();
    expect(layer.pendingInvalidations()).toBe(0);
    // The replayed revocation is in force on the new server.
    expect(await layer.checkToken('live', '1', Date.now())).toEqual({ status: 'denied', reason: 'denylisted' });
    expect(await client.get('outage:permv:1')).toBe('1');
    expect((await layer.rateLimiter.check({ userId: '1' })).status).toBe('allowed');
  });

  it('replays a lost revocation into a cache that survived the outage (network cut, server kept its data)', async () => {
    const port = await findFreePort();
    const server = await startRedisServer({ port, dir: os.tmpdir() });
    pids.push(server.pid);
    const own = await connectRedis(`redis://127.0.0.1:${port}`);
    const cut = createRedisLayer(own, { prefix: 'cut:' });
    try {
      await cut.setSession({ jti: 's1', userId: '7', expiresAtMs: Date.now() + 600_000 });
      // Simulate a network cut: kill this client's connection from the server side, refuse its reconnects for a moment.
      const admin = await connectRedis(`redis://127.0.0.1:${port}`);
      await admin.client('PAUSE', 300, 'ALL');
      own.disconnect(true);
      const revoked = await cut.revokeUserTokensBefore('7', Date.now());
      expect(revoked.status).toBe('unavailable');
      await new Promise((r) => setTimeout(r, 500));
      await cut.flushInvalidations();
      expect(cut.pendingInvalidations()).toBe(0);
      expect(await cut.checkToken('s1', '7', Date.now() - 10_000)).toEqual({ status: 'denied', reason: 'revoked-before' });
      admin.disconnect();
    } finally {
      cut.dispose();
      own.disconnect();
    }
  });
});
