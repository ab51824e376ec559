// Per-test-file real servers: a fresh PostgreSQL database on the shared cluster and a private redis-server.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { findFreePort } from '../../src/target/free-port.js';
import { startRedisServer, stopRedisServer } from '../../src/target/redis-server.js';
import type { RunOptions } from '../../src/run/run-benchmark.js';
import { schemaProblemsBelow } from './results-schema.js';
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

export interface RunServers {
  /** A fresh database on the shared cluster (superuser URL in `db.url`). */
  readonly db: TestDatabase;
  readonly redis: TestRedis;
  /** A temporary directory for run reports. */
  readonly outRoot: string;
  /**
   * Options for `runBenchmark` on these servers that print nothing and write only results.json into outRoot/name.
   * The lateness bound is 100 ms: the CI box runs the database, the generator and other jobs on 2 cores, so stalls of
   * tens of ms are the box, not the engine (the 10 ms production bound is unit-tested in generator-validity).
   */
  quietRunOptions(name: string, extra?: Partial<RunOptions>): RunOptions;
}

const silent = { write: () => true };

/**
 * For a test file that runs the load against real servers: registers beforeAll/afterAll that create a database,
 * start a private redis-server and make a report directory, and remove all three afterwards. Before the directory
 * goes, every results.json and capacity.json written into it is checked against the published schemas (schema/):
 * a file that breaks the contract fails the test file.
 */
export function useRunServers(prefix: string): RunServers {
  let db: TestDatabase | undefined;
  let redis: TestRedis | undefined;
  let outRoot: string | undefined;
  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(prefix), startTestRedis()]);
    outRoot = await fs.mkdtemp(path.join(os.tmpdir(), `authbench-${prefix}-`));
  });
  afterAll(async () => {
    await redis?.stop();
    await db?.drop();
    if (!outRoot) return;
    const problems = schemaProblemsBelow(outRoot);
    await fs.rm(outRoot, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`results written by this file break the published schemas:\n${problems.join('\n')}`);
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useRunServers: ${what} is not ready (use it inside a test or hook)`);
    return value;
  };
  return {
    get db() {
      return ready(db, 'db');
    },
    get redis() {
      return ready(redis, 'redis');
    },
    get outRoot() {
      return ready(outRoot, 'outRoot');
    },
    quietRunOptions(name, extra = {}) {
      return {
        target: { kind: 'external', pgUrl: ready(db, 'db').url, redisUrl: ready(redis, 'redis').url, allowNonEmpty: true },
        outDir: path.join(ready(outRoot, 'outRoot'), name),
        progress: silent,
        stdout: silent,
        reports: { html: false, junit: false, console: false },
        latenessBoundMs: 100,
        ...extra,
      };
    },
  };
}
