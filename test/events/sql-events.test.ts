// Scenario events that need only a database connection (checkpoint, vacuum, analyze, refresh-permissions, sql,
// terminate-backends, role-change), each run during one short load on the shared cluster and recorded with its
// window; an event-window threshold passes and fails as it should; a crash on an external target is refused.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('events');

const scenario = `
name: sql-events
dataset: { users: 300, seed: 5 }
load: { model: open, rate: 60/s, duration: 5s, warmup: 1s, connections: 6, workers: 2 }
mix:
  - op: rbac.check
    weight: 2
  - op: auth.login
    params: { user: "uniform(1, 300)" }
events:
  - { at: 0s, action: checkpoint }
  - { at: 500ms, action: vacuum, table: sessions }
  - { at: 1s, action: analyze }
  - { at: 1500ms, action: refresh-permissions }
  - { at: 2s, action: sql, query: "SELECT pg_sleep(0.2)" }
  - { at: 2500ms, action: terminate-backends, count: 2 }
  - { at: 3s, every: 1s, action: role-change, users: 20, role: auditor }
thresholds:
  rbac.check@role-change: ["count > 0", { threshold: "max < 60s", minSamples: 1 }]
  auth.login@terminate-backends: [{ threshold: "max < 1us", minSamples: 1 }]
  rbac.check@sql/cache: ["count >= 0"]
`;

describe('database events during a load', () => {
  it('run at their times, are recorded with windows and impact, and their thresholds are judged on the window', async () => {
    const plan = parseScenario(scenario, 'sql-events.yaml');
    const { results } = await runBenchmark(plan, servers.quietRunOptions('sql-events'));
    expect(results.status).toBe('completed');
    const events = results.events!;
    expect(events.map((e) => `${e.name}#${e.occurrence}`)).toEqual([
      'checkpoint#0', 'vacuum#0', 'analyze#0', 'refresh-permissions#0', 'sql#0', 'terminate-backends#0', 'role-change#0', 'role-change#1',
    ]);
    // On a busy machine a role change can outlast its 1 s period: the next occurrence is then skipped, and says so.
    const second = events.at(-1)!;
    expect(['done', 'skipped']).toContain(second.status);
    if (second.status === 'skipped') expect(second.error).toBe('its previous occurrence was still running');
    const ran = events.filter((e) => e.status !== 'skipped');
    expect(ran.every((e) => e.status === 'done')).toBe(true);
    for (const e of ran) {
      expect(e.endMs!, e.name).toBeGreaterThanOrEqual(e.startMs!);
      expect(e.window, e.name).toBeDefined();
      expect(e.window!.startMs, e.name).toBeLessThanOrEqual(e.startMs!);
      expect(e.impact?.['rbac.check']?.during.count ?? 0, e.name).toBeGreaterThan(0);
    }
    const sql = events.find((e) => e.name === 'sql')!;
    expect(sql.endMs! - sql.startMs!).toBeGreaterThanOrEqual(200);
    expect(sql.detail).toEqual({ rows: 1 });
    expect(events.find((e) => e.name === 'terminate-backends')!.detail).toEqual({ terminated: 2 });
    const roles = ran.filter((e) => e.name === 'role-change');
    // Each occurrence moves on to the next 20 users and toggles the role for each of them.
    for (const r of roles) expect(Number(r.detail!.granted) + Number(r.detail!.revoked)).toBe(20);
    expect(roles.every((r) => r.detail!.cacheInvalidated === 20)).toBe(true);
    const admin = new pg.Client({ connectionString: servers.db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM auth.security_events WHERE event_type IN ('role.grant', 'role.revoke')");
      expect(Number(rows[0]!.n)).toBe(20 * roles.length);
    } finally {
      await admin.end();
    }
    const verdicts = Object.fromEntries(results.thresholds.map((t) => [`${t.scopeKey} ${t.source}`, t]));
    expect(verdicts['rbac.check@role-change count > 0']!.status).toBe('PASS');
    // The window's count is the window's, not the run's.
    const whole = results.operations.find((o) => o.key === 'rbac.check')!.count;
    expect(verdicts['rbac.check@role-change count > 0']!.measured!).toBeLessThan(whole);
    expect(verdicts['rbac.check@role-change max < 60s']!.status).toBe('PASS');
    expect(verdicts['auth.login@terminate-backends max < 1us']!.status).toBe('FAIL');
    expect(verdicts['rbac.check@sql/cache count >= 0']!.status).toBe('PASS');
  }, 120_000);

  it('refuses a crash event on an external target before any load, naming the file and line', async () => {
    const plan = parseScenario(scenario.replace('  - { at: 0s, action: checkpoint }', '  - { at: 0s, action: crash }'), 'crash.yaml');
    const error = await runBenchmark(plan, servers.quietRunOptions('crash')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).message).toBe(
      'crash.yaml:11 events[0].action: crash needs the servers authbench starts on this machine in this run (target kind embedded, not left running by authbench provision); this run\'s target is external',
    );
  }, 60_000);
});
