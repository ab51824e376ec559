// scenarios/login-argon2.yaml, shortened (a small dataset, 3 s at a low rate): every login verifies an OWASP
// Argon2id hash end to end — the right password must verify, a wrong one must not — through src/authdb/password.ts.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('argon2');
const FILE = path.resolve(import.meta.dirname, '../../scenarios/login-argon2.yaml');

it('runs login-argon2.yaml shortened: every attempt verified, every answer right, OWASP parameters in the database', async () => {
  const doc = parseDocument(await fs.readFile(FILE, 'utf8'));
  doc.setIn(['dataset', 'users'], 200);
  doc.setIn(['load', 'duration'], '3s');
  doc.setIn(['load', 'warmup'], '0s');
  doc.setIn(['load', 'rate'], '12/s');
  doc.setIn(['load', 'connections'], 4);
  doc.setIn(['mix', 0, 'options', 'wrongPasswordShare'], '25%'); // enough wrong passwords in 36 attempts to check refusals
  const { results } = await runBenchmark(parseScenario(doc.toString(), 'login-argon2.yaml'), servers.quietRunOptions('argon2', { latenessBoundMs: 1000 }));
  const op = (key: string) => results.operations.find((o) => o.key === key);
  const login = op('auth.login')!;
  expect(login.errors).toEqual({});
  expect(login.outcomes.granted).toBeGreaterThan(0);
  expect(login.outcomes.denied).toBeGreaterThan(0);
  // Every attempt reached the verify (none was rate-limited away) and was timed there.
  expect(op('auth.login/verify')?.count).toBe(login.count);
  expect(login.count).toBe((login.outcomes.granted ?? 0) + (login.outcomes.denied ?? 0));

  const client = new pg.Client({ connectionString: servers.db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ params: string; n: string }>("SELECT substring(password_hash from '^\\$argon2id\\$v=19\\$([^$]+)\\$') AS params, count(*) AS n FROM auth.credentials GROUP BY 1");
    expect(rows).toEqual([{ params: 'm=19456,t=2,p=1', n: '200' }]);
  } finally {
    await client.end();
  }
}, 120_000);
