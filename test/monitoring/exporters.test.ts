// The metrics alerts.yml reads exist: Debian's postgres_exporter (with docker/monitoring's custom queries) against a
// real PostgreSQL 17 holding the auth schema, and redis_exporter against a real redis-server, each scraped once.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findFreePort } from '../../src/target/free-port.js';
import { openAuthDatabase, type AuthDatabase } from '../authdb/auth-database.js';
import { startTestRedis, type TestRedis } from '../support/servers.js';

const DIR = path.resolve('docker/monitoring');
let auth: AuthDatabase;
let redis: TestRedis;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [auth, redis] = await Promise.all([openAuthDatabase(), startTestRedis()]);
});
afterAll(async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }),
  );
  await redis?.stop();
  await auth?.close();
});

/** Starts an exporter on a free port and returns its /metrics text once it answers. */
async function scrape(bin: string, args: (port: number) => string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const port = await findFreePort();
  const child = spawn(bin, args(port), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => (r.ok ? r.text() : ''), () => '');
    if (text !== '') return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${bin} did not answer: ${stderr}`);
}

/** A sample's value by metric name and (optionally) a label, from the text format. */
function valueOf(text: string, name: string, label = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{') && l.includes(label));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Every metric name the alert expressions use. */
async function metricsInRules(): Promise<string[]> {
  const rules = parse(await fs.readFile(path.join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  const names = rules.groups.flatMap((g) => g.rules.flatMap((r) => [...r.expr.matchAll(/\b(authdb_\w+|pg_up|redis_\w+)\b/g)].map((m) => m[1]!)));
  return [...new Set(names)].sort();
}

describe('exporters behind alerts.yml (real PostgreSQL 17 and redis-server)', () => {
  it('expose every metric the rules read, with values read from the servers', async () => {
    // One login call, so pg_stat_statements has a row for the login query to find.
    const app = await auth.appClient();
    await app.query("SELECT * FROM auth.begin_login('nobody-here')");
    const url = new URL(auth.db.url);
    url.searchParams.set('sslmode', 'disable');
    const postgres = await scrape('/usr/bin/prometheus-postgres-exporter', (port) => [`--web.listen-address=127.0.0.1:${port}`, `--extend.query-path=${path.join(DIR, 'postgres-exporter-queries.yaml')}`, '--log.level=error'], {
      DATA_SOURCE_NAME: url.toString(),
    });
    const redisText = await scrape('/usr/bin/prometheus-redis-exporter', (port) => ['-web.listen-address', `127.0.0.1:${port}`, '-redis.addr', redis.url]);

    const missing = (await metricsInRules()).filter((name) => valueOf(postgres, name) === undefined && valueOf(redisText, name) === undefined);
    expect(missing, `not exposed: ${missing.join(', ')}\n${postgres.split('\n').filter((l) => l.includes('authdb') || l.includes('error')).join('\n')}`).toEqual([]);

    const admin = new pg.Client({ connectionString: auth.db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ max: string }>("SELECT current_setting('max_connections') AS max");
      expect(valueOf(postgres, 'authdb_connections_max')).toBe(Number(rows[0]!.max));
    } finally {
      await admin.end();
    }
    expect(valueOf(postgres, 'pg_up')).toBe(1);
    // The one call made above; the migration's CREATE FUNCTION statements are not calls.
    expect(valueOf(postgres, 'authdb_login_statements_calls', 'function="begin_login"')).toBe(1);
    expect(valueOf(postgres, 'authdb_login_statements_calls', 'function="finish_login"')).toBeUndefined();
    expect(valueOf(postgres, 'authdb_audit_lockouts_5m')).toBe(0);
    expect(valueOf(redisText, 'redis_up')).toBe(1);
    expect(valueOf(redisText, 'redis_memory_used_bytes')).toBeGreaterThan(0);
  });
});
