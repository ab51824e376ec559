// Starts one real PostgreSQL 17 (embedded binaries) for the whole test run and tears it down after.
// Tests get the superuser URL through vitest's inject('pgAdminUrl') and create their own databases.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { initCluster, startServer, stopServer } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import './provided-context.js';


export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-test-pg-'));
  await fs.chmod(dataDir, 0o755);
  const clusterDir = path.join(dataDir, 'data');
  const password = randomBytes(12).toString('hex');
  await initCluster({ dataDir: clusterDir, superuser: 'postgres', password });
  const port = await findFreePort();
  const server = await startServer({
    dataDir: clusterDir,
    port,
    settings: {
      max_connections: 1000,
      shared_buffers: '128MB',
      fsync: 'on',
      shared_preload_libraries: 'pg_stat_statements',
      track_io_timing: 'on',
      track_wal_io_timing: 'on',
    },
  });
  project.provide('pgAdminUrl', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await stopServer(server.pid);
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
