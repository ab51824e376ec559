// The external target against real servers: the shared PostgreSQL 17 test cluster, a private redis-server,
// closed ports, wrong passwords, a non-empty database, and a real PostgreSQL 15 for the version check.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraCode } from '../../src/errors.js';
import { serverOsUser, stopServer } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import { prepareDatabase } from '../../src/target/prepare.js';
import { provisionTarget } from '../../src/target/provision.js';
import { adminUrl, createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from '../support/servers.js';

let redis: TestRedis;
let db: TestDatabase;

beforeAll(async () => {
  redis = await startTestRedis();
  db = await createTestDatabase('ext');
});

afterAll(async () => {
  await db?.drop();
  await redis?.stop();
});

describe('external target', () => {
  it('checks the servers and describes them', async () => {
    await using target = await provisionTarget({ kind: 'external', pgUrl: db.url, redisUrl: redis.url });
    expect(target).toMatchObject({ kind: 'external', started: false, redisUrl: redis.url });
    expect(target.serverVersion).toMatch(/^17\./);
    expect(target.redisVersion).toMatch(/^\d+\.\d+/);
    expect(new URL(target.appPgUrl ?? '').username).toBe('authbench_app');
  });

  it('reads DATABASE_URL / REDIS_URL when no flags are given', async () => {
    const saved = { ...process.env };
    process.env.DATABASE_URL = db.url;
    process.env.REDIS_URL = redis.url;
    try {
      await using target = await provisionTarget({ kind: 'external' });
      expect(target.pgUrl).toBe(db.url);
    } finally {
      process.env.DATABASE_URL = saved.DATABASE_URL;
      process.env.REDIS_URL = saved.REDIS_URL;
      if (saved.DATABASE_URL === undefined) delete process.env.DATABASE_URL;
      if (saved.REDIS_URL === undefined) delete process.env.REDIS_URL;
    }
  });

  it('applies the schema and gives authbench_app the target password (prepareDatabase)', async () => {
    await using target = await provisionTarget({ kind: 'external', pgUrl: db.url, redisUrl: redis.url });
    await prepareDatabase(target);
    const app = new pg.Client({ connectionString: target.appPgUrl });
    await app.connect();
    const who = await app.query<{ u: string }>('SELECT current_user AS u');
    await app.end();
    expect(who.rows[0]?.u).toBe('authbench_app');
    // Its own schema does not make the database "non-empty".
    await using again = await provisionTarget({ kind: 'external', pgUrl: db.url, redisUrl: redis.url });
    expect(again.serverVersion).toMatch(/^17\./);
  });

  it('refuses a database holding foreign tables unless --allow-non-empty', async () => {
    const other = await createTestDatabase('busy');
    try {
      const client = new pg.Client({ connectionString: other.url });
      await client.connect();
      await client.query('CREATE TABLE public.customers (id int)');
      await client.end();
      await expect(provisionTarget({ kind: 'external', pgUrl: other.url, redisUrl: redis.url })).rejects.toMatchObject({
        code: InfraCode.databaseNotEmpty,
        exitCode: 3,
        message: expect.stringContaining('public.customers'),
      });
      await using allowed = await provisionTarget({ kind: 'external', pgUrl: other.url, redisUrl: redis.url, allowNonEmpty: true });
      expect(allowed.kind).toBe('external');
    } finally {
      await other.drop();
    }
  });

  it('reports an unreachable server with host:port and the redacted URL (exit 3)', async () => {
    const port = await findFreePort();
    const url = `postgres://postgres:secret@127.0.0.1:${port}/postgres`;
    const err = await provisionTarget({ kind: 'external', pgUrl: url, redisUrl: redis.url }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: InfraCode.pgUnreachable, exitCode: 3 });
    const text = (err as { toUserText(): string }).toUserText();
    expect(text).toContain(`127.0.0.1:${port} (postgres://postgres:***@127.0.0.1:${port}/postgres)`);
    expect(text).not.toContain('secret');
  });

  it('reports a wrong password', async () => {
    const url = new URL(adminUrl());
    url.password = 'wrong-password';
    await expect(provisionTarget({ kind: 'external', pgUrl: url.toString(), redisUrl: redis.url })).rejects.toMatchObject({ code: InfraCode.pgAuthFailed, exitCode: 3 });
  });

  it('reports an unreachable Redis', async () => {
    const port = await findFreePort();
    await expect(provisionTarget({ kind: 'external', pgUrl: db.url, redisUrl: `redis://127.0.0.1:${port}` })).rejects.toMatchObject({
      code: InfraCode.redisUnreachable,
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it('rejects malformed URLs and missing URLs as input errors (exit 2) naming the flag', async () => {
    await expect(provisionTarget({ kind: 'external', pgUrl: 'postgres://u:secret@h:99999/x', redisUrl: redis.url })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^--pg-url: "postgres:\/\/u:\*\*\*@h:99999\/x" is not a valid URL/),
    });
    const saved = { db: process.env.DATABASE_URL, redis: process.env.REDIS_URL };
    delete process.env.DATABASE_URL;
    delete process.env.REDIS_URL;
    try {
      await expect(provisionTarget({ kind: 'external' })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('--pg-url: is required') });
    } finally {
      if (saved.db !== undefined) process.env.DATABASE_URL = saved.db;
      if (saved.redis !== undefined) process.env.REDIS_URL = saved.redis;
    }
  });

  const pg15 = '/usr/lib/postgresql/15/bin';
  // scripts/test-prerequisites.mjs and .ci/run install Debian's postgresql-15: missing, this fails instead of skipping.
  it('refuses PostgreSQL 15 (pgTooOld), against a real 15 server', async () => {
    expect(fs.existsSync(path.join(pg15, 'postgres')), `${pg15}/postgres is missing: apt-get install postgresql-15`).toBe(true);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-pg15-'));
    fs.chmodSync(dir, 0o755);
    const owner = serverOsUser();
    const password = randomBytes(9).toString('hex');
    const pwFile = path.join(dir, 'pw');
    fs.writeFileSync(pwFile, password);
    if (owner) {
      fs.chownSync(dir, owner.uid, owner.gid);
      fs.chownSync(pwFile, owner.uid, owner.gid);
    }
    const dataDir = path.join(dir, 'data');
    const init = spawnSync(path.join(pg15, 'initdb'), ['-D', dataDir, '-U', 'postgres', `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--no-instructions'], { ...(owner ?? {}), encoding: 'utf8' });
    expect(init.status, init.stderr).toBe(0);
    const port = await findFreePort();
    const server = spawn(path.join(pg15, 'postgres'), ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`], { ...(owner ?? {}), stdio: 'ignore' });
    try {
      const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
      let err: unknown;
      for (let i = 0; i < 100; i += 1) {
        err = await provisionTarget({ kind: 'external', pgUrl: url, redisUrl: redis.url }).catch((e: unknown) => e);
        if ((err as { code?: string }).code !== InfraCode.pgUnreachable) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(err).toMatchObject({ code: InfraCode.pgTooOld, exitCode: 3 });
      expect((err as Error).message).toMatch(new RegExp(`^authbench needs PostgreSQL 17 or newer; postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/postgres runs 15\\.\\d+\\.$`));
    } finally {
      await stopServer(server.pid ?? -1);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
