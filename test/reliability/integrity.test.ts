// Integrity under load, checked in SQL after real runs: every login attempt leaves exactly one audit event of the
// kind its answer says, every granted login exactly one session, and many connections hammering one account with
// wrong passwords lock it at exactly N failures — never N±k.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usernameForUser } from '../../src/dataset/identities.js';
import { userStatusOf } from '../../src/dataset/layout.js';
import { resolveDatasetSpec } from '../../src/dataset/spec.js';
import { createTestDatabase, startTestRedis, type TestDatabase, type TestRedis } from '../support/servers.js';
import { operation, runWithFault } from './run-under-fault.js';

const USERS = 400;
const DATASET_SEED = 21;

let db: TestDatabase;
let redis: TestRedis;
let sql: pg.Client;

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase('integrity'), startTestRedis()]);
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await redis?.stop();
  await db?.drop();
});

/** auth.login alone, without the rate limiter (a refused login never reaches the database, so leaves no event). */
function scenario(name: string, load: { rate: number; seconds: number; connections: number; workers: number }, user: string, wrongShare: string): string {
  return `
name: ${name}
description: login integrity
seed: 9
dataset:
  users: ${USERS}
  seed: ${DATASET_SEED}
load:
  model: open
  rate: ${load.rate}/s
  duration: ${load.seconds}s
  warmup: 0s
  connections: ${load.connections}
  workers: ${load.workers}
mix:
  - op: auth.login
    params:
      user: ${user}
    options:
      rateLimit: false
      wrongPasswordShare: ${wrongShare}
`;
}

const run = (yaml: string) => runWithFault(yaml, { pgUrl: db.url, redisUrl: redis.url }, async () => {}, 0);

async function eventCounts(userId?: string): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ event_type: string; n: string }>(
    `SELECT event_type, count(*) AS n FROM auth.security_events
      WHERE event_type LIKE 'login.%' AND ($1::bigint IS NULL OR user_id = $1::bigint) GROUP BY event_type`,
    [userId ?? null],
  );
  return Object.fromEntries(rows.map((r) => [r.event_type, Number(r.n)]));
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const keys = new Set([...Object.keys(after), ...Object.keys(before)]);
  return Object.fromEntries([...keys].map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, n]) => n !== 0));
}

describe('integrity under load', () => {
  it('concurrent wrong passwords on one account lock it at exactly N failures', async () => {
    const spec = resolveDatasetSpec({ users: USERS, seed: DATASET_SEED });
    const index = Array.from({ length: USERS }, (_, i) => i).find((i) => userStatusOf(spec, i) === 'active')!;
    // 16 connections on 4 threads, all on one account: up to 16 attempts wait on its credentials row at once.
    const { outcome } = await run(scenario('lockout', { rate: 400, seconds: 2, connections: 16, workers: 4 }, String(index + 1), '100%'));
    const login = operation(outcome.results, 'auth.login');
    expect(login.errors).toEqual({});
    const { rows } = await sql.query<{ id: string; max: number; failed_attempts: number; locked: boolean }>(
      `SELECT u.id::text AS id, s.max_failed_attempts AS max, c.failed_attempts, c.locked_until > now() AS locked
         FROM auth.users u JOIN auth.credentials c ON c.user_id = u.id, auth.settings s WHERE lower(u.username) = lower($1)`,
      [usernameForUser(spec.seed, index)],
    );
    const account = rows[0]!;
    const n = account.max;
    expect(n).toBe(5);
    expect(account.failed_attempts).toBe(n);
    expect(account.locked).toBe(true);
    expect(login.outcomes).toEqual({ denied: n, locked: login.count - n });
    const events = await eventCounts(account.id);
    expect(events).toEqual({ 'login.failure': n - 1, 'login.lockout': 1, 'login.rejected_locked': login.count - n });
    console.log(`lockout: ${login.count} concurrent wrong-password logins on one account → exactly ${n} counted, 1 lockout`);
  }, 60_000);

  it('every login attempt leaves exactly one audit event of its kind, every granted login one session', async () => {
    const eventsBefore = await eventCounts();
    // Sessions issued from now on: counting all rows would also see the run's partition upkeep drop expired seeded ones.
    const since = (await sql.query<{ t: Date }>('SELECT clock_timestamp() AS t')).rows[0]!.t;
    const { outcome } = await run(scenario('audit', { rate: 250, seconds: 3, connections: 12, workers: 2 }, `uniform(1, ${USERS})`, '30%'));
    const login = operation(outcome.results, 'auth.login');
    expect(login.errors).toEqual({});
    const o = login.outcomes;
    const events = delta(await eventCounts(), eventsBefore);
    const total = Object.values(events).reduce((a, b) => a + b, 0);
    expect(total).toBe(login.count);
    expect(events['login.success'] ?? 0).toBe(o.granted ?? 0);
    expect((events['login.failure'] ?? 0) + (events['login.lockout'] ?? 0)).toBe(o.denied ?? 0);
    expect(events['login.rejected_locked'] ?? 0).toBe(o.locked ?? 0);
    expect(events['login.rejected_disabled'] ?? 0).toBe(o.disabled ?? 0);
    expect(events['login.unknown_user'] ?? 0).toBe(0);
    const issued = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM auth.sessions WHERE issued_at >= $1', [since])).rows[0]!.n);
    expect(issued).toBe(o.granted);
    expect(o.granted).toBeGreaterThan(300);
    console.log(`audit: ${login.count} logins → ${total} events ${JSON.stringify(events)}; ${issued} sessions for ${o.granted} granted`);
  }, 60_000);
});
