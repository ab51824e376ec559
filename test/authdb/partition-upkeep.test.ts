// Upkeep past the migrations' horizon: moving the reference day forward day by day, every row lands in a day
// partition (never a default one) and partitions past the retention are dropped; without upkeep a row would not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUpkeep, type UpkeepReport } from '../../src/authdb/maintenance.js';
import { PartitionUpkeep } from '../../src/run/upkeep-stage.js';
import { cli } from '../support/cli.js';
import { startTestRedis, type TestRedis } from '../support/servers.js';
import { openAuthDatabase, type AuthDatabase } from './auth-database.js';

const DAY_MS = 86_400_000;
const start = Date.now();
const at = (offsetDays: number) => new Date(start + offsetDays * DAY_MS);
const day = (offsetDays: number) => at(offsetDays).toISOString().slice(0, 10).replaceAll('-', '');

describe('partition upkeep', () => {
  let authdb: AuthDatabase;
  beforeAll(async () => {
    authdb = await openAuthDatabase();
  });
  afterAll(async () => {
    await authdb?.close();
  });

  /** Writes one session and one audit event stamped `when`; returns the partitions they landed in. */
  async function writeAt(when: Date): Promise<{ session: string; event: string }> {
    const iso = when.toISOString();
    const s = await authdb.admin.query<{ p: string }>(
      "INSERT INTO auth.sessions (jti, user_id, issued_at, expires_at) VALUES (auth.uuidv7_floor($1), 1, $1, $1::timestamptz + interval '1 hour') RETURNING tableoid::regclass::text AS p",
      [iso],
    );
    const e = await authdb.admin.query<{ p: string }>("INSERT INTO auth.security_events (occurred_at, event_type, user_id) VALUES ($1, 'login_success', 1) RETURNING tableoid::regclass::text AS p", [iso]);
    return { session: s.rows[0]!.p, event: e.rows[0]!.p };
  }

  const partitions = async (): Promise<string[]> =>
    (
      await authdb.admin.query<{ name: string }>(
        "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent IN ('auth.sessions'::regclass, 'auth.security_events'::regclass) ORDER BY 1",
      )
    ).rows.map((r) => r.name);

  it('keeps every row of ten days out of the default partitions and drops what the retention no longer keeps', async () => {
    for (let d = 0; d <= 9; d++) {
      const report = await runUpkeep(authdb.admin, { asOf: at(d) });
      if (d >= 1) expect(report.created).toContain(`auth.sessions_p${day(d + 1)}`); // tomorrow exists before the day begins
      expect(await writeAt(at(d))).toEqual({ session: `auth.sessions_p${day(d)}`, event: `auth.security_events_p${day(d)}` });
    }
    const defaults = await authdb.admin.query<{ n: string }>('SELECT (SELECT count(*) FROM auth.sessions_default) + (SELECT count(*) FROM auth.security_events_default) AS n');
    expect(Number(defaults.rows[0]?.n)).toBe(0);

    // A 7-day retention on day 9: days up to 1 ended 7 days ago or more (their sessions capped at 7 days are all expired).
    const report = await runUpkeep(authdb.admin, { asOf: at(9), retention: { sessionsMs: 7 * DAY_MS, auditMs: 7 * DAY_MS } });
    for (const d of [-1, 0, 1]) {
      expect(report.dropped).toContain(`auth.sessions_p${day(d)}`);
      expect(report.dropped).toContain(`auth.security_events_p${day(d)}`);
    }
    const left = await partitions();
    for (let d = 2; d <= 10; d++) expect(left).toContain(`sessions_p${day(d)}`);
    expect(left.filter((name) => /_p\d{8}$/.test(name) && name.slice(-8) < day(2))).toEqual([]);
    const settings = await authdb.admin.query<{ s: string; a: string }>('SELECT max_session_lifetime::text AS s, audit_retention::text AS a FROM auth.settings');
    expect(settings.rows[0]).toEqual({ s: '7 days', a: '7 days' });
    expect((await runUpkeep(authdb.admin, { asOf: at(9) })).dropped).toEqual([]);
  });

  it('without upkeep, a row past the horizon lands in the default partition (what the upkeep prevents)', async () => {
    expect(await writeAt(at(20))).toEqual({ session: 'auth.sessions_default', event: 'auth.security_events_default' });
  });
});

describe('upkeep during a run and from the command line', () => {
  let authdb: AuthDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    [authdb, redis] = await Promise.all([openAuthDatabase(), startTestRedis()]);
  });
  afterAll(async () => {
    await redis?.stop();
    await authdb?.close();
  });

  it('recreates a missing partition on its schedule and reports each pass', async () => {
    await authdb.admin.query(`DROP TABLE auth.sessions_p${day(1)}`); // empty: nothing has been written for tomorrow
    const passes: UpkeepReport[] = [];
    const upkeep = new PartitionUpkeep({ pgUrl: authdb.db.url, everyMs: 50, onPass: (r) => passes.push(r), onError: (e) => { throw e; } });
    upkeep.start();
    await expect.poll(() => passes.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await upkeep.stop();
    expect(passes[0]?.created).toEqual([`auth.sessions_p${day(1)}`]);
    expect(passes.slice(1).every((p) => p.created.length === 0)).toBe(true);
  });

  it('authbench maintain writes the retention and says what it created and dropped', async () => {
    await runUpkeep(authdb.admin, { asOf: at(-60) }); // partitions two months old: past the default 30 days
    const run = await cli(['maintain', '--target', 'external', '--pg-url', authdb.db.url, '--redis-url', redis.url, '--audit-retention', '720h']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`auth.sessions_p${day(-60)}`);
    expect(run.stdout).toMatch(/^Partitions created: none\.$/m);
    const bad = await cli(['maintain', '--target', 'external', '--pg-url', authdb.db.url, '--redis-url', redis.url, '--sessions-retention', '7d']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--sessions-retention: expected a duration of at least 1h like 168h, got "7d"');
  });
});
