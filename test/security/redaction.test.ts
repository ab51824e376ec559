// No secret in anything a run shows or writes. A real tiny run whose URLs carry distinctive passwords (in the
// scenario file itself, where the results' copy of the scenario text could leak them), then every produced file,
// the captured console and progress output, and the errors of failed connections are searched for each secret:
// the PostgreSQL and Redis passwords, the app role's password and its SCRAM verifier, the dataset's known passwords
// and their Argon2id hashes, and refresh tokens.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { inspect } from 'node:util';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectRedis as connectLayerRedis } from '../../src/authdb/redis/connect.js';
import { isAuthbenchError } from '../../src/errors.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { checkPostgres, checkRedis } from '../../src/target/check.js';
import { findFreePort } from '../../src/target/free-port.js';
import { startRedisServer, stopRedisServer } from '../../src/target/redis-server.js';
import { provisionTarget } from '../../src/target/provision.js';
import { passwordForUser, wrongPasswordForUser } from '../../src/dataset/identities.js';
import { resolveDatasetSpec } from '../../src/dataset/spec.js';
import { cli } from '../support/cli.js';
import { runCase, scenarioText as hardeningScenario, URL_CASES, type CaseContext, type HardeningCase } from './hardening-cases.js';
import { adminUrl, createTestDatabase, urlForDatabase, type TestDatabase } from '../support/servers.js';

// The app role's password is generated per run: pin it so the search knows what to look for.
const APP_PASSWORD = `AppRolePw${randomBytes(6).toString('hex')}Zq`;
vi.mock('../../src/target/state.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/target/state.js')>()),
  generatePassword: () => APP_PASSWORD,
}));

const PG_PASSWORD = `PgLeakCanary${randomBytes(6).toString('hex')}`;
const REDIS_PASSWORD = `RedisLeakCanary${randomBytes(6).toString('hex')}`;
const ROLE = `redact_${randomBytes(4).toString('hex')}`;
const DATASET = { users: 200, seed: 11 };

let db: TestDatabase;
let redisPid: number;
let redisPort: number;
let pgUrl: string;
let redisUrl: string;
let outDir: string;

beforeAll(async () => {
  db = await createTestDatabase('redact');
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${ROLE} LOGIN SUPERUSER PASSWORD '${PG_PASSWORD}'`);
  } finally {
    await admin.end();
  }
  const url = new URL(urlForDatabase(db.name));
  url.username = ROLE;
  url.password = PG_PASSWORD;
  pgUrl = url.toString();
  redisPort = await findFreePort();
  redisPid = (await startRedisServer({ port: redisPort, dir: os.tmpdir() })).pid;
  // Set after the start: the readiness PING of startRedisServer does not authenticate.
  const setup = new Redis(redisPort, '127.0.0.1');
  await setup.config('SET', 'requirepass', REDIS_PASSWORD);
  setup.disconnect();
  redisUrl = `redis://:${REDIS_PASSWORD}@127.0.0.1:${redisPort}`;
  outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-redact-'));
});

afterAll(async () => {
  if (redisPid) await stopRedisServer(redisPid);
  await db?.drop();
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => undefined);
  await admin.end();
  if (outDir) await fs.rm(outDir, { recursive: true, force: true });
});

/** Every secret the run knows, by what it is. */
function secrets(): Record<string, string> {
  const spec = resolveDatasetSpec(DATASET);
  const found: Record<string, string> = { 'pg password': PG_PASSWORD, 'redis password': REDIS_PASSWORD, 'app role password': APP_PASSWORD };
  for (const i of [0, 1, 2, 50, 199]) {
    found[`dataset password of user ${i}`] = passwordForUser(spec.seed, i, spec.passwordCount);
    found[`wrong password of user ${i}`] = wrongPasswordForUser(spec.seed, i, 0, spec.passwordCount);
  }
  return found;
}

/** Text patterns that are secret whatever their value: hashes and tokens. */
const SECRET_PATTERNS: Record<string, RegExp> = {
  'Argon2id hash': /\$argon2id\$/,
  'SCRAM verifier': /SCRAM-SHA-256\$/,
  'refresh token (<uuid>.<secret>)': /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}/i,
};

function expectNoSecret(where: string, text: string): void {
  for (const [what, value] of Object.entries(secrets())) expect(text.includes(value), `${what} in ${where}`).toBe(false);
  for (const [what, pattern] of Object.entries(SECRET_PATTERNS)) expect(pattern.test(text), `${what} in ${where}`).toBe(false);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

const scenarioText = (): string => `
name: redaction
seed: 4
target:
  kind: external
  pgUrl: ${pgUrl}
  redisUrl: ${redisUrl}
  allowNonEmpty: true
dataset:
  users: ${DATASET.users}
  seed: ${DATASET.seed}
load:
  rate: 60/s
  duration: 2s
  warmup: 0s
  connections: 4
  workers: 1
mix:
  - name: login-refresh
    steps:
      - op: auth.login
        options: { wrongPasswordShare: 30% }
      - op: token.refresh
  - op: session.validate
  - op: rbac.check
thresholds:
  auth.login: [ { threshold: "errors < 50%", minSamples: 1 } ]
`;

describe('redaction', () => {
  it('a real run writes no secret to results.json, report.html, junit.xml, the .hlog, the console or the progress lines', async () => {
    const plan = parseScenario(scenarioText(), 'redaction.yaml');
    let stdout = '';
    let progress = '';
    const { results, dir } = await runBenchmark(plan, {
      outDir: path.join(outDir, 'run'),
      progress: { write: (chunk: string) => (progress += chunk) },
      stdout: { write: (chunk: string) => (stdout += chunk) },
      reports: { html: true, junit: true, console: true },
      latenessBoundMs: 200,
    });
    // The run really used the secrets: it logged in, refreshed, and reached both servers with them.
    expect(results.operations.find((o) => o.key === 'auth.login')?.outcomes.granted ?? 0).toBeGreaterThan(0);
    expect(results.operations.find((o) => o.key === 'token.refresh')?.outcomes.rotated ?? 0).toBeGreaterThan(0);
    expect(results.target.pgUrl).toContain(`${ROLE}:***@`);
    expect(results.target.redisUrl).toContain(':***@');

    const files = await filesUnder(dir);
    expect(files.map((f) => path.basename(f)).sort()).toEqual(expect.arrayContaining(['results.json', 'report.html', 'junit.xml']));
    for (const file of files) expectNoSecret(path.basename(file), await fs.readFile(file, 'utf8'));
    expect(stdout).not.toBe('');
    expectNoSecret('console report', stdout);
    expectNoSecret('progress output', progress);
  });

  it('connection errors name the server but never the password (pg, Redis, provisioning)', async () => {
    const badPg = pgUrl.replace(/:(\d+)\//, `:${await findFreePort()}/`);
    const wrongPwPg = pgUrl.replace(PG_PASSWORD, `${PG_PASSWORD}x`);
    const wrongPwRedis = redisUrl.replace(REDIS_PASSWORD, `${REDIS_PASSWORD}x`);
    const closedRedisPort = await findFreePort();
    const attempts: [string, () => Promise<unknown>][] = [
      ['pg closed port', () => checkPostgres(badPg)],
      ['pg wrong password', () => checkPostgres(wrongPwPg)],
      ['pg malformed', () => checkPostgres(`postgres://u:${PG_PASSWORD}@[bad/db`)],
      ['redis wrong password', () => checkRedis(wrongPwRedis)],
      ['redis wrong password (load client)', () => connectLayerRedis(wrongPwRedis)],
      ['redis ?password=', () => checkRedis(`redis://127.0.0.1:${redisPort}/0?password=${REDIS_PASSWORD}x`)],
      ['external target, closed redis port', () => provisionTarget({ kind: 'external', pgUrl, redisUrl: `redis://:${REDIS_PASSWORD}@127.0.0.1:${closedRedisPort}` })],
      ['external target, invalid URL', () => provisionTarget({ kind: 'external', pgUrl: `mysql://u:${PG_PASSWORD}@h/db`, redisUrl })],
    ];
    for (const [name, attempt] of attempts) {
      const err = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAuthbenchError(err), name).toBe(true);
      // What the CLI prints, plus everything on the error a debug print could show (cause, command arguments).
      const text = isAuthbenchError(err) ? `${err.toUserText()}\n${inspect(err, { depth: 6 })}` : '';
      // The wrong passwords start with the right ones: one search covers both.
      expectNoSecret(`${name}: ${text}`, text);
    }
  });

  it('the CLI (a real process: its stdout, stderr and worker threads) leaks nothing, on success and on failure', async () => {
    const file = path.join(outDir, 'redaction.yaml');
    await fs.writeFile(file, scenarioText());
    const ok = await cli(['run', file, '--out', path.join(outDir, 'cli-run')]);
    expect([0, 1, 4], ok.stderr).toContain(ok.status); // 4: a busy box may judge the generator invalid
    expect(ok.stdout).toMatch(/auth\.login/);
    expectNoSecret('CLI stdout', ok.stdout);
    expectNoSecret('CLI stderr', ok.stderr);
    for (const f of await filesUnder(path.join(outDir, 'cli-run'))) expectNoSecret(`CLI ${path.basename(f)}`, await fs.readFile(f, 'utf8'));

    const wrong = await cli(['run', file, '--pg-url', pgUrl.replace(PG_PASSWORD, `${PG_PASSWORD}x`), '--out', path.join(outDir, 'cli-fail')], { AUTHBENCH_DEBUG: '1' });
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).toMatch(/rejected the credentials/);
    expectNoSecret('CLI stderr (wrong password)', `${wrong.stdout}\n${wrong.stderr}`);
    for (const f of await filesUnder(path.join(outDir, 'cli-fail')).catch(() => [])) expectNoSecret(`CLI ${path.basename(f)} (wrong password)`, await fs.readFile(f, 'utf8'));
  });

  // URLs that do not parse (or parse without a password) through the built CLI: the one redaction rule of
  // src/target/redact.ts. Every output of every case (stdout, stderr, each file written) is searched.
  describe('malformed URLs, keyword strings and garbage in DATABASE_URL (built CLI)', () => {
    let dead: net.Server;
    beforeAll(async () => {
      dead = net.createServer((socket) => socket.on('error', () => undefined));
      await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      dead.close();
    });
    it.each(URL_CASES.map((c) => [c.name, c] as const))('%s', async (name, c: HardeningCase) => {
      const dir = await fs.mkdtemp(path.join(outDir, 'url-'));
      const scenario = path.join(dir, 'hardening.yaml');
      await fs.writeFile(scenario, hardeningScenario());
      const ctx: CaseContext = {
        dir,
        scenario,
        pgUrl,
        redisUrl,
        redisPort,
        deadPort: (dead.address() as net.AddressInfo).port,
        sql: () => Promise.reject(new Error('no setup here')),
      };
      const out = await runCase(c, ctx);
      // The case's own secret is checked by runCase; this run's server passwords must not appear either.
      expectNoSecret(`${name}: stdout and stderr`, `${out.stdout}\n${out.stderr}`);
      for (const [file, text] of Object.entries(out.files)) expectNoSecret(`${name}: ${file}`, text);
    }, 60_000);
  });
});
