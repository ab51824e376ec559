// Real access tokens on the measured path: every granted login signs an ES256 JWT (phase auth.login/sign), and
// session.validate verifies the presented token's signature and expiry (session.validate/verify) before Redis and
// the database; expired tokens are refused there, and every answer is checked.
import { expect, it } from 'vitest';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('jwt');

const scenario = `
name: jwt
seed: 3
dataset: { users: 200, seed: 5 }
load: { model: open, rate: 80/s, duration: 2s, warmup: 0s, connections: 4, workers: 1 }
mix:
  - op: auth.login
    weight: 1
    options: { wrongPasswordShare: 10% }
  - op: session.validate
    weight: 1
    options: { expiredShare: 25%, revokedShare: 10% }
`;

it('signs at login and verifies at validate as their own phases, refusing expired tokens', async () => {
  const { results } = await runBenchmark(parseScenario(scenario, 'jwt.yaml'), servers.quietRunOptions('jwt'));
  const op = (key: string) => results.operations.find((o) => o.key === key);
  const login = op('auth.login')!;
  const validate = op('session.validate')!;
  expect(login.errors).toEqual({});
  expect(validate.errors).toEqual({});
  // One signature per granted login, one verification per validation.
  expect(op('auth.login/sign')?.count).toBe(login.outcomes.granted);
  expect(op('session.validate/verify')?.count).toBe(validate.count);
  expect(validate.outcomes.expired).toBeGreaterThan(0);
  // An expired token never reaches Redis or the database.
  expect(op('session.validate/cache')?.count).toBe(validate.count - validate.outcomes.expired!);
});
