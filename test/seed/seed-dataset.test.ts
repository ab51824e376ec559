// seedDataset against a real PostgreSQL 17 with the schema applied: end to end, determinism, passwords,
// role skew, fingerprint reuse and abort.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { verify } from '@node-rs/argon2';
import { seedDataset } from '../../src/target/seed/seed-dataset.js';
import { emailForUser, passwordForUser, usernameForUser, wrongPasswordForUser } from '../../src/dataset/identities.js';
import { sessionOfUser } from '../../src/dataset/layout.js';
import { resolveDatasetSpec } from '../../src/dataset/spec.js';
import type { DatasetSpec } from '../../src/dataset/types.js';
import { AbortedError } from '../../src/errors.js';
import { parseRefreshToken } from '../../src/authdb/refresh-token.js';
import type { TestDatabase } from '../support/servers.js';
import { createSeedableDatabase } from './schema.js';

const FAST_HASH = { memoryKiB: 1024, timeCost: 1, parallelism: 1 };
const spec = (over: Partial<DatasetSpec> = {}): DatasetSpec => ({ users: 2000, seed: 7, passwordCount: 8, hashParams: FAST_HASH, ...over });

/** A digest of every seeded row, in key order: equal digests mean byte-identical data. */
async function dataDigest(client: pg.Client): Promise<string> {
  const hash = createHash('sha256');
  for (const q of [
    'SELECT u::text FROM auth.users u ORDER BY id',
    'SELECT c::text FROM auth.credentials c ORDER BY user_id',
    'SELECT r::text FROM auth.user_roles r ORDER BY user_id, role_id',
    'SELECT s::text FROM auth.sessions s ORDER BY jti',
  ]) {
    const { rows } = await client.query<{ [k: string]: string }>(q);
    for (const r of rows) hash.update(Object.values(r)[0]!).update('\n');
  }
  return hash.digest('hex');
}

describe('seedDataset', () => {
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let a: pg.Client;
  let b: pg.Client;

  beforeAll(async () => {
    // One after the other: concurrent first migrations of one cluster race on its cluster-wide roles.
    dbA = await createSeedableDatabase();
    dbB = await createSeedableDatabase();
    a = new pg.Client({ connectionString: dbA.url });
    b = new pg.Client({ connectionString: dbB.url });
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(async () => {
    await Promise.all([a?.end(), b?.end()]);
    await Promise.all([dbA?.drop(), dbB?.drop()]);
  });

  it('seeds 10k users end to end with the schema applied', async () => {
    const report = await seedDataset(dbA.url, spec({ users: 10_000 }));
    expect(report.reused).toBe(false);
    expect(report.counts['auth.users']).toBe(10_000);
    expect(report.counts['auth.credentials']).toBe(10_000);
    const { rows } = await a.query<{ users: string; creds: string; masks: string; sessions: string }>(`SELECT
      (SELECT count(*) FROM auth.users) AS users, (SELECT count(*) FROM auth.credentials) AS creds,
      (SELECT count(*) FROM auth.user_permission_masks) AS masks, (SELECT count(*) FROM auth.sessions) AS sessions`);
    expect(rows[0]).toMatchObject({ users: '10000', creds: '10000', masks: '10000' });
    expect(Number(rows[0]!.sessions)).toBe(report.counts['auth.sessions']);
    expect(Number(rows[0]!.sessions)).toBeGreaterThan(15_000);
    // Keys and indexes are back, and the identity sequence continues after the seeded ids.
    const idx = await a.query<{ n: string }>("SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'auth' AND tablename IN ('users', 'credentials', 'user_roles', 'sessions')");
    expect(Number(idx.rows[0]!.n)).toBeGreaterThanOrEqual(7);
    // Every index is valid, including the per-partition children of the sessions indexes.
    const invalid = await a.query("SELECT indexrelid::regclass::text AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relnamespace = 'auth'::regnamespace AND NOT i.indisvalid");
    expect(invalid.rows).toEqual([]);
    const plan = await a.query("EXPLAIN SELECT * FROM auth.sessions_default WHERE user_id = 5");
    expect(JSON.stringify(plan.rows)).toMatch(/Index|Bitmap/);
    expect(report.tables.find((t) => t.table === 'auth.sessions')).toMatchObject({ copiedInto: 'auth.sessions_default', frozen: true });
    // Nothing left for autovacuum or the first reads to do during the first run: every seeded table vacuumed and
    // all-visible, no inserts pending a vacuum (checked before anything else writes to them).
    const left = await a.query<{ relname: string }>(
      `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = 'auth' AND s.relname IN ('users', 'credentials', 'user_roles', 'sessions_default', 'user_permission_masks') AND (s.vacuum_count + s.autovacuum_count = 0 OR c.relallvisible < c.relpages)`,
    );
    expect(left.rows.map((r) => r.relname)).toEqual([]);
    const ins = await a.query<{ id: string }>("INSERT INTO auth.users (username, email) VALUES ('fresh', 'fresh@example.test') RETURNING id");
    expect(ins.rows[0]!.id).toBe('10001');
    await a.query("DELETE FROM auth.users WHERE username = 'fresh'");
    const user = await a.query<{ username: string; email: string }>('SELECT username, email FROM auth.users WHERE id = 4243');
    expect(user.rows[0]).toEqual({ username: usernameForUser(7, 4242), email: emailForUser(7, 4242) });
  });

  it('gives each user a stored Argon2id hash that verifies its known password and rejects a wrong one', async () => {
    for (const i of [0, 1, 9, 4242]) {
      const { rows } = await a.query<{ h: string }>('SELECT password_hash AS h FROM auth.credentials WHERE user_id = $1', [i + 1]);
      const phc = rows[0]!.h;
      expect(phc).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      expect(await verify(phc, passwordForUser(7, i, 8))).toBe(true);
      expect(await verify(phc, wrongPasswordForUser(7, i, 0, 8))).toBe(false);
    }
  });

  it('stores session refresh-token hashes the load generator can reproduce', async () => {
    const s = sessionOfUser(resolveDatasetSpec(spec({ users: 10_000 })), 17, 0);
    const { rows } = await a.query<{ user_id: string; h: Buffer; revoked: boolean }>(
      'SELECT user_id, refresh_token_hash AS h, revoked_at IS NOT NULL AS revoked FROM auth.sessions WHERE jti = $1',
      [s.jti],
    );
    expect(rows[0]!.user_id).toBe('18');
    // The authdb layer's own parser must find this session's row and hash from the token the client would hold.
    const parsed = parseRefreshToken(s.refreshToken)!;
    expect(parsed.jti).toBe(s.jti);
    expect(rows[0]!.h.equals(parsed.hash)).toBe(true);
    expect(rows[0]!.revoked).toBe(s.state === 'revoked');
  });

  it('skews roles: most users 1–2 roles, about 2% agents with many', async () => {
    const { rows } = await a.query<{ n: number; users: string }>(
      'SELECT n, count(*) AS users FROM (SELECT user_id, count(*)::int AS n FROM auth.user_roles GROUP BY user_id) s GROUP BY n ORDER BY n',
    );
    const byCount = new Map(rows.map((r) => [r.n, Number(r.users)]));
    const oneOrTwo = (byCount.get(1) ?? 0) + (byCount.get(2) ?? 0);
    expect(oneOrTwo / 10_000).toBeGreaterThan(0.9);
    const agents = await a.query<{ n: string }>(
      "SELECT count(DISTINCT ur.user_id) AS n FROM auth.user_roles ur JOIN auth.roles r ON r.id = ur.role_id WHERE r.kind = 'agent'",
    );
    const agentShare = Number(agents.rows[0]!.n) / 10_000;
    expect(agentShare).toBeGreaterThan(0.012);
    expect(agentShare).toBeLessThan(0.028);
    const many = [...byCount.entries()].filter(([n]) => n >= 9).reduce((s, [, u]) => s + u, 0);
    expect(many).toBe(Number(agents.rows[0]!.n));
  });

  it('reuses the dataset when the spec is unchanged, and reseeds when it changes', async () => {
    // A run's failed logins lock an account; reuse clears that so every active user can log in again.
    await a.query("UPDATE auth.credentials SET failed_attempts = 5, locked_until = now() + interval '1 hour' WHERE user_id IN (3, 4)");
    const started = performance.now();
    const again = await seedDataset(a, spec({ users: 10_000 }));
    expect(again.reused).toBe(true);
    expect(again.credentialsReset).toBe(2);
    expect((await a.query('SELECT count(*)::int AS n FROM auth.credentials WHERE locked_until IS NOT NULL OR failed_attempts > 0')).rows[0].n).toBe(0);
    expect(performance.now() - started).toBeLessThan(1000);
    const changed = await seedDataset(a, spec({ users: 3000 }));
    expect(changed.reused).toBe(false);
    expect(changed.fingerprint).not.toBe(again.fingerprint);
    expect((await a.query('SELECT count(*)::int AS n FROM auth.users')).rows[0].n).toBe(3000);
  });

  it('is deterministic: same seed → byte-identical rows; different seed → different rows', async () => {
    await seedDataset(a, spec(), { force: true });
    await seedDataset(b, spec());
    const [da, db] = await Promise.all([dataDigest(a), dataDigest(b)]);
    expect(da).toBe(db);
    await seedDataset(b, spec({ seed: 8 }));
    expect(await dataDigest(b)).not.toBe(da);
  });

  it('stops on abort and leaves the previous dataset in place', async () => {
    await seedDataset(a, spec());
    const before = await dataDigest(a);
    const controller = new AbortController();
    const pending = seedDataset(a, spec({ users: 200_000, seed: 99 }), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'copy' && (p.rows ?? 0) > 20_000) controller.abort();
      },
    });
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(await dataDigest(a)).toBe(before);
    const again = await seedDataset(a, spec());
    expect(again.reused).toBe(true);
  });

  it('stops during the index rebuild too (the running statement is cancelled) and rolls back', async () => {
    const before = await dataDigest(a);
    const controller = new AbortController();
    const pending = seedDataset(a, spec({ users: 30_000, seed: 98 }), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'index') controller.abort();
      },
    });
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(await dataDigest(a)).toBe(before);
    const idx = await a.query<{ n: string }>("SELECT count(*) AS n FROM pg_indexes WHERE schemaname = 'auth' AND tablename = 'users'");
    expect(Number(idx.rows[0]!.n)).toBe(3);
  });

  it('fails with a clear error and rolls back when the schema rejects generated rows', async () => {
    const before = await dataDigest(b);
    // NOT VALID: existing rows stay, new (COPYed) rows are checked, as after a schema change the generators miss.
    await b.query("ALTER TABLE auth.users ADD CONSTRAINT users_no_dots CHECK (strpos(username, '.') = 0) NOT VALID");
    const failed = seedDataset(b, spec({ seed: 5 }));
    await expect(failed).rejects.toMatchObject({ code: 'AB_ERR_MIGRATION_CHANGED', exitCode: 3 });
    await expect(failed).rejects.toThrow(/users_no_dots/);
    await b.query('ALTER TABLE auth.users DROP CONSTRAINT users_no_dots');
    expect(await dataDigest(b)).toBe(before);
  });

  it('leaves no vacuum or analyze owed on a small dataset: the seed\'s own row counts reach the statistics before its VACUUM', async () => {
    // A seed shorter than the statistics' 1 s flush interval used to flush its inserts after its own VACUUM (ANALYZE),
    // so autovacuum later re-analyzed every seeded table (a smoke dataset's first run could meet it).
    const small = await createSeedableDatabase();
    const client = new pg.Client({ connectionString: small.url });
    await client.connect();
    try {
      await seedDataset(small.url, spec({ users: 200, seed: 3 }));
      // The seeder's backend flushes what it still holds as it exits: wait until it is gone.
      for (let i = 0; i < 100; i++) {
        const others = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        if (others.rows[0]!.n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const owed = await client.query<{ relname: string; ins: string; mod: string }>(
        `SELECT relname, n_ins_since_vacuum AS ins, n_mod_since_analyze AS mod FROM pg_stat_user_tables
          WHERE schemaname = 'auth' AND relname IN ('users', 'credentials', 'user_roles', 'sessions_default', 'user_permission_masks')
            AND (n_ins_since_vacuum > 0 OR n_mod_since_analyze > 0) ORDER BY relname`,
      );
      expect(owed.rows).toEqual([]);
    } finally {
      await client.end();
      await small.drop();
    }
  });
});
