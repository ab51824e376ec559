// Seeding benchmark: starts a private embedded PostgreSQL 17, applies the schema and seeds datasets of the given
// sizes with production hash parameters, printing per-table times, users/s and total. `npx tsx bench/seed.ts --users 100000,1000000`
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { initCluster, startServer, stopServer } from '../src/target/embedded-postgres.js';
import { findFreePort } from '../src/target/free-port.js';
import { postgresSettings, resolveServerSettings } from '../src/target/settings.js';
import { seedDataset } from '../src/target/seed/seed-dataset.js';
import { applyMigrations } from '../src/target/migrate.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    // Extra server settings, e.g. --setting wal_level=minimal --setting max_wal_senders=0
    setting: { type: 'string', multiple: true, default: [] },
  },
});
const sizes = values.users.split(',').map((s) => Number(s.replace(/_/g, '')));

/** CPU seconds used so far by the server: live processes of its tree plus the ended backends it reaped. */
async function serverCpuSeconds(postmaster: number): Promise<number> {
  const ticks = 100; // USER_HZ on Linux
  const stats = new Map<number, { ppid: number; cpu: number; children: number }>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields.length < 15) continue;
    stats.set(Number(entry), { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) });
  }
  let total = stats.get(postmaster)?.children ?? 0;
  for (const [pid, st] of stats) {
    for (let p = pid; p > 1; p = stats.get(p)?.ppid ?? 0) {
      if (p === postmaster) {
        total += st.cpu;
        break;
      }
    }
  }
  return total / ticks;
}

async function applySchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await applyMigrations(client);
  } finally {
    await client.end();
  }
}

const home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-seed-bench-'));
await fs.chmod(home, 0o755);
const dataDir = path.join(home, 'data');
const password = randomBytes(12).toString('hex');
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
// Piped into `head`, a closed stdout must not kill the process before the server is stopped below.
process.stdout.on('error', () => undefined);
let pid: number | undefined;
try {
  await initCluster({ dataDir, superuser: 'postgres', password });
  const port = await findFreePort();
  const extra = Object.fromEntries(values.setting.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const settings = { ...postgresSettings(resolveServerSettings()), shared_preload_libraries: 'pg_stat_statements', ...extra };
  const server = await startServer({ dataDir, port, settings });
  pid = server.pid;
  const admin = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  console.log(`PostgreSQL 17 on port ${port}${values.setting.length ? ` (${values.setting.join(' ')})` : ''}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const users of sizes) {
    const db = `seed_bench_${users}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE ${db}`);
    await c.end();
    const url = admin.replace(/\/postgres$/, `/${db}`);
    await applySchema(url);
    const walAt = async (): Promise<string> => {
      const w = new pg.Client({ connectionString: url });
      await w.connect();
      try {
        return (await w.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
      } finally {
        await w.end();
      }
    };
    const wal0 = await walAt();
    const serverCpu0 = await serverCpuSeconds(pid);
    const nodeCpu0 = process.cpuUsage();
    const load0 = os.loadavg()[0]!;
    const report = await seedDataset(url, { users, seed: Number(values.seed) }, { signal: controller.signal });
    const nodeCpu = process.cpuUsage(nodeCpu0);
    const serverCpu = (await serverCpuSeconds(pid)) - serverCpu0;
    const walBytes = await (async () => {
      const w = new pg.Client({ connectionString: url });
      await w.connect();
      try {
        return Number((await w.query<{ n: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn) AS n', [wal0])).rows[0]!.n);
      } finally {
        await w.end();
      }
    })();
    console.log(`\n${users.toLocaleString('en')} users: ${(report.totalMs / 1000).toFixed(1)} s total, ${Math.round(users / (report.totalMs / 1000)).toLocaleString('en')} users/s`);
    console.log(
      `  CPU: node ${((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(1)} s + postgres ${serverCpu.toFixed(1)} s; ` +
        `load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} (other work shares these ${os.availableParallelism()} cores); WAL written ${(walBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    console.log(`  hash ${report.spec.passwordCount} passwords (m=${report.spec.hashParams.memoryKiB},t=${report.spec.hashParams.timeCost},p=${report.spec.hashParams.parallelism}): ${(report.hashMs / 1000).toFixed(2)} s`);
    for (const t of report.tables) {
      console.log(`  COPY ${(t.copiedInto + (t.frozen ? ' FREEZE' : '')).padEnd(30)} ${String(t.rows).padStart(9)} rows ${(t.durationMs / 1000).toFixed(2).padStart(6)} s  ${Math.round(t.rows / (t.durationMs / 1000)).toLocaleString('en').padStart(9)} rows/s`);
    }
    for (const st of report.indexSteps) console.log(`    ${(st.durationMs / 1000).toFixed(2).padStart(6)} s  ${st.statement.slice(0, 100)}`);
    console.log(`  keys, indexes, FKs, mask view: ${(report.indexMs / 1000).toFixed(2)} s; ANALYZE ${(report.analyzeMs / 1000).toFixed(2)} s`);
    const again = await seedDataset(url, { users, seed: Number(values.seed) }, { signal: controller.signal });
    console.log(`  re-run with the same spec: reused=${again.reused} in ${again.totalMs.toFixed(0)} ms`);
  }
} finally {
  if (pid !== undefined) await stopServer(pid);
  await fs.rm(home, { recursive: true, force: true });
}
