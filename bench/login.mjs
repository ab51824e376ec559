// The login benchmark: who pays how much CPU per login. At fixed rates it runs, against ONE embedded server,
// (a) pgbench with a script of the reference login's two function calls, (b) pgbench with a naive login in a scratch
// database, (c) authbench's login workload, and samples the generator, the PostgreSQL process tree and redis-server
// over the same steady-state window of each run. docs/benchmarks.md ("login") explains every figure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { URL } from 'node:url';
import pg from 'pg';
import { fmt, loadavg, procSample, runSampled, table, treeCpuS, treeWakes } from './lib.mjs';

const IP_POOL = 10_000; // src/scenario/operations.ts IP_POOL_SIZE
const USER_AGENT = 'authbench/1.0';
/** A fixed 32-byte value where the application would send sha256(refresh secret): the database only stores it. */
const REFRESH_HASH = `\\x${'5a'.repeat(32)}`;
const WARMUP_S = 5;

/** The same draws as login.yaml: a uniform user, 5 % wrong passwords, an address of the 10 000-address pool. */
const DRAWS = (users) => [`\\set uid random(1, ${users})`, '\\set r random(1, 100)', `\\set ipn random(0, ${IP_POOL - 1})`, '\\set ip3 :ipn / 256', '\\set ip4 :ipn % 256'];
const IP = `('198.18.' || :ip3 || '.' || :ip4)::inet`;

/**
 * (a) The reference login as pgbench sends it: begin_login, then finish_login, one round trip each, like authbench.
 * pgbench cannot compute the dataset's usernames, so the login string comes from a primary-key probe inside the first
 * statement; the naive script below does the same probe, so both carry it.
 */
function referenceScript(users) {
  return [
    ...DRAWS(users),
    'SELECT user_id AS login_uid FROM auth.begin_login((SELECT username FROM auth.users WHERE id = :uid)) \\gset',
    `SELECT outcome FROM auth.finish_login(:login_uid, :r > 5, ${IP}, '${USER_AGENT}', '${REFRESH_HASH}'::bytea);`,
    '',
  ].join('\n');
}

/** (b) A naive login: SELECT by lower(username), INSERT a session and an event in one transaction; 3 indexes. */
function naiveScript(users) {
  return [
    ...DRAWS(users),
    'BEGIN;',
    'SELECT id AS login_uid FROM users WHERE lower(username) = lower((SELECT username FROM users WHERE id = :uid)) \\gset',
    '\\if :r > 5',
    `INSERT INTO sessions (jti, user_id, expires_at, ip, user_agent, refresh_token_hash) VALUES (gen_random_uuid(), :login_uid, now() + interval '1 hour', ${IP}, '${USER_AGENT}', '${REFRESH_HASH}'::bytea);`,
    `INSERT INTO events (event_type, user_id, ip) VALUES ('login.success', :login_uid, ${IP});`,
    '\\else',
    `INSERT INTO events (event_type, user_id, ip) VALUES ('login.failure', :login_uid, ${IP});`,
    '\\endif',
    'COMMIT;',
    '',
  ].join('\n');
}

const NAIVE_DDL = `
  CREATE TABLE users (id bigint PRIMARY KEY, username text NOT NULL, password_hash text NOT NULL, status text NOT NULL);
  CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
  CREATE TABLE sessions (jti uuid PRIMARY KEY, user_id bigint NOT NULL, issued_at timestamptz NOT NULL DEFAULT now(),
                         expires_at timestamptz NOT NULL, ip inet, user_agent text, refresh_token_hash bytea);
  CREATE TABLE events (occurred_at timestamptz NOT NULL DEFAULT now(), event_type text NOT NULL, user_id bigint, ip inet,
                       risk_score smallint NOT NULL DEFAULT 0, session_jti uuid);`;

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** pgbench reaches the server as authbench's workers do on the embedded target: over its Unix-domain socket. */
function overSocket(url, dataDir) {
  const u = new URL(url);
  u.searchParams.set('host', path.join(dataDir, 'pg17'));
  return u.toString();
}

/** A scratch database with the naive schema and the same users (ids, usernames, hashes) as the auth database. */
async function createNaiveDatabase(adminUrl) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('DROP DATABASE IF EXISTS authbench_naive');
    await admin.query('CREATE DATABASE authbench_naive');
    const users = await admin.query('SELECT u.id, u.username, c.password_hash, u.status FROM auth.users u JOIN auth.credentials c ON c.user_id = u.id ORDER BY u.id');
    const url = withDatabase(adminUrl, 'authbench_naive');
    const naive = new pg.Client({ connectionString: url });
    await naive.connect();
    try {
      await naive.query(NAIVE_DDL);
      const col = (k) => users.rows.map((r) => r[k]);
      await naive.query('INSERT INTO users SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])', [col('id'), col('username'), col('password_hash'), col('status')]);
      await naive.query('VACUUM (ANALYZE, FREEZE) users');
    } finally {
      await naive.end();
    }
    return { url, users: users.rowCount };
  } finally {
    await admin.end();
  }
}

/** What the servers have used so far (CPU s); read at the same instants as the generator. */
function serverCpu(server) {
  const redis = procSample(server.redisPid);
  return { pg: treeCpuS(server.postgresPid), redis: redis?.cpuS ?? Number.NaN, pgWakes: treeWakes(server.postgresPid), redisWakes: redis?.wakes ?? Number.NaN };
}

/** Per-login CPU (µs) of generator, PostgreSQL and Redis between two marks with `logins` finished between them. */
function perLogin(a, b, logins) {
  const us = (s) => (s * 1e6) / logins;
  return {
    windowS: (b.atMs - a.atMs) / 1000,
    logins,
    loginsPerSec: logins / ((b.atMs - a.atMs) / 1000),
    generatorUs: us(b.cpuS - a.cpuS),
    // The generator's CPU by thread: the load workers send; the main thread merges intervals, samples the servers'
    // evidence and prints progress (pgbench does none of that); the rest is V8's and libuv's helper threads.
    generatorThreadsUs: {
      loadWorkers: us(b.threads.loadWorkers - a.threads.loadWorkers),
      main: us(b.threads.main - a.threads.main),
      other: us(b.threads.other - a.threads.other),
    },
    postgresUs: us(b.extra.pg - a.extra.pg),
    redisUs: us(b.extra.redis - a.extra.redis),
    // Sleeps and wake-ups per login (counts, not times): on a VM each costs a few µs to tens of µs of CPU.
    generatorWakes: (b.wakes - a.wakes) / logins,
    postgresWakes: (b.extra.pgWakes - a.extra.pgWakes) / logins,
    redisWakes: (b.extra.redisWakes - a.extra.redisWakes) / logins,
  };
}

const PGBENCH_PROGRESS = /^progress: ([\d.]+) s, ([\d.]+) tps/;

async function runPgbenchLogin(ctx, label, url, script, rate) {
  const file = path.join(ctx.work, `${label}.sql`);
  fs.writeFileSync(file, script);
  const argv = ['-n', '-M', 'prepared', '-c', String(ctx.connections), '-j', '1', '-R', String(rate), '-T', String(WARMUP_S + ctx.durationS), '-P', '1', '-f', file];
  const before = loadavg();
  const r = await runSampled(ctx.pgbench, [...argv, url], { mark: PGBENCH_PROGRESS, extra: () => serverCpu(ctx.server) });
  if (r.code !== 0) throw new Error(`pgbench ${label} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const marks = r.marks.filter((m) => Number(m.match[1]) > WARMUP_S);
  if (marks.length < 2) throw new Error(`pgbench ${label}: too few progress lines after the warm-up`);
  // Each progress line reports the second that ends at it: the logins between the first and last mark.
  const logins = marks.slice(1).reduce((sum, m) => sum + Number(m.match[2]), 0);
  const skipped = Number(/number of transactions skipped: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  return {
    ...perLogin(marks[0], marks.at(-1), logins),
    // The script's two function calls, each its own transaction round trip (-M prepared, autocommit).
    roundTrips: 2,
    latencyAvgMs: Number(/latency average = ([\d.]+) ms/.exec(r.stdout)?.[1]),
    skipped,
    command: `pgbench ${argv.join(' ').replace(file, `${label}.sql`)} <url>`,
    script,
    loadavg: { before, after: loadavg() },
  };
}

/**
 * The authbench login variants of one run: `full` is login.yaml's workload (rate limit and session cache in Redis, a
 * signed access token); `pg-only` sends just the two function calls pgbench's reference script sends, so the two
 * generators do the same work and their CPU per login compares like for like.
 */
const VARIANT_OPTIONS = {
  full: '{ wrongPasswordShare: 5%, verify: none }',
  'pg-only': '{ wrongPasswordShare: 5%, verify: none, rateLimit: false, cacheSession: false, jwt: false }',
};

/** authbench's login workload as login.yaml has it (mix, options, durable commits), at a fixed rate, no early abort. */
function loginScenario(rate, ctx, variant = 'full') {
  return [
    `name: login-bench-${rate}`,
    "description: login.yaml's workload at a fixed rate (bench/login.mjs)",
    'seed: 42',
    'target: { kind: embedded, synchronousCommit: true, allowNonEmpty: true }',
    `dataset: { users: ${ctx.users}, seed: 1 }`,
    `load: { model: open, rate: ${rate}/s, duration: ${ctx.durationS}s, warmup: ${WARMUP_S}s, connections: ${ctx.connections}, workers: ${ctx.workers ?? 'auto'} }`,
    'mix:',
    '  - op: auth.login',
    '    params: { user: uniform }',
    `    options: ${VARIANT_OPTIONS[variant]}`,
    'thresholds:',
    '  auth.login/db: [p95 < 25ms]',
    '  auth.login: [errors < 0.1%]',
    `  run: [throughput >= ${Math.floor(rate * 0.99)}/s]`,
    '',
  ].join('\n');
}

const AUTHBENCH_PROGRESS = /^(\d+)s\/(\d+)s/;

async function runAuthbenchLogin(ctx, rate, label, { measure = true, serverSeries = true, variant = 'full' } = {}) {
  const file = path.join(ctx.work, `${label}.yaml`);
  fs.writeFileSync(file, loginScenario(rate, ctx, variant));
  const out = path.join(ctx.work, `run-${label}`);
  // The embedded target on the servers this benchmark provisioned: the workers use their Unix-domain sockets.
  const argv = [ctx.cli, 'run', file, '--data-dir', ctx.server.dataDir, '--out', out, '--html=false', '--junit=false', ...(serverSeries ? [] : ['--no-server-series'])];
  const before = loadavg();
  const r = await runSampled(process.execPath, argv, { mark: AUTHBENCH_PROGRESS, extra: () => serverCpu(ctx.server) });
  if (![0, 1, 4].includes(r.code)) throw new Error(`authbench ${label} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  if (!measure) return null;
  const marks = r.marks.filter((m) => Number(m.match[1]) > WARMUP_S);
  if (marks.length < 2) throw new Error(`authbench ${label}: too few progress lines after the warm-up`);
  const fromMs = Number(marks[0].match[1]) * 1000;
  const toMs = Number(marks.at(-1).match[1]) * 1000;
  const window = results.intervals.filter((i) => i.endMs > fromMs && i.endMs <= toMs);
  const logins = window.reduce((s, i) => s + (i.operations['auth.login']?.count ?? 0), 0);
  // Served: logins the database answered. An arrival that timed out waiting for a connection (or failed) costs the
  // generator little and the servers nothing; counting it as a login would flatter every figure per login.
  const failedOf = (i) => Object.values(i.operations['auth.login']?.errors ?? {}).reduce((a, b) => a + b, 0);
  const served = logins - window.reduce((s, i) => s + failedOf(i), 0);
  const login = results.operations.find((o) => o.key === 'auth.login');
  const db = results.operations.find((o) => o.key === 'auth.login/db');
  const countOf = (key) => results.operations.find((o) => o.key === key)?.count ?? 0;
  // Server round trips per login: the rate-limit script, begin + finish (one db sample is both), the session SET.
  // Per login the database answered (a pool timeout made none); the rate-limit script and the session SET are absent
  // in the pg-only variant.
  const answered = (login?.count ?? 0) - Object.values(login?.errors ?? {}).reduce((s, n) => s + n, 0);
  const roundTrips = answered > 0 ? (countOf('auth.login/ratelimit') + 2 * countOf('auth.login/db') + countOf('auth.login/cache')) / answered : Number.NaN;
  const g = results.generator;
  return {
    ...perLogin(marks[0], marks.at(-1), served),
    variant,
    finishedPerSec: logins / ((marks.at(-1).atMs - marks[0].atMs) / 1000),
    failedShare: logins > 0 ? (logins - served) / logins : Number.NaN,
    verdict: results.verdict,
    roundTrips,
    dbP95Ms: db?.latency.p95Ms,
    loginP95Ms: login?.latency.p95Ms,
    droppedOrLateShare: g.scheduled > 0 ? (g.dropped + g.late) / g.scheduled : Number.NaN,
    scheduleLagP99Ms: g.scheduleLagP99Ms,
    workers: results.load.workers,
    command: `node dist/cli/main.js run ${label}.yaml --data-dir <servers>`,
    scenario: fs.readFileSync(file, 'utf8'),
    loadavg: { before, after: loadavg() },
  };
}

/**
 * ctx: { work, server: { pgUrl, redisUrl, postgresPid, redisPid }, pgbench, cli, rates, durationS, connections,
 * users, rounds, workers }. Returns one row per rate and round; prints the table.
 */
export async function benchLogin(ctx) {
  // The first authbench run migrates and seeds (then reuses): a short one before anything is measured.
  console.log(`login: seeding ${ctx.users} users …`);
  await runAuthbenchLogin({ ...ctx, durationS: 1 }, 100, 'login-seed', { measure: false });
  if (ctx.tlsServer) await runAuthbenchLogin({ ...ctx, server: ctx.tlsServer, durationS: 1 }, 100, 'login-seed-tls', { measure: false });
  const naive = await createNaiveDatabase(ctx.server.pgUrl);
  // One unmeasured pass of both pgbench scripts first: whatever a fresh dataset, a fresh scratch database or the seed's
  // checkpoint still costs (first-touch page writes, autovacuum) must not land on whichever run happens to be first.
  console.log('login: warming both databases (not measured) …');
  const warm = { ...ctx, durationS: 10 };
  await runPgbenchLogin(warm, 'pgbench-reference-warm', overSocket(ctx.server.pgUrl, ctx.server.dataDir), referenceScript(ctx.users), ctx.rates[0]);
  await runPgbenchLogin(warm, 'pgbench-naive-warm', overSocket(naive.url, ctx.server.dataDir), naiveScript(ctx.users), ctx.rates[0]);
  const rows = [];
  for (const rate of ctx.rates) {
    for (let round = 1; round <= ctx.rounds; round++) {
      const reference = await runPgbenchLogin(ctx, `pgbench-reference-${rate}-r${round}`, overSocket(ctx.server.pgUrl, ctx.server.dataDir), referenceScript(ctx.users), rate);
      const naiveRun = await runPgbenchLogin(ctx, `pgbench-naive-${rate}-r${round}`, overSocket(naive.url, ctx.server.dataDir), naiveScript(ctx.users), rate);
      const authbench = await runAuthbenchLogin(ctx, rate, `authbench-login-${rate}-r${round}`);
      // The same run without the per-second host/server series (issue 12: recording them must cost ≤ 2 % of throughput).
      const noSeries = await runAuthbenchLogin(ctx, rate, `authbench-login-noseries-${rate}-r${round}`, { serverSeries: false });
      // The same two calls pgbench's reference script makes, and nothing else: the generators compared like for like.
      const pgOnly = await runAuthbenchLogin(ctx, rate, `authbench-login-pgonly-${rate}-r${round}`, { variant: 'pg-only' });
      // login.yaml's workload on the servers started with TLS: TCP + TLS to PostgreSQL and Redis instead of sockets.
      const tls = ctx.tlsServer ? await runAuthbenchLogin({ ...ctx, server: ctx.tlsServer }, rate, `authbench-login-tls-${rate}-r${round}`) : null;
      const row = {
        rate,
        round,
        connections: ctx.connections,
        pgbenchReference: reference,
        pgbenchNaive: naiveRun,
        authbench,
        authbenchNoSeries: noSeries,
        authbenchPgOnly: pgOnly,
        ...(tls ? { authbenchTls: tls } : {}),
        ratios: {
          ...(tls ? { tlsGeneratorVsPlain: tls.generatorUs / authbench.generatorUs, tlsPostgresVsPlain: tls.postgresUs / authbench.postgresUs, tlsRedisVsPlain: tls.redisUs / authbench.redisUs } : {}),
          pgOnlyGeneratorVsPgbench: pgOnly.generatorUs / reference.generatorUs,
          servedWithSeriesVsWithout: authbench.loginsPerSec / noSeries.loginsPerSec,
          generatorVsPgbench: authbench.generatorUs / reference.generatorUs,
          // The same ratio per server round trip: authbench's login makes about 4 (two of them to Redis), pgbench's 2.
          generatorPerRoundTripVsPgbench: authbench.generatorUs / authbench.roundTrips / (reference.generatorUs / reference.roundTrips),
          postgresReferenceVsNaive: reference.postgresUs / naiveRun.postgresUs,
          postgresAuthbenchVsNaive: authbench.postgresUs / naiveRun.postgresUs,
        },
      };
      rows.push(row);
      console.log(
        `login ${rate}/s round ${round}: generator ${fmt(authbench.generatorUs, 0)} (pg-only ${fmt(pgOnly.generatorUs, 0)}) vs pgbench ${fmt(reference.generatorUs, 0)} µs/login (×${fmt(row.ratios.generatorVsPgbench)}, pg-only ×${fmt(row.ratios.pgOnlyGeneratorVsPgbench)}); ` +
          `PostgreSQL ${fmt(reference.postgresUs, 0)} vs naive ${fmt(naiveRun.postgresUs, 0)} µs (×${fmt(row.ratios.postgresReferenceVsNaive)}); redis ${fmt(authbench.redisUs, 0)} µs (load ${authbench.loadavg.before})`,
      );
    }
  }
  return rows;
}

export function printLogin(rows) {
  table(
    'Login: CPU µs per login over the same steady-state window (generator | PostgreSQL tree | redis-server)',
    ['rate', 'who', 'served/s', 'gen µs', 'pg µs', 'redis µs', 'latency ms', 'verdict', 'loadavg'],
    rows.flatMap((r) => [
      [r.rate, 'pgbench reference', fmt(r.pgbenchReference.loginsPerSec, 0), fmt(r.pgbenchReference.generatorUs, 0), fmt(r.pgbenchReference.postgresUs, 0), fmt(r.pgbenchReference.redisUs, 0), `avg ${fmt(r.pgbenchReference.latencyAvgMs)}`, '', r.pgbenchReference.loadavg.before],
      [r.rate, 'pgbench naive', fmt(r.pgbenchNaive.loginsPerSec, 0), fmt(r.pgbenchNaive.generatorUs, 0), fmt(r.pgbenchNaive.postgresUs, 0), '', `avg ${fmt(r.pgbenchNaive.latencyAvgMs)}`, '', r.pgbenchNaive.loadavg.before],
      [r.rate, 'authbench login', fmt(r.authbench.loginsPerSec, 0), fmt(r.authbench.generatorUs, 0), fmt(r.authbench.postgresUs, 0), fmt(r.authbench.redisUs, 0), `db p95 ${fmt(r.authbench.dbP95Ms)}`, r.authbench.verdict, r.authbench.loadavg.before],
      [r.rate, 'authbench pg-only', fmt(r.authbenchPgOnly.loginsPerSec, 0), fmt(r.authbenchPgOnly.generatorUs, 0), fmt(r.authbenchPgOnly.postgresUs, 0), '', `db p95 ${fmt(r.authbenchPgOnly.dbP95Ms)}`, r.authbenchPgOnly.verdict, r.authbenchPgOnly.loadavg.before],
    ]),
  );
  const withTls = rows.filter((r) => r.authbenchTls);
  if (withTls.length > 0) {
    table(
      'What TLS costs a login (authbench login on servers with TLS vs the plaintext Unix-socket servers, same run)',
      ['rate', 'round', 'served/s plain', 'served/s TLS', 'gen µs plain', 'gen µs TLS', 'pg µs plain', 'pg µs TLS', 'redis µs plain', 'redis µs TLS'],
      withTls.map((r) => [r.rate, r.round, fmt(r.authbench.loginsPerSec, 0), fmt(r.authbenchTls.loginsPerSec, 0), fmt(r.authbench.generatorUs, 0), fmt(r.authbenchTls.generatorUs, 0), fmt(r.authbench.postgresUs, 0), fmt(r.authbenchTls.postgresUs, 0), fmt(r.authbench.redisUs, 0), fmt(r.authbenchTls.redisUs, 0)]),
    );
  }
  const cores = os.availableParallelism();
  table(
    `Login CPU budget on this machine (${cores} cores): what one authbench login costs all three processes`,
    ['rate', 'round', 'budget µs/login', 'generator', 'PostgreSQL', 'redis', 'total', 'share of the machine'],
    rows.map((r) => {
      const total = r.authbench.generatorUs + r.authbench.postgresUs + r.authbench.redisUs;
      const budget = (cores * 1e6) / r.rate;
      return [r.rate, r.round, fmt(budget, 0), fmt(r.authbench.generatorUs, 0), fmt(r.authbench.postgresUs, 0), fmt(r.authbench.redisUs, 0), fmt(total, 0), `${fmt((100 * total) / budget, 0)} %`];
    }),
  );
  table(
    "The generator's CPU per login by thread (load workers send; the main thread merges, samples the servers, prints)",
    ['rate', 'round', 'variant', 'load workers µs', 'main thread µs', 'other threads µs', 'total µs', 'pgbench µs'],
    rows.flatMap((r) =>
      [['login', r.authbench], ['pg-only', r.authbenchPgOnly], ['no series', r.authbenchNoSeries]].filter(([, v]) => v).map(([name, v]) => [
        r.rate, r.round, name, fmt(v.generatorThreadsUs.loadWorkers, 0), fmt(v.generatorThreadsUs.main, 0), fmt(v.generatorThreadsUs.other, 0), fmt(v.generatorUs, 0), fmt(r.pgbenchReference.generatorUs, 0),
      ]),
    ),
  );
  table(
    'Login wake-ups per login (voluntary context switches: a thread blocked and was woken; counts, not times)',
    ['rate', 'round', 'pgbench reference gen', 'authbench gen', 'PG (pgbench-driven)', 'PG (authbench-driven)', 'redis'],
    rows.map((r) => [r.rate, r.round, fmt(r.pgbenchReference.generatorWakes), fmt(r.authbench.generatorWakes), fmt(r.pgbenchReference.postgresWakes), fmt(r.authbench.postgresWakes), fmt(r.authbench.redisWakes)]),
  );
  table(
    'Cost of the per-second series (authbench login with and without --no-server-series, same run)',
    ['rate', 'round', 'served/s with', 'served/s without', 'with ÷ without', 'gen µs with', 'gen µs without', 'pg µs with', 'pg µs without'],
    rows.map((r) => [r.rate, r.round, fmt(r.authbench.loginsPerSec, 0), fmt(r.authbenchNoSeries.loginsPerSec, 0), fmt(r.ratios.servedWithSeriesVsWithout, 3), fmt(r.authbench.generatorUs, 0), fmt(r.authbenchNoSeries.generatorUs, 0), fmt(r.authbench.postgresUs, 0), fmt(r.authbenchNoSeries.postgresUs, 0)]),
  );
  table(
    'Login ratios (same run)',
    ['rate', 'round', 'generator ÷ pgbench', 'pg-only generator ÷ pgbench', 'round trips (authbench/pgbench)', 'generator ÷ pgbench per round trip', 'PG reference ÷ naive', 'PG authbench-driven ÷ naive', 'redis µs/login'],
    rows.map((r) => [r.rate, r.round, fmt(r.ratios.generatorVsPgbench), fmt(r.ratios.pgOnlyGeneratorVsPgbench), `${fmt(r.authbench.roundTrips)}/${r.pgbenchReference.roundTrips}`, fmt(r.ratios.generatorPerRoundTripVsPgbench), fmt(r.ratios.postgresReferenceVsNaive), fmt(r.ratios.postgresAuthbenchVsNaive), fmt(r.authbench.redisUs, 0)]),
  );
}
