// docker/compose.yaml's PgBouncer, checked without a Docker engine: the service and its image as YAML and text, its
// pooling settings equal to what target.pooler writes for the embedded target, its entrypoint's auth file, and its ini
// run by the same Debian pgbouncer in front of a real PostgreSQL, where the app role logs in with a password the ini
// never saw (auth_user + auth_query, SCRAM both ways).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { POOLER_POOL_SIZE } from '../../src/scenario/parse.js';
import { composePoolerIni, COMPOSE_POOLER, DOCKER_POOLER_AUTH_FILE, DOCKER_POOLER_POOL_SIZE } from '../../src/target/docker-pooler.js';
import { serverOsUser } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import { findPgbouncer, pgbouncerIni } from '../../src/target/pgbouncer.js';
import { prepareDatabase } from '../../src/target/prepare.js';
import { provisionTarget } from '../../src/target/provision.js';
import { teardownEmbedded } from '../../src/target/teardown.js';
import { pgClientConfig } from '../../src/target/tls.js';

const REPO = path.resolve(import.meta.dirname, '../..');

interface Service {
  build?: string;
  image?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  ulimits?: { nofile?: { soft: number; hard: number } };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(fs.readFileSync(path.join(REPO, 'docker/compose.yaml'), 'utf8')) as { services: Record<string, Service> };
const service = compose.services.pgbouncer!;
/** What `sh -c` receives after compose's own interpolation turns `$$` into `$`. */
const script = (service.command ?? []).join(' ').replace(/\$\$/g, '$');

/** An ini's `key = value` lines of one section. */
function section(ini: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  let current = '';
  for (const line of ini.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line.trim());
    if (header) current = header[1]!;
    else if (current === name && /^[a-z_]+ = ?/.test(line)) out.set(line.slice(0, line.indexOf(' =')), line.slice(line.indexOf('=') + 1).trim());
  }
  return out;
}

describe('PgBouncer in docker/compose.yaml', () => {
  it('is a service built from Debian\'s pgbouncer, on 127.0.0.1:6432, after PostgreSQL is healthy', () => {
    expect(service.build).toBe('./pgbouncer');
    expect(service.image).toBe('authbench-pgbouncer');
    expect(service.ports).toEqual(['127.0.0.1:6432:6432']);
    expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(service.ulimits?.nofile?.soft).toBeGreaterThanOrEqual(2000 + 40 + 32); // clients + pool + spare
    expect(service.environment?.POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}');
    const dockerfile = fs.readFileSync(path.join(REPO, 'docker/pgbouncer/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM debian:bookworm-slim$/m);
    expect(dockerfile).toContain('install -y --no-install-recommends pgbouncer');
    expect(dockerfile).toContain('COPY pgbouncer.ini /etc/authbench-pgbouncer/pgbouncer.ini');
    expect(dockerfile).toMatch(/^USER nobody$/m); // PgBouncer refuses to run as root
    expect(script).toContain('exec pgbouncer /etc/authbench-pgbouncer/pgbouncer.ini');
    const ini = fs.readFileSync(path.join(REPO, 'docker/pgbouncer/pgbouncer.ini'), 'utf8');
    expect(section(ini, 'databases').get('postgres')).toBe('host=postgres port=5432 dbname=postgres');
    expect(section(ini, 'pgbouncer').get('auth_file')).toBe(DOCKER_POOLER_AUTH_FILE);
  });

  it('pools as target.pooler does for the embedded target (mode, pool size, SCRAM, retries, logging)', () => {
    const embedded = section(pgbouncerIni({ dir: '/d', port: 1, server: { port: 2, database: 'authbench', socketDir: '/s' }, user: { name: 'authbench_app', password: 'x' }, poolSize: POOLER_POOL_SIZE.default, maxClients: 800 }, { authFile: 'a', logFile: 'l', pidFile: 'p' }), 'pgbouncer');
    const docker = section(fs.readFileSync(path.join(REPO, 'docker/pgbouncer/pgbouncer.ini'), 'utf8'), 'pgbouncer');
    expect(DOCKER_POOLER_POOL_SIZE).toBe(POOLER_POOL_SIZE.default);
    const shared = ['pool_mode', 'default_pool_size', 'min_pool_size', 'reserve_pool_size', 'auth_type', 'log_connections', 'log_disconnections', 'log_pooler_errors', 'server_login_retry', 'ignore_startup_parameters', 'unix_socket_dir'];
    for (const key of shared) expect(docker.get(key), key).toBe(embedded.get(key));
    expect(docker.get('pool_mode')).toBe('transaction');
    // Only what a container needs differently: all interfaces, a fixed client limit, the server's secrets, stderr logs.
    // and the stats user, who must be in the auth file (the admin console does not use auth_query).
    expect([...docker.keys()].filter((k) => !shared.includes(k)).sort()).toEqual(['auth_file', 'auth_user', 'listen_addr', 'listen_port', 'max_client_conn', 'stats_users']);
    expect(docker.get('stats_users')).toBe('postgres');
  });

  it('its entrypoint writes the auth file from POSTGRES_PASSWORD, quotes doubled, mode 600', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'authbench-compose-pooler-'));
    try {
      const file = path.join(dir, 'userlist.txt');
      const prelude = script.slice(0, script.indexOf(' && exec ')).replace(DOCKER_POOLER_AUTH_FILE, file);
      const run = spawnSync('sh', ['-c', prelude], { env: { PATH: process.env.PATH, POSTGRES_PASSWORD: 'pa"ss word' }, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(await fsp.readFile(file, 'utf8')).toBe('"postgres" "pa""ss word"\n');
      expect((await fsp.stat(file)).mode & 0o777).toBe(0o600);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  describe('its ini on the same pgbouncer, in front of a real PostgreSQL', () => {
    let home: string;
    beforeAll(async () => {
      home = await fsp.mkdtemp(path.join(os.tmpdir(), 'authbench-compose-pooler-'));
      await fsp.chmod(home, 0o755);
    });
    afterAll(async () => {
      await teardownEmbedded({ dataDir: home, purge: true });
      await fsp.rm(home, { recursive: true, force: true });
    });

    it('lets the app role in with the password the server has, not one the ini holds', async () => {
      const target = await provisionTarget({ kind: 'embedded', dataDir: home, tls: false });
      let bouncer: ChildProcess | undefined;
      const clients: pg.Client[] = [];
      try {
        await prepareDatabase(target);
        const superuser = new URL(target.pgUrl);
        const dir = path.join(home, 'compose-pooler');
        await fsp.mkdir(dir, { mode: 0o700 });
        const listenPort = await findFreePort();
        // The compose file's ini with this machine's addresses: the settings are the file's own.
        const ini = composePoolerIni({ ...COMPOSE_POOLER, host: '127.0.0.1', port: Number(superuser.port), database: 'authbench', listenAddr: '127.0.0.1', listenPort, authFile: path.join(dir, 'userlist.txt') });
        await fsp.writeFile(path.join(dir, 'pgbouncer.ini'), ini);
        await fsp.writeFile(path.join(dir, 'userlist.txt'), `"postgres" "${decodeURIComponent(superuser.password)}"\n`, { mode: 0o600 });
        const owner = serverOsUser();
        if (owner) for (const f of ['', 'pgbouncer.ini', 'userlist.txt']) await fsp.chown(path.join(dir, f), owner.uid, owner.gid);
        bouncer = spawn(findPgbouncer()!, [...(owner ? ['-u', 'postgres'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
        await waitForPort(listenPort);

        const app = new URL(target.appPgUrl!);
        app.port = String(listenPort);
        const client = new pg.Client({ ...pgClientConfig(app.toString()), application_name: 'authbench-compose-pooler-test', connectionTimeoutMillis: 10_000 });
        client.on('error', () => {});
        clients.push(client);
        await client.connect();
        // Through the pooler, to the server, as the app role: a lookup it may call.
        const row = await client.query<{ user: string; doc: unknown }>({ text: 'SELECT current_user AS user, auth.lookup_user_by_id($1) AS doc', values: ['1'] });
        expect(row.rows[0]?.user).toBe('authbench_app');
        expect(ini).not.toContain(target.appPassword!);
        // The stats user is the auth file's one user (the admin console does not use auth_query): it reads the counts.
        const adminUrl = new URL(app.toString());
        adminUrl.pathname = '/pgbouncer';
        adminUrl.username = 'postgres';
        adminUrl.password = superuser.password;
        const admin = new pg.Client({ ...pgClientConfig(adminUrl.toString()), application_name: 'authbench-compose-pooler-admin', connectionTimeoutMillis: 10_000 });
        admin.on('error', () => {});
        clients.push(admin);
        await admin.connect();
        const shown = await admin.query<{ database: string; application_name: string }>('SHOW CLIENTS');
        expect(shown.rows.filter((r) => r.application_name === 'authbench-compose-pooler-test').map((r) => r.database)).toEqual(['authbench']);

        const wrong = new URL(app.toString());
        wrong.password = 'not-the-password';
        const refused = new pg.Client({ ...pgClientConfig(wrong.toString()), application_name: 'authbench-compose-pooler-test', connectionTimeoutMillis: 10_000 });
        refused.on('error', () => {});
        clients.push(refused);
        await expect(refused.connect()).rejects.toThrow(/password authentication failed|SASL authentication failed/i);
      } finally {
        await Promise.all(clients.map((c) => c.end().catch(() => {})));
        bouncer?.kill('SIGTERM');
        if (bouncer && bouncer.exitCode === null) await new Promise((r) => bouncer!.once('exit', r));
        await target[Symbol.asyncDispose]();
      }
    }, 120_000);
  });
});

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pgbouncer did not listen on ${port}`);
}
