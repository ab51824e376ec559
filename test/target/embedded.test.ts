// The embedded target against real servers: one cluster directory for the whole file (initdb once), so the
// later tests also prove reuse. Each test that starts servers checks their pids are gone afterwards.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/authdb/redis/connect.js';
import { InfraCode } from '../../src/errors.js';
import { provisionTarget } from '../../src/target/provision.js';
import { pendingCleanups } from '../../src/target/shutdown.js';
import { isAlive, readState } from '../../src/target/state.js';
import { teardownEmbedded } from '../../src/target/teardown.js';

const cli = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
};

let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-embedded-'));
  await fs.chmod(home, 0o755);
});

afterAll(async () => {
  await teardownEmbedded({ dataDir: home, purge: true });
  await fs.rm(home, { recursive: true, force: true });
});

describe('embedded target', () => {
  it('starts PostgreSQL 17 + redis-server, tuned, and stops both on dispose (tls: false: plaintext and the Unix sockets; TLS is embedded-tls.test.ts)', async () => {
    const started = performance.now();
    const target = await provisionTarget({ kind: 'embedded', dataDir: home, tls: false });
    const provisionMs = performance.now() - started;
    const state = await readState(home);
    const pids = [state?.running?.postgres.pid ?? -1, state?.running?.redis.pid ?? -1];
    try {
      expect(target).toMatchObject({ kind: 'embedded', started: true });
      expect(target.serverVersion).toMatch(/^17\./);
      expect(target.settings).toMatchObject({ max_connections: '1000', synchronous_commit: 'on', shared_preload_libraries: 'pg_stat_statements', track_io_timing: 'on' });
      expect(target.appPgUrl).toMatch(/^postgres:\/\/authbench_app:/);
      expect(pids.every(isAlive)).toBe(true);
      expect(state?.running?.ownerPid).toBe(process.pid);
      expect((await fs.stat(path.join(home, 'state.json'))).mode & 0o777).toBe(0o600);
      expect(pendingCleanups()).toBe(1);

      const client = new pg.Client({ connectionString: target.pgUrl });
      await client.connect();
      const row = await client.query<{ v: string; db: string }>("SELECT current_setting('server_version_num') AS v, current_database() AS db");
      await client.end();
      expect(Number(row.rows[0]?.v)).toBeGreaterThanOrEqual(170000);
      expect(row.rows[0]?.db).toBe('authbench');

      const redis = new Redis(target.redisUrl);
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.config('GET', 'maxclients')).toEqual(['maxclients', '10000']);
      expect(await redis.config('GET', 'save')).toEqual(['save', '']);
      redis.disconnect();

      // The load workers' URLs: the same servers over their Unix-domain sockets.
      expect(target.local?.appPgUrl).toContain(`host=${encodeURIComponent(path.join(home, 'pg17'))}`);
      // (authbench_app gets its password with the migrations, so the admin role proves the socket here.)
      const adminOverSocket = new URL(target.pgUrl);
      adminOverSocket.searchParams.set('host', new URL(target.local!.appPgUrl!).searchParams.get('host')!);
      expect(target.local?.pgUrl).toBe(adminOverSocket.toString()); // what a plan without the schema connects with
      const overSocket = new pg.Client({ connectionString: adminOverSocket.toString() });
      await overSocket.connect();
      const peer = await overSocket.query<{ addr: string | null }>('SELECT inet_client_addr() AS addr');
      await overSocket.end();
      expect(peer.rows[0]).toEqual({ addr: null }); // no client address: not TCP
      expect(target.local?.redisUrl).toBe(`unix://${path.join(home, 'redis', 'redis.sock')}`);
      const redisOverSocket = await connectRedis(target.local!.redisUrl!);
      expect(await redisOverSocket.ping()).toBe('PONG');
      expect(await redisOverSocket.client('INFO')).toMatch(/laddr=\S*redis\.sock/);
      redisOverSocket.disconnect();
    } finally {
      await target[Symbol.asyncDispose]();
    }
    expect(pids.some(isAlive)).toBe(false);
    expect((await readState(home))?.running).toBeUndefined();
    expect(pendingCleanups()).toBe(0);
    console.log(`embedded provision with initdb: ${provisionMs.toFixed(0)} ms`);
  });

  it('provision (CLI) reuses the initialised cluster, keeps it running, prints only redacted URLs; env/teardown', async () => {
    const before = await readState(home);
    const pgVersionMtime = (await fs.stat(path.join(home, 'pg17', 'PG_VERSION'))).mtimeMs;

    const first = cli(['provision', '--data-dir', home]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/Started PostgreSQL 17\.\d+/);
    const state = await readState(home);
    expect(state?.superuserPassword).toBe(before?.superuserPassword); // not re-initialised
    expect((await fs.stat(path.join(home, 'pg17', 'PG_VERSION'))).mtimeMs).toBe(pgVersionMtime);
    expect(state?.running?.detached).toBe(true);
    expect(first.stdout).not.toContain(state?.superuserPassword);
    expect(first.stdout).not.toContain(state?.appPassword);
    expect(first.stdout).toContain('postgres://postgres:***@127.0.0.1:');
    const pids = [state?.running?.postgres.pid ?? -1, state?.running?.redis.pid ?? -1];
    expect(pids.every(isAlive)).toBe(true); // the CLI process has exited; the servers stay

    // A later provision (as `authbench run` does) reuses the running servers and does not own them.
    const reused = await provisionTarget({ kind: 'embedded', dataDir: home });
    expect(reused.started).toBe(false);
    expect(reused.pgUrl).toBe(state?.running?.pgUrl);
    await reused[Symbol.asyncDispose]();
    expect(pids.every(isAlive)).toBe(true);

    const env = cli(['env', '--data-dir', home]);
    expect(env.status).toBe(0);
    expect(env.stdout).toContain(`export DATABASE_URL='${state?.running?.pgUrl}'`);

    const down = cli(['teardown', '--data-dir', home]);
    expect(down.status).toBe(0);
    expect(down.stdout).toMatch(/Stopped redis-server \(pid \d+\), postgres \(pid \d+\)\./);
    expect(pids.some(isAlive)).toBe(false);
    expect((await readState(home))?.running).toBeUndefined();
  });

  it('Ctrl-C (SIGINT to authbench only) stops both servers: no orphans, exit 130', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/target/fixtures/hold-target.ts', home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pids = await new Promise<{ postgres: number; redis: number }>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { postgres: number; redis: number }));
      child.once('exit', () => reject(new Error(`fixture exited early: ${stderr}`)));
    });
    expect(isAlive(pids.postgres) && isAlive(pids.redis)).toBe(true);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('SIGINT received, stopping PostgreSQL');
    expect(isAlive(pids.postgres) || isAlive(pids.redis)).toBe(false);
  });

  it('refuses a port that is in use, naming the flag', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(provisionTarget({ kind: 'embedded', dataDir: home, pgPort: port })).rejects.toMatchObject({
        code: InfraCode.portInUse,
        exitCode: 3,
        message: expect.stringContaining(`Port ${port} (--pg-port) is already in use`),
      });
    } finally {
      server.close();
    }
  });

  it('reports a missing redis-server with the install command', async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await provisionTarget({ kind: 'embedded', dataDir: home }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: InfraCode.redisMissing, exitCode: 3 });
      expect((err as { toUserText(): string }).toUserText()).toContain('apt-get install -y redis-server');
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
