// The permission design on the run's path: a role change committed during the load (auth.revoke_role, which
// pg_notifies) is heard by the run's LISTEN, the user's cached mask is invalidated, and every rbac.check that starts
// after the announcement must see the new answer (the operation counts a stale one as wrong_answer); the materialized
// snapshot is refreshed concurrently on its schedule.
import pg from 'pg';
import { expect, it } from 'vitest';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('perm');
const USER_ID = 7; // rank 7 → user index 6 → id 7

const scenario = `
name: permission-change
seed: 3
dataset: { users: 100, seed: 5 }
load: { model: open, rate: 120/s, duration: 4s, warmup: 0s, connections: 4, workers: 2 }
mix:
  - op: rbac.check
    params: { user: ${USER_ID}, permission: "uniform(1, 37)" }
    options: { cacheHitRatio: 100% }
`;

it('a role revoked during the load: invalidated through LISTEN, every later check answers denied, snapshot refreshed', async () => {
  let progress = '';
  const stream = { write: (chunk: string) => ((progress += chunk), true) };
  const admin = new pg.Client({ connectionString: servers.db.url });
  await admin.connect();
  try {
    let maskBefore = '';
    const change = (async () => {
      while (!/\d+s\/\d+s/.test(progress)) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 1500)); // the load has run a second: checks answered from the warm cache first
      maskBefore = (await admin.query<{ mask: string }>('SELECT mask FROM auth.user_permission_mask($1)', [USER_ID])).rows[0]!.mask;
      const roles = await admin.query<{ name: string }>('SELECT r.name FROM auth.user_roles ur JOIN auth.roles r ON r.id = ur.role_id WHERE ur.user_id = $1', [USER_ID]);
      for (const { name } of roles.rows) await admin.query('SELECT * FROM auth.revoke_role($1, $2)', [USER_ID, name]);
      return roles.rows.length;
    })();
    const { results } = await runBenchmark(parseScenario(scenario, 'permission-change.yaml'), { ...servers.quietRunOptions('perm', { permissionRefreshMs: 300 }), progress: stream });
    const revoked = await change;
    expect(maskBefore).not.toBe('0'); // the user held permissions, so the change can be seen
    const check = results.operations.find((o) => o.key === 'rbac.check')!;
    expect(check.errors).toEqual({});
    expect(check.outcomes['hit:granted']).toBeGreaterThan(0); // before the change
    expect((check.outcomes['hit:denied'] ?? 0) + (check.outcomes['miss:denied'] ?? 0)).toBeGreaterThan(0);
    expect(progress).toMatch(new RegExp(`Permissions: ${revoked} role changes heard and invalidated, snapshot refreshed [1-9]\\d* times\\.`));
    const snapshot = await admin.query('SELECT mask FROM auth.user_permission_masks WHERE user_id = $1', [USER_ID]);
    expect(snapshot.rows).toEqual([]); // refreshed during the run: the user has no active role left
  } finally {
    await admin.end();
  }
});
