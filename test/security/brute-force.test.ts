// scenarios/brute-force.yaml, shortened (fewer users, a lower rate, 3 s) against real servers: the attacked
// accounts get locked in PostgreSQL, the rate limiter refuses attacker attempts, and legitimate logins, kept apart by
// their tag, all succeed with no wrong answers.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { userIdForIndex } from '../../src/dataset/identities.js';
import { useRunServers } from '../support/servers.js';

const SCENARIO_FILE = path.resolve('scenarios/brute-force.yaml');
const USERS = 300;

const servers = useRunServers('brute');

/** The shipped scenario with its size turned down; every replaced figure must be found, so the file cannot drift silently. */
async function shortenedScenario(): Promise<string> {
  let text = await fs.readFile(SCENARIO_FILE, 'utf8');
  const replace = (from: string, to: string): void => {
    expect(text, `brute-force.yaml no longer contains ${from}`).toContain(from);
    text = text.replaceAll(from, to);
  };
  replace('users: 100000', `users: ${USERS}`);
  replace('uniform(11, 100000)', `uniform(11, ${USERS})`);
  replace('rate: 400/s', 'rate: 120/s');
  replace('throughput >= 396/s', 'throughput >= 1/s');
  replace('duration: 60s', 'duration: 3s');
  replace('warmup: 5s', 'warmup: 0s');
  replace('connections: 32', 'connections: 6');
  replace('workers: auto', 'workers: 1');
  return text;
}

describe('brute-force scenario', () => {
  it('locks the attacked accounts, rate-limits the attacker, and lets legitimate users in', async () => {
    const plan = parseScenario(await shortenedScenario(), 'brute-force.yaml');
    const silent = { write: () => true };
    const { results } = await runBenchmark(plan, {
      target: { kind: 'external', pgUrl: servers.db.url, redisUrl: servers.redis.url, allowNonEmpty: true },
      outDir: servers.outRoot,
      progress: silent,
      stdout: silent,
      reports: { html: false, junit: false, console: false },
      latenessBoundMs: 200,
    });
    const byKey = new Map(results.operations.map((o) => [o.key, o]));
    expect(byKey.has('auth.login'), 'tagged entries are not merged into auth.login').toBe(false);
    const attack = byKey.get('auth.login@attack')!;
    const legit = byKey.get('auth.login@legit')!;
    expect(attack.count).toBeGreaterThan(50);
    expect(legit.count).toBeGreaterThan(150);

    // The attacker never gets in; it is refused by the rate limiter, then by the lock, and its first guesses are denied.
    expect(attack.outcomes.granted ?? 0).toBe(0);
    expect(attack.outcomes.rate_limited ?? 0).toBeGreaterThan(0);
    expect(attack.outcomes.locked ?? 0).toBeGreaterThan(0);
    expect(attack.outcomes.denied ?? 0).toBeGreaterThan(0);
    expect(attack.errors).toEqual({});
    // Rate-limited attempts never reach the database: the db phase counts only the rest.
    expect(byKey.get('auth.login@attack/db')?.count).toBe(attack.count - (attack.outcomes.rate_limited ?? 0));

    // Legitimate users: right passwords, other accounts, other IPs — no refusal, no error, no wrong answer.
    expect(legit.errors).toEqual({});
    expect(legit.outcomes.granted ?? 0).toBeGreaterThan(0);
    for (const refused of ['rate_limited', 'locked', 'denied']) expect(legit.outcomes[refused] ?? 0, refused).toBe(0);

    // The database locked the hottest attacked accounts (zipf: ranks 1 and 2 take most guesses) and audited it.
    const admin = new pg.Client({ connectionString: servers.db.url });
    await admin.connect();
    try {
      const hot = [userIdForIndex(0), userIdForIndex(1)];
      const locks = await admin.query<{ user_id: string; locked: boolean }>(
        'SELECT user_id::text, locked_until > now() AS locked FROM auth.credentials WHERE user_id = ANY($1::bigint[]) ORDER BY user_id',
        [hot],
      );
      expect(locks.rows.map((r) => r.locked)).toEqual([true, true]);
      const lockouts = await admin.query<{ n: string }>("SELECT count(*) AS n FROM auth.security_events WHERE event_type = 'login.lockout'");
      expect(Number(lockouts.rows[0]?.n)).toBeGreaterThanOrEqual(2);
      const legitLocked = await admin.query<{ n: string }>('SELECT count(*) AS n FROM auth.credentials WHERE locked_until > now() AND user_id <> ALL($1::bigint[])', [
        [1, 2, 3, 4, 5].map((rank) => userIdForIndex(rank - 1)),
      ]);
      expect(Number(legitLocked.rows[0]?.n), 'accounts outside the attacked five got locked').toBe(0);
    } finally {
      await admin.end();
    }

    // The tagged scopes were judged on their own samples (errors: none, so never FAIL; few samples may be INCONCLUSIVE).
    const legitErrors = results.thresholds.find((t) => t.scopeKey === 'auth.login@legit' && t.metric === 'errors');
    expect(legitErrors?.samples).toBe(legit.count);
    expect(legitErrors?.status).not.toBe('FAIL');
    const attackErrors = results.thresholds.find((t) => t.scopeKey === 'auth.login@attack' && t.metric === 'errors');
    expect(attackErrors?.samples).toBe(attack.count);
  });
});

describe('mix entry tags (result keys per entry)', () => {
  const base = (extra: string): string => `
load: { rate: 10/s, duration: 1s }
dataset: { users: 100 }
mix:
  - { op: auth.login, tag: attack }
  - { op: auth.login, tag: legit }
${extra}`;

  it('scopes op@tag and op@tag/phase; refuses unknown tags, foreign ops and bad tag text', () => {
    const plan = parseScenario(base('thresholds: { "auth.login@attack/db": [ "p95 < 25ms" ], "auth.login@legit": [ "errors < 1%" ] }'), 'x.yaml');
    expect(plan.mix.map((e) => e.tag)).toEqual(['attack', 'legit']);
    expect(plan.thresholds.map((t) => t.scope)).toEqual([
      { kind: 'operation', operation: 'auth.login@attack', phase: 'db' },
      { kind: 'operation', operation: 'auth.login@legit' },
    ]);
    const problem = (text: string): string => {
      try {
        parseScenario(text, 'x.yaml');
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidInputError);
        return (err as Error).message;
      }
      return '';
    };
    expect(problem(base('thresholds: { "auth.login@nope": [ "p95 < 25ms" ] }'))).toMatch(/no mix entry has tag "nope"; tags in the mix: attack and legit/);
    expect(problem(base('thresholds: { "rbac.check@attack": [ "p95 < 25ms" ] }'))).toMatch(/the entries tagged "attack" do not run rbac.check/);
    expect(problem(base('thresholds: { "auth.login@attack/dbb": [ "p95 < 25ms" ] }'))).toMatch(/unknown phase of auth.login: "dbb"/);
    expect(problem(base('').replace('tag: attack', 'tag: "a/b"'))).toMatch(/mix\[0\]\.tag: must start with a letter or digit/);
  });
});
