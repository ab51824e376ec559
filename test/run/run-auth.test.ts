// The auth operations end to end through the run stage: schema applied, a small dataset seeded, caches warmed,
// every answer checked (no wrong_answer), outcomes classified, phases recorded.
import { expect, it } from 'vitest';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { schemaProblems } from '../support/results-schema.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('auth');

const scenario = `
name: auth-mix
description: every auth operation at a low rate
seed: 3
dataset:
  users: 300
  seed: 5
load:
  model: open
  rate: 80/s
  duration: 3s
  warmup: 1s
  connections: 8
  workers: 2
mix:
  - name: login
    weight: 3
    steps:
      - op: auth.login
        params:
          user: uniform(1, 300)
        options:
          wrongPasswordShare: 20%
  - op: session.validate
    weight: 3
    options:
      cacheHitRatio: 80%
      revokedShare: 10%
  - op: rbac.check
    weight: 2
  - op: user.lookup
    weight: 1
    options:
      by: username
  - name: login-refresh-logout
    weight: 1
    steps:
      - op: auth.login
        params:
          user: uniform(1, 300)
        options:
          wrongPasswordShare: 0%
      - op: token.refresh
      - op: auth.logout
thresholds:
  auth.login:
    - threshold: errors < 1%
      minSamples: 10
`;

it('runs every auth operation with checked answers and per-phase timings', async () => {
  const plan = parseScenario(scenario, 'auth-mix.yaml');
  const { results, exitCode } = await runBenchmark(plan, servers.quietRunOptions('auth'));
  expect(schemaProblems('results', results)).toEqual([]);
  const byKey = new Map(results.operations.map((o) => [o.key, o]));
  for (const op of results.operations) expect(op.errors.wrong_answer ?? 0, op.key).toBe(0);
  const login = byKey.get('auth.login')!;
  expect(login.outcomes.granted).toBeGreaterThan(0);
  expect(login.outcomes.denied).toBeGreaterThan(0);
  expect(byKey.get('auth.login/db')?.count).toBe(login.count - (login.outcomes.rate_limited ?? 0));
  expect(byKey.has('auth.login/ratelimit')).toBe(true);
  const validate = byKey.get('session.validate')!;
  expect(validate.outcomes.hit).toBeGreaterThan(0);
  expect(validate.errors).toEqual({});
  expect(byKey.get('rbac.check')!.errors).toEqual({});
  expect(byKey.get('user.lookup')!.outcomes.found).toBeGreaterThan(0);
  expect(byKey.get('token.refresh')!.outcomes.rotated).toBeGreaterThan(0);
  expect(byKey.get('auth.logout')!.outcomes.revoked).toBeGreaterThan(0);
  expect(results.dataset.users).toBe(300);
  expect(results.server?.statements.length).toBeGreaterThan(0);
  expect(results.thresholds[0]?.status).toBe('PASS');
  expect(exitCode).toBe(results.generator.valid ? 0 : 4);
});

it('arrivals that wait for a connection make auth.login/db fail its target: the wait is in the phase latency, not hidden', async () => {
  // One connection for far more logins than it can serve: arrivals queue behind it. The database itself is fast
  // (service time), but an application would see its login queries wait, and so does the threshold.
  const overload = `
name: login-one-connection
description: logins queued behind one connection
seed: 3
dataset:
  users: 300
  seed: 5
load:
  model: open
  rate: 3000/s
  duration: 2s
  warmup: 0s
  connections: 1
  workers: 1
mix:
  - op: auth.login
    params:
      user: uniform(1, 300)
    options:
      wrongPasswordShare: 0%
thresholds:
  auth.login/db:
    - p95 < 25ms
`;
  const plan = parseScenario(overload, 'login-one-connection.yaml');
  const { results, exitCode } = await runBenchmark(plan, servers.quietRunOptions('one-connection'));
  const dbPhase = results.operations.find((o) => o.key === 'auth.login/db')!;
  expect(results.generator.dropped).toBe(0);
  expect(results.generator.queued).toBeGreaterThan(1000);
  expect(dbPhase.latency.p95Ms).toBeGreaterThan(25);
  expect(dbPhase.service.p95Ms).toBeLessThan(dbPhase.latency.p95Ms / 2);
  expect(results.thresholds[0]?.status).toBe('FAIL');
  expect(exitCode).toBe(results.generator.valid ? 1 : 4);
});
