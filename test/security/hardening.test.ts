// Issue 10, part B, as one table: every hardening case through the built CLI (`npm run build` first) against real
// servers (the shared PostgreSQL 17, a private redis-server, and a TCP server that accepts and never answers),
// each with its exact exit code, its message, a time limit, and no secret in any output or file.
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtCli } from '../support/cli.js';
import { createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from '../support/servers.js';
import { ALL_CASES, runCase, scenarioText, SECRET, type CaseContext, type HardeningCase } from './hardening-cases.js';

let redis: TestRedis;
let dead: net.Server;
let deadPort: number;
let root: string;
const databases: TestDatabase[] = [];
const silentSockets = new Set<net.Socket>();

beforeAll(async () => {
  await fs.access(new URL('../../dist/cli/main.js', import.meta.url)).catch(() => {
    throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  });
  redis = await startTestRedis();
  // A dead server: accepts every connection, reads nothing back, never answers.
  dead = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  deadPort = (dead.address() as net.AddressInfo).port;
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-harden-'));
  // As root PostgreSQL runs as `postgres`, which must be able to enter the embedded target's data directory.
  await fs.chmod(root, 0o755);
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => dead?.close(resolve));
  await redis?.stop();
  await Promise.all(databases.map((d) => d.drop()));
  if (root) await fs.rm(root, { recursive: true, force: true });
});

async function contextFor(name: string): Promise<CaseContext> {
  const db = await createTestDatabase('harden');
  databases.push(db);
  const dir = await fs.mkdtemp(path.join(root, `${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-`));
  await fs.chmod(dir, 0o755);
  const scenario = path.join(dir, 'hardening.yaml');
  await fs.writeFile(scenario, scenarioText());
  return {
    dir,
    scenario,
    pgUrl: db.url,
    redisUrl: redis.url,
    redisPort: redis.port,
    deadPort,
    sql: async (text) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        await client.query(text);
      } finally {
        await client.end();
      }
    },
  };
}

describe('hardening (issue 10, part B) through the built CLI', () => {
  it.each(ALL_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c: HardeningCase) => {
    await runCase(c, await contextFor(c.name));
  }, 60_000);

  it('--allow-unsafe-settings runs fsync: false, and every report marks the run non-durable', async () => {
    const ctx = await contextFor('non-durable');
    const c: HardeningCase = {
      name: 'fsync: false with --allow-unsafe-settings',
      target: () => 'target: { kind: embedded, serverSettings: { fsync: false } }',
      args: (x) => ['run', x.scenario, '--allow-unsafe-settings', '--data-dir', path.join(x.dir, '.authbench'), '--out', path.join(x.dir, 'out')],
      exit: 0,
      stderr: [],
      timeoutMs: 120_000,
    };
    const out = await runCase(c, ctx);
    expect(out.stdout).toMatch(/PASS — .*NON-DURABLE server \(fsync=off\)/);
    const results = JSON.parse(out.files[path.join('out', 'results.json')] ?? '{}') as { target?: { nonDurable?: string[]; settings?: Record<string, string> } };
    expect(results.target?.settings?.fsync).toBe('off');
    expect(results.target?.nonDurable).toEqual(['fsync=off']);
    expect(out.files[path.join('out', 'junit.xml')]).toMatch(/name="durability" value="non-durable: fsync=off"/);
    expect(out.files[path.join('out', 'report.html')]).toMatch(/NON-DURABLE server \(fsync=off\)/);
  }, 180_000);

  it('port: 1 with --allow-unsafe-settings is a clear start failure, not "port in use"', async () => {
    const ctx = await contextFor('port-1');
    await runCase(
      {
        name: 'port: 1 with --allow-unsafe-settings',
        target: () => 'target: { kind: embedded, serverSettings: { port: 1 } }',
        args: (x) => ['run', x.scenario, '--allow-unsafe-settings', '--data-dir', path.join(x.dir, '.authbench'), '--out', path.join(x.dir, 'out')],
        exit: 3,
        stderr: [/PostgreSQL could not listen: could not (bind|create listen socket)/, /AB_ERR_PG_START/],
        timeoutMs: 120_000,
        check: (out) => expect(out.stderr).not.toMatch(/already in use|AB_ERR_PORT_IN_USE/),
      },
      ctx,
    );
  }, 180_000);

  it('a default run is durable and says nothing of it', async () => {
    const ctx = await contextFor('durable');
    const out = await runCase({ name: 'durable external run', args: (x) => ['run', x.scenario, '--pg-url', x.pgUrl, '--redis-url', x.redisUrl, '--out', path.join(x.dir, 'out')], exit: 0, stderr: [], timeoutMs: 60_000 }, ctx);
    expect(out.stdout).not.toMatch(/NON-DURABLE/);
    expect(out.files[path.join('out', 'junit.xml')]).toMatch(/name="durability" value="durable"/);
  }, 90_000);

  it('authbench seed --force re-seeds a dataset whose fingerprint matches; without it the dataset is reused', async () => {
    const ctx = await contextFor('seed-force');
    const seed = (...more: string[]): string[] => [
      'seed', '--target', 'external', '--pg-url', ctx.pgUrl, '--redis-url', ctx.redisUrl, '--users', '20', '--password-count', '2',
      '--hash-memory-kib', '8', '--hash-time-cost', '1', '--data-dir', path.join(ctx.dir, '.authbench'), ...more,
    ];
    const first = await builtCli(seed(), { cwd: ctx.dir, timeoutMs: 60_000 });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Seeded 20 users/);
    const reused = await builtCli(seed(), { cwd: ctx.dir, timeoutMs: 60_000 });
    expect(reused.stdout).toMatch(/^Dataset already loaded/);
    const forced = await builtCli(seed('--force'), { cwd: ctx.dir, timeoutMs: 60_000 });
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^Seeded 20 users/);
    for (const r of [first, reused, forced]) expect(`${r.stdout}${r.stderr}`).not.toContain(SECRET);
  }, 120_000);
});
