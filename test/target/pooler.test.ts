// target.pooler: pgbouncer against a real PgBouncer (Debian's 1.18) in front of the embedded PostgreSQL: a run through
// it passes with unnamed statements and reports client connections at the pooler beside the server backends; PgBouncer
// reaches PostgreSQL on its Unix socket (no TLS there) while its clients keep TLS; named
// statements through transaction pooling break (why the unnamed mode exists); bad settings and a missing binary fail
// before any load with their exit codes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { PreparedStatement, useUnnamedStatements } from '../../src/authdb/prepared-statement.js';
import { renderConsole } from '../../src/report/console.js';
import { renderHtml } from '../../src/report/html.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { prepareTarget, targetSpecOf } from '../../src/run/target-stage.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { prepareDatabase } from '../../src/target/prepare.js';
import { provisionTarget } from '../../src/target/provision.js';
import { teardownEmbedded } from '../../src/target/teardown.js';
import { startPgbouncer, stopPgbouncer } from '../../src/target/pgbouncer.js';
import { poolerSocketDir } from '../../src/target/pooler.js';
import { ensureServerCertificates } from '../../src/target/certificates.js';
import { runDoctor } from '../../src/target/doctor.js';
import { findFreePort } from '../../src/target/free-port.js';
import { pgClientConfig } from '../../src/target/tls.js';
import { isRunning } from '../../src/target/process-alive.js';
import { cli } from '../support/cli.js';
import { schemaProblems } from '../support/results-schema.js';

let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-pooler-'));
  await fs.chmod(home, 0o755);
});

afterAll(async () => {
  await teardownEmbedded({ dataDir: home, purge: true });
  await fs.rm(home, { recursive: true, force: true });
});

const quiet = { write: () => true };

describe('target.pooler: pgbouncer', () => {
  it('runs connections-750-pooled.yaml (shortened) through PgBouncer with unnamed statements, counting clients at the pooler and backends at the server', async () => {
    // The shipped file's target, mix and options; its size turned down and its own (countable) run thresholds.
    const doc = parseDocument(await fs.readFile(path.resolve(import.meta.dirname, '../../scenarios/connections-750-pooled.yaml'), 'utf8'));
    doc.setIn(['target', 'poolerPoolSize'], 3);
    doc.setIn(['dataset', 'users'], 300);
    // Think time cut so each VU requests within every sampling window even on a loaded CI machine.
    for (const [key, value] of [['vus', 12], ['thinkTime', '20ms..100ms'], ['duration', '2s'], ['warmup', '1s'], ['workers', 1]] as const) doc.setIn(['load', key], value);
    doc.set('thresholds', { run: ['connections(client) >= 10', 'connections <= 3', 'errors < 1%'] });
    const plan = parseScenario(doc.toString(), 'connections-750-pooled.yaml');
    const { results, exitCode } = await runBenchmark(plan, {
      outDir: path.join(home, 'out'),
      progress: quiet,
      stdout: quiet,
      reports: { html: false, junit: false, console: false },
      latenessBoundMs: 1000,
      target: { dataDir: home },
    });
    expect(schemaProblems('results', results)).toEqual([]);
    expect(results.target.workerTransport?.postgres).toBe('pgbouncer');
    for (const op of results.operations) expect(op.errors, op.key).toEqual({});
    for (const op of ['session.validate', 'user.lookup', 'auth.login']) expect(results.operations.find((o) => o.key === op)?.count, op).toBeGreaterThan(0);
    expect(results.operations.find((o) => o.key === 'user.lookup')?.outcomes.found).toBeGreaterThan(0);
    const pooler = results.server?.pooler;
    expect(pooler).toMatchObject({ kind: 'pgbouncer', poolSize: 3, mode: 'transaction', serverTransport: 'unix-socket' });
    // Twelve VUs, each its own client connection, working every second; three backends serve them.
    expect(pooler?.clientConnectionsPeak).toBeGreaterThanOrEqual(10);
    expect(pooler?.clientConnectionsPeak).toBeLessThanOrEqual(12);
    expect(pooler?.serverConnectionsPeak).toBeGreaterThan(0);
    expect(pooler?.serverConnectionsPeak).toBeLessThanOrEqual(3);
    expect(Math.max(...results.intervals.filter((p) => !p.warmup).map((p) => p.poolerClients ?? 0))).toBe(pooler?.clientConnectionsPeak);
    expect(results.server?.connectionsPeak).toBeGreaterThan(0);
    expect(results.server?.connectionsPeak).toBeLessThanOrEqual(3);
    expect(results.thresholds.map((t) => [t.source, t.status])).toEqual([
      ['connections(client) >= 10', 'PASS'],
      ['connections <= 3', 'PASS'],
      ['errors < 1%', 'PASS'],
    ]);
    expect(exitCode).toBe(results.generator.valid ? 0 : 4);
    expect(renderConsole(results)).toContain(`Connections: ${pooler?.clientConnectionsPeak} client connections at pgbouncer (peak; transaction pooling, pool 3`);
    expect(renderConsole(results)).toContain("server backends (peak; the pooler held");
    expect(renderConsole(results)).toContain("on PostgreSQL's Unix socket)");
    expect(renderHtml(results)).toContain('pgbouncer clients peak');
    // Stopped with the other servers: nothing of it is left.
    expect(spawnSync('pgrep', ['-f', path.join(home, 'pgbouncer', 'pgbouncer.ini')]).status).toBe(1);
  }, 180_000);

  it('breaks named statements (Parse once per connection) and keeps unnamed ones working', async () => {
    // One backend behind the pooler: whichever client comes gets it, with the statements other clients parsed on it.
    const target = await provisionTarget({ kind: 'embedded', dataDir: home, pooler: { kind: 'pgbouncer', poolSize: 1, maxClients: 10 } });
    const clients: pg.Client[] = [];
    const connect = async (unnamed: boolean): Promise<pg.Client> => {
      const client = new pg.Client({ ...pgClientConfig(target.pooler!.appPgUrl), application_name: 'authbench-pooler-test' });
      if (unnamed) useUnnamedStatements(client);
      client.on('error', () => {});
      await client.connect();
      clients.push(client);
      return client;
    };
    try {
      await prepareDatabase(target); // sets authbench_app's password, which the pooler logs in with
      const statement = new PreparedStatement('pooler_test_next', 'SELECT $1::int + 1', 1);
      const [a, b] = [await connect(false), await connect(false)];
      expect(await statement.firstRow(a, [1])).toEqual(['2']);
      // b never parsed it, so it sends Parse: the shared backend has it already (a's), and refuses.
      await expect(statement.firstRow(b, [1])).rejects.toMatchObject({ code: '42P05' });

      const [c, d] = [await connect(true), await connect(true)];
      for (let i = 0; i < 3; i++) {
        expect(await statement.firstRow(c, [i])).toEqual([String(i + 1)]);
        expect(await statement.firstRow(d, [i])).toEqual([String(i + 1)]);
      }
      const pid = target.pooler!.pid;
      expect(isRunning(pid)).toBe(true);
      await Promise.all(clients.map((cl) => cl.end().catch(() => {})));
      await target[Symbol.asyncDispose]();
      expect(isRunning(pid)).toBe(false);
    } finally {
      await Promise.all(clients.map((cl) => cl.end().catch(() => {})));
      await target[Symbol.asyncDispose]();
    }
  }, 120_000);

  it("reaches PostgreSQL on its Unix socket without TLS, while clients still need TLS to reach PgBouncer", async () => {
    const target = await provisionTarget({ kind: 'embedded', dataDir: home, pooler: { kind: 'pgbouncer', poolSize: 2, maxClients: 10 } });
    const clients: pg.Client[] = [];
    const connect = async (url: string, name = 'authbench-pooler-socket-test'): Promise<pg.Client> => {
      const client = new pg.Client({ ...pgClientConfig(url), application_name: name });
      useUnnamedStatements(client);
      client.on('error', () => {});
      clients.push(client);
      await client.connect();
      return client;
    };
    try {
      await prepareDatabase(target);
      expect(target.pooler?.serverTransport).toBe('unix-socket');
      expect(target.pgSocketDir).toBeDefined();
      expect(poolerSocketDir(target)).toBe(target.pgSocketDir);
      const ini = await fs.readFile(path.join(home, 'pgbouncer', 'pgbouncer.ini'), 'utf8');
      expect(ini).toContain(`host=${target.pgSocketDir} `);
      expect(ini).not.toContain('server_tls_sslmode');

      // Two clients, each holding a transaction, so PgBouncer opens both of its backends.
      const [a, b] = [await connect(target.pooler!.appPgUrl), await connect(target.pooler!.appPgUrl)];
      await a.query('BEGIN');
      await b.query('BEGIN');
      for (const c of [a, b]) {
        // The backend's own view: no client address on a Unix socket, and no TLS on it.
        const own = await c.query<{ addr: string | null; ssl: boolean }>('SELECT inet_client_addr() AS addr, s.ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()');
        expect(own.rows).toEqual([{ addr: null, ssl: false }]);
      }
      const admin = new pg.Client(pgClientConfig(target.pgUrl));
      await admin.connect();
      try {
        const backends = await admin.query<{ client_addr: string | null; ssl: boolean }>(
          "SELECT a.client_addr, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'authbench_app' AND a.backend_type = 'client backend'",
        );
        expect(backends.rows.length).toBe(2);
        for (const row of backends.rows) expect(row).toEqual({ client_addr: null, ssl: false });
      } finally {
        await admin.end();
      }
      await a.query('COMMIT');
      await b.query('COMMIT');

      // The client hop is still TLS: PgBouncer lists the clients' TLS, and a plaintext client is refused.
      const console = await connect(target.pooler!.adminUrl, 'authbench-pooler-socket-admin');
      const shown = await console.query<{ application_name: string; tls: string }>('SHOW CLIENTS');
      const ours = shown.rows.filter((r) => r.application_name === 'authbench-pooler-socket-test');
      expect(ours.length).toBe(2);
      for (const r of ours) expect(r.tls).toMatch(/TLSv1\.[23]/);
      const plain = new URL(target.pooler!.appPgUrl);
      plain.searchParams.delete('sslrootcert');
      plain.searchParams.set('sslmode', 'disable');
      await expect(connect(plain.toString())).rejects.toThrow(/SSL required/i);
    } finally {
      await Promise.all(clients.map((cl) => cl.end().catch(() => {})));
      await target[Symbol.asyncDispose]();
    }
  }, 120_000);

  it('keeps TCP + TLS (verify-full) to a PostgreSQL named by host and port, for a server that is not on a local socket', async () => {
    const target = await provisionTarget({ kind: 'embedded', dataDir: home });
    const dir = path.join(home, 'pgbouncer-tcp');
    let pid: number | undefined;
    const clients: pg.Client[] = [];
    try {
      await prepareDatabase(target);
      const pgUrl = new URL(target.appPgUrl!);
      const tls = await ensureServerCertificates(home);
      const port = await findFreePort();
      const running = await startPgbouncer({ dir, port, server: { port: Number(pgUrl.port), database: 'authbench' }, user: { name: 'authbench_app', password: target.appPassword! }, poolSize: 1, maxClients: 5, tls });
      pid = running.pid;
      expect(await fs.readFile(path.join(dir, 'pgbouncer.ini'), 'utf8')).toContain('server_tls_sslmode = verify-full');
      const through = new URL(target.appPgUrl!);
      through.port = String(port);
      const client = new pg.Client({ ...pgClientConfig(through.toString()), application_name: 'authbench-pooler-tcp-test' });
      useUnnamedStatements(client);
      client.on('error', () => {});
      clients.push(client);
      await client.connect();
      const own = await client.query<{ addr: string | null; ssl: boolean }>('SELECT host(inet_client_addr()) AS addr, s.ssl FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()');
      expect(own.rows).toEqual([{ addr: '127.0.0.1', ssl: true }]);
    } finally {
      await Promise.all(clients.map((cl) => cl.end().catch(() => {})));
      if (pid !== undefined) await stopPgbouncer(pid);
      await target[Symbol.asyncDispose]();
    }
  }, 120_000);

  it('refuses bad pooler settings with file:line before anything starts (exit 2)', async () => {
    const file = path.join(home, 'bad-pooler.yaml');
    await fs.writeFile(file, 'target:\n  kind: embedded\n  pooler: pgbounce\n  poolerPoolSize: 0\nload: { rate: 10/s, duration: 1s }\nmix: [ { op: user.lookup } ]\n');
    const out = await cli(['run', file, '--data-dir', home]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain(`${file}:3 target.pooler: expected pgbouncer, got "pgbounce"`);
    expect(out.stderr).toContain(`${file}:4 target.poolerPoolSize: must be from 1 to 1000, got 0`);
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 60_000);

  it('names the install command when pgbouncer is missing (exit 3)', async () => {
    const file = path.join(home, 'pooled-missing.yaml');
    await fs.writeFile(file, 'target: { pooler: pgbouncer }\nload: { rate: 10/s, duration: 1s }\nmix: [ { op: user.lookup } ]\n');
    const out = await cli(['run', file, '--data-dir', home], { PATH: '/nonexistent' });
    expect(out.status).toBe(3);
    expect(out.stderr).toContain('pgbouncer was not found on PATH');
    expect(out.stderr).toContain('apt-get install -y pgbouncer');
    expect(out.stderr).toContain('authbench doctor --install');
  }, 60_000);

  it('teardown stops a pgbouncer a killed run left behind (found by its pidfile)', async () => {
    const left = await startPgbouncer({ dir: path.join(home, 'pgbouncer'), port: await findFreePort(), server: { port: 1, database: 'authbench' }, user: { name: 'authbench_app', password: 'x' }, poolSize: 1, maxClients: 5 });
    expect(isRunning(left.pid)).toBe(true);
    const result = await teardownEmbedded({ dataDir: home });
    expect(result.stopped).toContainEqual({ name: 'pgbouncer', pid: left.pid });
    expect(isRunning(left.pid)).toBe(false);
  }, 60_000);

  it('authbench doctor lists pgbouncer (optional for every target kind; installable with --install)', async () => {
    const report = await runDoctor({ env: {} });
    const check = report.checks.find((c) => c.name === 'pgbouncer');
    expect(check).toMatchObject({ ok: true, neededBy: [] });
    expect(check?.detail).toMatch(/PgBouncer 1\.\d+/);
  }, 60_000);

  it('refuses a pooler for a mix that only runs as the admin role (it would go around the pooler)', async () => {
    const plan = parseScenario('target: { pooler: pgbouncer }\nload: { rate: 10/s, duration: 1s }\nmix: [ { op: sql, options: { query: SELECT 1 } } ]\n', 'sql-pooled.yaml');
    const err = await prepareTarget(plan, targetSpecOf(plan, { dataDir: home }), { log: () => {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 2 });
    expect((err as Error).message).toContain('no operation of this mix uses it');
  });
});
