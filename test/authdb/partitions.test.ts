// Expiry plan: day partitions are created ahead, expired ones dropped, the default partitions catch the rest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropExpiredPartitions, ensurePartitions, resetIdentitySequences } from '../../src/authdb/maintenance.js';
import { finishLogin } from '../../src/authdb/queries.js';
import { openAuthDatabase, type AuthDatabase } from './auth-database.js';

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');

describe('partitions and sequences', () => {
  let authdb: AuthDatabase;
  beforeAll(async () => {
    authdb = await openAuthDatabase();
  });
  afterAll(async () => {
    await authdb?.close();
  });

  it('routes a new session and its event to today’s partitions', async () => {
    const userId = await authdb.createUser('routed', 'pw');
    const { jti } = await finishLogin(await authdb.appClient(), { userId, passwordOk: true });
    const s = await authdb.admin.query<{ p: string }>('SELECT tableoid::regclass::text AS p FROM auth.sessions WHERE jti = $1', [jti]);
    const e = await authdb.admin.query<{ p: string }>('SELECT tableoid::regclass::text AS p FROM auth.security_events WHERE session_jti = $1', [jti]);
    expect(s.rows[0]?.p).toBe(`auth.sessions_p${day(0)}`);
    expect(e.rows[0]?.p).toBe(`auth.security_events_p${day(0)}`);
  });

  it('creates upcoming partitions idempotently and drops only expired ones', async () => {
    expect(await ensurePartitions(authdb.admin)).toEqual([]); // the migrations already made yesterday to tomorrow
    const kept = await authdb.admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'auth.sessions'::regclass");
    expect(Number(kept.rows[0]?.n)).toBe(4); // yesterday, today, tomorrow and the default: few enough for fast-path locks
    const created = await ensurePartitions(authdb.admin, 10, 40);
    expect(created).toContain(`auth.sessions_p${day(10)}`);
    expect(created).toContain(`auth.security_events_p${day(-40)}`);
    const dropped = await dropExpiredPartitions(authdb.admin);
    // Defaults: sessions live at most 30 days, audit is kept 30 days; day -31 ends 30 days ago and is past both.
    expect(dropped).toContain(`auth.sessions_p${day(-40)}`);
    expect(dropped).toContain(`auth.security_events_p${day(-31)}`);
    expect(dropped).not.toContain(`auth.sessions_p${day(-29)}`);
    expect(dropped.some((n) => n.endsWith(day(0)))).toBe(false);
    expect(await dropExpiredPartitions(authdb.admin)).toEqual([]);
  });

  it('moves the identity sequence past COPYed explicit ids', async () => {
    await authdb.admin.query("INSERT INTO auth.users (id, username, email) VALUES (5000, 'explicit', 'explicit@example.test')");
    await resetIdentitySequences(authdb.admin);
    const { rows } = await authdb.admin.query<{ id: string }>("INSERT INTO auth.users (username, email) VALUES ('next', 'next@example.test') RETURNING id");
    expect(Number(rows[0]?.id)).toBe(5001);
  });
});
