// session.revoke-all end to end: every session a user was issued during the load is revoked in one statement and
// denylisted in Redis (as auth.logout does for one), while the seeded sessions session.validate checks stay untouched.
import pg from 'pg';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { createKeySpace, defaultPrefix } from '../../src/authdb/redis/keys.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { schemaProblems } from '../support/results-schema.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('revokeall');

const scenario = `
name: revoke-all
seed: 7
dataset: { users: 200, seed: 9 }
load: { model: open, rate: 60/s, duration: 2s, warmup: 1s, connections: 4, workers: 1 }
mix:
  - op: auth.login
    weight: 2
    params: { user: "uniform(1, 40)" }
    options: { wrongPasswordShare: 0% }
  - name: login-then-revoke-all
    weight: 1
    steps:
      - op: auth.login
        params: { user: "uniform(1, 40)" }
        options: { wrongPasswordShare: 0% }
      - op: session.revoke-all
  - op: session.validate
    weight: 2
`;

it('revokes and denylists every session of the user issued during the run, and no seeded one', async () => {
  const started = new Date();
  const { results } = await runBenchmark(parseScenario(scenario, 'revoke-all.yaml'), servers.quietRunOptions('revoke-all'));
  expect(schemaProblems('results', results)).toEqual([]);
  const byKey = new Map(results.operations.map((o) => [o.key, o]));
  for (const op of results.operations) expect(op.errors, op.key).toEqual({});
  const revokeAll = byKey.get('session.revoke-all')!;
  expect(revokeAll.outcomes.revoked).toBeGreaterThan(0);
  expect(byKey.get('session.revoke-all/db')?.count).toBe(revokeAll.count);
  expect(byKey.get('session.revoke-all/cache')?.count).toBe(revokeAll.count);

  const client = new pg.Client({ connectionString: servers.db.url });
  const redis = new Redis(servers.redis.url);
  await client.connect();
  try {
    const since = "auth.uuidv7_floor($1)";
    const revoked = await client.query<{ jti: string }>(`SELECT jti FROM auth.sessions WHERE revoked_at IS NOT NULL AND jti >= ${since}`, [started]);
    expect(revoked.rows.length).toBeGreaterThanOrEqual(revokeAll.count);
    const keys = createKeySpace(defaultPrefix);
    const denied = await Promise.all(revoked.rows.map((r) => redis.exists(keys.denied(r.jti))));
    expect(denied.filter((n) => n !== 1), 'revoked sessions without a denylist entry').toEqual([]);
    // A user whose sessions were revoked has no live run session older than its last revoke-all.
    const events = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM auth.security_events WHERE event_type = 'session.revoke_all' AND occurred_at >= $1", [started]);
    expect(events.rows[0]!.n).toBeGreaterThanOrEqual(revokeAll.count);
    const seededRevokedBy = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth.sessions WHERE jti < ${since} AND revoked_at >= $1`, [started]);
    expect(seededRevokedBy.rows[0]!.n, 'seeded sessions revoked by the run').toBe(0);
    // The function itself: a second call finds nothing left to revoke.
    const again = await client.query('SELECT * FROM auth.revoke_sessions_issued_since(1, $1)', [started]);
    const twice = await client.query('SELECT * FROM auth.revoke_sessions_issued_since(1, $1)', [started]);
    expect(twice.rows).toEqual([]);
    expect(again.rows.every((r: { jti: string }) => typeof r.jti === 'string')).toBe(true);
  } finally {
    redis.disconnect();
    await client.end();
  }
});
