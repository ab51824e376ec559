// Per-test-file real servers: a fresh PostgreSQL database on the shared cluster and a private redis-server.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { inject } from 'vitest';
import { findFreePort } from '../../src/target/free-port.js';
import { startRedisServer, stopRedisServer } from '../../src/target/redis-server.js';
import './provided-context.js';

export interface TestDatabase {
  /** Superuser URL of the new, empty database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Superuser URL of the shared test cluster's `postgres` database. */
export function adminUrl(): string {
  return inject('pgAdminUrl');
}

export function urlForDatabase(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty database with a unique name; drop() removes it (terminating leftover connections). */
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: urlForDatabase(name),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestRedis {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a private redis-server on a free loopback port. */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await findFreePort();
  const server = await startRedisServer({ port, dir: os.tmpdir() });
  return { url: `redis://127.0.0.1:${port}`, port, pid: server.pid, stop: () => stopRedisServer(server.pid) };
}
