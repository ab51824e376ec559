// Login, lockout and session lifecycle through the typed client, as the application role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { verify } from '@node-rs/argon2';
import { beginLogin, finishLogin, refreshSession, revokeAllSessions, revokeSession, validateSession } from '../../src/authdb/queries.js';
import { createRefreshSecret, formatRefreshToken, parseRefreshToken } from '../../src/authdb/refresh-token.js';
import { openAuthDatabase, type AuthDatabase } from './auth-database.js';

describe('login and sessions', () => {
  let authdb: AuthDatabase;
  let app: pg.Client;
  beforeAll(async () => {
    authdb = await openAuthDatabase();
    app = await authdb.appClient();
  });
  afterAll(async () => {
    await authdb?.close();
  });

  async function events(userId: string): Promise<{ event_type: string; session_jti: string | null }[]> {
    const { rows } = await authdb.admin.query<{ event_type: string; session_jti: string | null }>(
      'SELECT event_type, session_jti FROM auth.security_events WHERE user_id = $1 ORDER BY occurred_at, event_type',
      [userId],
    );
    return rows;
  }

  /** begin → verify → finish, as the load generator's login operation does it. */
  async function login(client: pg.Client, loginName: string, password: string, ip = '192.0.2.1') {
    const record = await beginLogin(client, loginName);
    if (!record) return null;
    const passwordOk = await verify(record.passwordHash, password);
    return finishLogin(client, { userId: record.userId, passwordOk, ip, userAgent: 'vitest' });
  }

  it('accepts the right password (by username or email, any case) and rejects a wrong one', async () => {
    const userId = await authdb.createUser('Carol', 'correct horse');
    const record = await beginLogin(app, 'carol');
    expect(record).toMatchObject({ userId, status: 'active', lockedUntil: null, failedAttempts: 0 });
    expect(record?.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await beginLogin(app, 'CAROL@example.test'))?.userId).toBe(userId);
    expect(await beginLogin(app, 'nobody')).toBeNull();

    const ok = await login(app, 'carol', 'correct horse');
    expect(ok).toMatchObject({ outcome: 'success', locked: false, failedAttempts: 0 });
    expect(ok?.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(ok?.expiresAt?.getTime()).toBeGreaterThan(Date.now());
    expect((await validateSession(app, ok!.jti!)).status).toBe('valid');

    const bad = await login(app, 'carol', 'wrong');
    expect(bad).toMatchObject({ outcome: 'failure', jti: null, locked: false, failedAttempts: 1 });
    // A success resets the failure count.
    expect(await login(app, 'carol', 'correct horse')).toMatchObject({ outcome: 'success', failedAttempts: 0 });
    expect((await beginLogin(app, 'carol'))?.failedAttempts).toBe(0);
    expect((await events(userId)).map((e) => e.event_type)).toEqual(['login.success', 'login.failure', 'login.success']);
  });

  it("a login's relation locks all fit PostgreSQL's 16 fast-path slots, also once PL/pgSQL uses its generic plans", async () => {
    const userId = await authdb.createUser('lockcount', 'pw-locks');
    const client = await authdb.appClient();
    try {
      // Past PL/pgSQL's five custom plans: the generic plan locks every partition it could prune (PostgreSQL 17).
      for (let i = 0; i < 8; i++) await finishLogin(client, { userId, passwordOk: true, ip: `198.18.0.${i}` });
      await client.query('BEGIN');
      await finishLogin(client, { userId, passwordOk: true, ip: '198.18.1.1' });
      const { rows } = await client.query<{ relation: string; fastpath: boolean }>(
        "SELECT relation::regclass::text AS relation, fastpath FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation <> 'pg_locks'::regclass",
      );
      await client.query('ROLLBACK');
      expect(rows.filter((r) => !r.fastpath).map((r) => r.relation)).toEqual([]);
      expect(rows.length).toBeLessThanOrEqual(16); // with 9 day partitions + default (before sql/009) it was 22, 6 of them not fast-path
    } finally {
      await client.end();
    }
  });

  it('locks at exactly N failures; attempts while locked are rejected, even with the right password', async () => {
    const userId = await authdb.createUser('dave', 'pw-dave');
    const outcomes = [];
    for (let i = 0; i < 5; i++) outcomes.push(await finishLogin(app, { userId, passwordOk: false, ip: '198.51.100.7' }));
    expect(outcomes.map((o) => [o.outcome, o.locked, o.failedAttempts])).toEqual([
      ['failure', false, 1],
      ['failure', false, 2],
      ['failure', false, 3],
      ['failure', false, 4],
      ['failure', true, 5],
    ]);
    expect(outcomes[4]?.lockedUntil?.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const whileLocked = await finishLogin(app, { userId, passwordOk: true });
    expect(whileLocked).toMatchObject({ outcome: 'locked', locked: true, jti: null, failedAttempts: 5 });
    expect(whileLocked.riskScore).toBeGreaterThanOrEqual(90);
    expect((await beginLogin(app, 'dave'))?.lockedUntil).not.toBeNull();
  });

  it('locks at exactly N when 3×N failures arrive at once on separate connections', async () => {
    const userId = await authdb.createUser('erin', 'pw-erin');
    const n = 5;
    const clients = await Promise.all(Array.from({ length: 3 * n }, () => authdb.appClient()));
    const results = await Promise.all(clients.map((c) => finishLogin(c, { userId, passwordOk: false, ip: '203.0.113.9' })));
    const failures = results.filter((r) => r.outcome === 'failure');
    expect(failures).toHaveLength(n);
    expect(failures.filter((r) => r.locked)).toHaveLength(1);
    expect(failures.map((r) => r.failedAttempts).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((r) => r.outcome === 'locked')).toHaveLength(2 * n);
    const { rows } = await authdb.admin.query<{ failed_attempts: number; locked: boolean }>(
      'SELECT failed_attempts, locked_until > now() AS locked FROM auth.credentials WHERE user_id = $1',
      [userId],
    );
    expect(rows[0]).toEqual({ failed_attempts: n, locked: true });
    const kinds = (await events(userId)).map((e) => e.event_type);
    expect(kinds.filter((k) => k === 'login.lockout')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'login.failure')).toHaveLength(n - 1);
    expect(kinds.filter((k) => k === 'login.rejected_locked')).toHaveLength(2 * n);
  });

  it('starts a new window once the old one has passed', async () => {
    const userId = await authdb.createUser('frank', 'pw-frank');
    for (let i = 0; i < 4; i++) await finishLogin(app, { userId, passwordOk: false });
    await authdb.admin.query("UPDATE auth.credentials SET failure_window_start = now() - interval '16 minutes' WHERE user_id = $1", [userId]);
    expect(await finishLogin(app, { userId, passwordOk: false })).toMatchObject({ outcome: 'failure', failedAttempts: 1, locked: false });
  });

  it('rejects disabled and unknown users, each with one audit event', async () => {
    const userId = await authdb.createUser('gina', 'pw-gina');
    await authdb.admin.query("UPDATE auth.users SET status = 'disabled' WHERE id = $1", [userId]);
    expect(await finishLogin(app, { userId, passwordOk: true })).toMatchObject({ outcome: 'disabled', jti: null });
    expect(await finishLogin(app, { userId: '999999999', passwordOk: true })).toMatchObject({ outcome: 'unknown_user', jti: null });
    expect((await events(userId)).map((e) => e.event_type)).toEqual(['login.rejected_disabled']);
    expect((await events('999999999')).map((e) => e.event_type)).toEqual(['login.unknown_user']);
  });

  it('scores each attempt: +10 per recent failure (up to 50), +30 for an IP new to the user in the last day, +40 locked, +20 not active', async () => {
    const userId = await authdb.createUser('ivy', 'pw-ivy');
    const attempt = async (passwordOk: boolean, ip: string | null, user = userId) => {
      const r = await finishLogin(app, { userId: user, passwordOk, ip });
      // The audit event carries the same score the caller was given.
      const { rows } = await authdb.admin.query<{ risk_score: number }>(
        'SELECT risk_score FROM auth.security_events WHERE user_id = $1 ORDER BY occurred_at DESC LIMIT 1',
        [user],
      );
      expect(rows[0]?.risk_score).toBe(r.riskScore);
      return [r.outcome, r.riskScore];
    };
    expect(await attempt(true, '198.51.100.1')).toEqual(['success', 30]); // first login from this address
    expect(await attempt(true, '198.51.100.1')).toEqual(['success', 0]); // the address is known now
    expect(await attempt(true, null)).toEqual(['success', 0]); // no address, no address signal
    expect(await attempt(false, '198.51.100.1')).toEqual(['failure', 10]); // a failed attempt is not a session: still known
    expect(await attempt(false, '198.51.100.2')).toEqual(['failure', 50]); // 2 failures + a new address
    expect(await attempt(false, '198.51.100.1')).toEqual(['failure', 30]);
    expect(await attempt(false, '198.51.100.1')).toEqual(['failure', 40]);
    expect(await attempt(false, '198.51.100.1')).toEqual(['failure', 90]); // the 5th failure: 50 + locked 40
    expect(await attempt(true, '198.51.100.3')).toEqual(['locked', 100]); // capped at 100
    // Not active: +20, with or without a known address.
    const other = await authdb.createUser('ivy2', 'pw-ivy2');
    expect(await attempt(true, '198.51.100.9', other)).toEqual(['success', 30]);
    await authdb.admin.query("UPDATE auth.credentials SET failed_attempts = 0 WHERE user_id = $1", [other]);
    await authdb.admin.query("UPDATE auth.users SET status = 'disabled' WHERE id = $1", [other]);
    expect(await attempt(true, '198.51.100.9', other)).toEqual(['disabled', 20]); // known address, not active
    expect(await attempt(true, '198.51.100.10', other)).toEqual(['disabled', 50]);
  });

  it('writes exactly one audit event per finish-login, and the success event names the session', async () => {
    const userId = await authdb.createUser('hank', 'pw-hank');
    const { rows: before } = await authdb.admin.query<{ n: string }>('SELECT count(*) AS n FROM auth.security_events');
    const calls = [true, false, true, false, false, true, true];
    const results = [];
    for (const passwordOk of calls) results.push(await finishLogin(app, { userId, passwordOk }));
    const { rows: after } = await authdb.admin.query<{ n: string }>('SELECT count(*) AS n FROM auth.security_events');
    expect(Number(after[0]?.n) - Number(before[0]?.n)).toBe(calls.length);
    const logged = await events(userId);
    expect(logged).toHaveLength(calls.length);
    const successJtis = results.filter((r) => r.outcome === 'success').map((r) => r.jti);
    expect(logged.filter((e) => e.event_type === 'login.success').map((e) => e.session_jti)).toEqual(successJtis);
  });

  it('rejects a revoked token; revoke-all logs out everywhere', async () => {
    const userId = await authdb.createUser('ivan', 'pw-ivan');
    const sessions = [];
    for (let i = 0; i < 3; i++) sessions.push((await finishLogin(app, { userId, passwordOk: true, ip: `10.1.0.${i}` })).jti!);
    const [first, second, third] = sessions as [string, string, string];

    expect(await revokeSession(app, first)).toMatchObject({ revoked: true, userId });
    expect(await revokeSession(app, first)).toMatchObject({ revoked: false });
    expect(await validateSession(app, first)).toMatchObject({ status: 'revoked', userId });
    expect((await validateSession(app, second)).status).toBe('valid');

    const all = await revokeAllSessions(app, userId);
    expect(all.revokedCount).toBe(2);
    expect(all.revokedBefore.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    for (const jti of [second, third]) expect((await validateSession(app, jti)).status).toBe('revoked');
    expect(await validateSession(app, '00000000-0000-4000-8000-000000000000')).toEqual({ status: 'unknown', userId: null, expiresAt: null });
  });

  it('reports an expired session as expired', async () => {
    const userId = await authdb.createUser('judy', 'pw-judy');
    const { jti } = await finishLogin(app, { userId, passwordOk: true, sessionTtlMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect((await validateSession(app, jti!)).status).toBe('expired');
  });

  it('refresh rotates the token; presenting the old one again revokes every session of the user', async () => {
    const userId = await authdb.createUser('kate', 'pw-kate');
    const firstSecret = createRefreshSecret();
    const issued = await finishLogin(app, { userId, passwordOk: true, refreshTokenHash: firstSecret.hash });
    expect(issued.refreshExpiresAt).not.toBeNull();
    const presented = parseRefreshToken(formatRefreshToken(issued.jti!, firstSecret.secret))!;

    const nextSecret = createRefreshSecret();
    const rotated = await refreshSession(app, { jti: presented.jti, refreshTokenHash: presented.hash, newRefreshTokenHash: nextSecret.hash });
    expect(rotated).toMatchObject({ outcome: 'rotated', userId });
    expect(rotated.jti).not.toBe(issued.jti);
    expect((await validateSession(app, issued.jti!)).status).toBe('revoked');
    expect((await validateSession(app, rotated.jti!)).status).toBe('valid');

    const wrong = await refreshSession(app, { jti: rotated.jti!, refreshTokenHash: firstSecret.hash, newRefreshTokenHash: nextSecret.hash });
    expect(wrong.outcome).toBe('invalid');
    expect((await validateSession(app, rotated.jti!)).status).toBe('valid');

    const replay = await refreshSession(app, { jti: presented.jti, refreshTokenHash: presented.hash, newRefreshTokenHash: createRefreshSecret().hash });
    expect(replay).toMatchObject({ outcome: 'reused', userId, jti: null });
    expect((await validateSession(app, rotated.jti!)).status).toBe('revoked');
    const unknown = await refreshSession(app, { jti: '00000000-0000-4000-8000-000000000000', refreshTokenHash: presented.hash, newRefreshTokenHash: presented.hash });
    expect(unknown.outcome).toBe('unknown');
  });
});
