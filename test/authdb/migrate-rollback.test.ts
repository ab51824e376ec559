// A failed first migration on a cluster authbench has never seen leaves nothing behind: no `authbench` schema in the
// database and none of the cluster-wide roles it created. Needs its own PostgreSQL 17 (the shared one has the roles).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraCode, type InfrastructureError } from '../../src/errors.js';
import { initCluster, startServer, stopServer } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import { applyMigrations } from '../../src/target/migrate.js';

let home: string;
let pid: number | undefined;
let url: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-mig-rollback-'));
  await fs.chmod(home, 0o755);
  const password = randomBytes(12).toString('hex');
  await initCluster({ dataDir: path.join(home, 'data'), superuser: 'postgres', password });
  const port = await findFreePort();
  pid = (await startServer({ dataDir: path.join(home, 'data'), port, settings: { shared_preload_libraries: 'pg_stat_statements', max_connections: 20 } })).pid;
  url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
});

afterAll(async () => {
  if (pid !== undefined) await stopServer(pid);
  if (home) await fs.rm(home, { recursive: true, force: true });
});

describe('applyMigrations on a fresh cluster', () => {
  it('a failing migration keeps no authbench schema and drops the roles it created', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-sql-'));
    const real = await fs.readFile(new URL('../../sql/001_extensions_and_roles.sql', import.meta.url), 'utf8');
    await fs.writeFile(path.join(dir, '001_extensions_and_roles.sql'), real);
    await fs.writeFile(path.join(dir, '002_broken.sql'), 'SELECT no_such_function();');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const err = await applyMigrations(client, { dir }).catch((e: unknown) => e);
      expect((err as InfrastructureError).code).toBe(InfraCode.migrationFailed);
      expect((err as InfrastructureError).message).toContain('002_broken.sql');
      const left = await client.query<{ schemas: string[]; roles: string[] }>(
        "SELECT ARRAY(SELECT nspname::text FROM pg_namespace WHERE nspname IN ('authbench', 'auth') ORDER BY 1) AS schemas, " +
          "ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'authbench%' ORDER BY 1) AS roles",
      );
      expect(left.rows[0]).toEqual({ schemas: [], roles: [] });
      // The real migrations then apply from the start.
      expect((await applyMigrations(client)).skipped).toEqual([]);
    } finally {
      await client.end();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
