// The pooler benchmark: what PgBouncer and the unnamed statement cost per query. pgbench sends user.lookup's one
// statement at a fixed rate with N clients, direct (named, unnamed) and through PgBouncer (transaction mode unnamed,
// session mode named), and authbench's own user.lookup direct and pooled; the CPU of the generator, the PostgreSQL
// tree and pgbouncer is read over the same window of each run. docs/benchmarks.md ("pooler") explains every figure.
import fs from 'node:fs';
import path from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { URL } from 'node:url';
import { fmt, loadavg, percentile, procSample, runSampled, table, treeCpuS } from './lib.mjs';

const WARMUP_S = 5;
const APP_ROLE = 'authbench_app';
const DATABASE = 'authbench';
/** What user.lookup sends for a lookup by id (src/authdb/queries.ts lookupUser). */
const LOOKUP = 'SELECT auth.lookup_user_by_id(:id) AS doc;';

/** The provisioned servers' ports, app password and data directory, from authbench's own state file. */
function serverFacts(server) {
  const state = JSON.parse(fs.readFileSync(path.join(server.dataDir, 'state.json'), 'utf8'));
  return { pgPort: state.running.postgres.port, appPassword: state.appPassword, socketDir: state.pgDataDir };
}

/** The app role over loopback TCP: direct to PostgreSQL and to each PgBouncer alike, so only the pooler differs. */
function appUrl(facts, port) {
  return `postgres://${APP_ROLE}:${encodeURIComponent(facts.appPassword)}@127.0.0.1:${port}/${DATABASE}?sslmode=disable`;
}

/** CPU s so far of each process whose cost is counted (read at the generator's marks). */
function serverCpu(ctx, pgbouncerPid) {
  const bouncer = pgbouncerPid?.() ?? undefined;
  return { pg: treeCpuS(ctx.server.postgresPid), pgbouncer: bouncer ? (procSample(bouncer)?.cpuS ?? Number.NaN) : 0 };
}

/** µs per query of each process between two marks with `queries` answered between them. */
function perQuery(a, b, queries) {
  const us = (s) => (s * 1e6) / queries;
  const generatorUs = us(b.cpuS - a.cpuS);
  const postgresUs = us(b.extra.pg - a.extra.pg);
  const pgbouncerUs = us(b.extra.pgbouncer - a.extra.pgbouncer);
  return { windowS: (b.atMs - a.atMs) / 1000, queries, queriesPerSec: queries / ((b.atMs - a.atMs) / 1000), generatorUs, postgresUs, pgbouncerUs, totalUs: generatorUs + postgresUs + pgbouncerUs };
}

/** Average and P95 (ms) of pgbench's per-transaction log after the warm-up; latency from the intended start under -R. */
function logLatency(dir, prefix) {
  const rows = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith(prefix))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const c = line.trim().split(/\s+/);
      if (c.length < 6 || c[2] === 'skipped') continue;
      rows.push({ epoch: Number(c[4]) + Number(c[5]) / 1e6, ms: Number(c[2]) / 1000 });
    }
  }
  const first = Math.min(...rows.map((r) => r.epoch));
  const ms = rows.filter((r) => r.epoch - first >= WARMUP_S).map((r) => r.ms).sort((x, y) => x - y);
  return { count: ms.length, latencyAvgMs: ms.length > 0 ? ms.reduce((s, x) => s + x, 0) / ms.length : Number.NaN, latencyP95Ms: percentile(ms, 95) };
}

const PGBENCH_PROGRESS = /^progress: ([\d.]+) s, ([\d.]+) tps/;

async function runPgbench(ctx, label, { url, mode, pgbouncerPid }) {
  const script = path.join(ctx.work, 'pooler-lookup.sql');
  fs.writeFileSync(script, `\\set id random(1, ${ctx.users})\n${LOOKUP}\n`);
  const logDir = fs.mkdtempSync(path.join(ctx.work, `pooler-${label}-`));
  const argv = ['-n', '-M', mode, '-c', String(ctx.clients), '-j', '1', '-R', String(ctx.rate), '-T', String(WARMUP_S + ctx.durationS), '-P', '1', '-l', '--log-prefix', 'pgb', '-f', script];
  const before = loadavg();
  const r = await runSampled(ctx.pgbench, [...argv, url], { cwd: logDir, mark: PGBENCH_PROGRESS, extra: () => serverCpu(ctx, pgbouncerPid) });
  if (r.code !== 0) throw new Error(`pgbench ${label} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const marks = r.marks.filter((m) => Number(m.match[1]) > WARMUP_S);
  if (marks.length < 2) throw new Error(`pgbench ${label}: too few progress lines after the warm-up`);
  // Each progress line reports the second that ends at it: the queries between the first and last mark.
  const queries = marks.slice(1).reduce((sum, m) => sum + Number(m.match[2]), 0);
  return {
    ...perQuery(marks[0], marks.at(-1), queries),
    ...logLatency(logDir, 'pgb'),
    skipped: Number(/number of transactions skipped: (\d+)/.exec(r.stdout)?.[1] ?? 0),
    command: `pgbench ${argv.join(' ').replace(script, 'pooler-lookup.sql')} <url>`,
    loadavg: { before, after: loadavg() },
  };
}

/** user.lookup by id at the same rate and clients, on the embedded target of the same servers; pooled or not. */
function lookupScenario(ctx, pooled, durationS = ctx.durationS) {
  return [
    `name: pooler-bench-${pooled ? 'pooled' : 'direct'}`,
    "description: user.lookup at a fixed rate, direct or through PgBouncer (bench/pooler.mjs)",
    'seed: 7',
    `target: { kind: embedded, allowNonEmpty: true${pooled ? `, pooler: pgbouncer, poolerPoolSize: ${ctx.poolSize}` : ''} }`,
    `dataset: { users: ${ctx.users}, seed: 1 }`,
    `load: { model: open, rate: ${ctx.rate}/s, duration: ${durationS}s, warmup: ${WARMUP_S}s, connections: ${ctx.clients}, workers: 1 }`,
    'mix:',
    '  - op: user.lookup',
    '    params: { user: uniform }',
    '    options: { by: id }',
    '',
  ].join('\n');
}

const AUTHBENCH_PROGRESS = /^(\d+)s\/(\d+)s/;

async function runAuthbench(ctx, label, pooled, { measure = true, durationS } = {}) {
  const file = path.join(ctx.work, `${label}.yaml`);
  fs.writeFileSync(file, lookupScenario(ctx, pooled, durationS));
  const out = path.join(ctx.work, `run-${label}`);
  const argv = [ctx.cli, 'run', file, '--data-dir', ctx.server.dataDir, '--out', out, '--html=false', '--junit=false'];
  // The pgbouncer this run starts writes its pid here; read at each mark (absent until it runs).
  const pidFile = path.join(ctx.server.dataDir, 'pgbouncer', 'pgbouncer.pid');
  const pgbouncerPid = pooled ? () => Number(fs.readFileSync(pidFile, 'utf8').trim()) || undefined : undefined;
  const before = loadavg();
  const r = await runSampled(process.execPath, argv, { mark: AUTHBENCH_PROGRESS, extra: () => serverCpu(ctx, pgbouncerPid) });
  if (![0, 1, 4].includes(r.code)) throw new Error(`authbench ${label} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  if (!measure) return null;
  const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  // Off a terminal authbench prints its progress every 5 s: from the warm-up's end (5 s) on.
  const marks = r.marks.filter((m) => Number(m.match[1]) >= WARMUP_S);
  if (marks.length < 2) throw new Error(`authbench ${label}: too few progress lines after the warm-up (its progress comes every 5 s: --pooler-duration 6 or more)`);
  const fromMs = Number(marks[0].match[1]) * 1000;
  const toMs = Number(marks.at(-1).match[1]) * 1000;
  const window = results.intervals.filter((i) => i.endMs > fromMs && i.endMs <= toMs);
  const answered = window.reduce((s, i) => s + (i.operations['user.lookup']?.count ?? 0) - Object.values(i.operations['user.lookup']?.errors ?? {}).reduce((a, b) => a + b, 0), 0);
  const lookup = results.operations.find((o) => o.key === 'user.lookup');
  return {
    ...perQuery(marks[0], marks.at(-1), answered),
    latencyAvgMs: lookup?.latency.meanMs,
    latencyP95Ms: lookup?.latency.p95Ms,
    verdict: results.verdict,
    workerTransport: results.target.workerTransport,
    ...(results.server?.pooler ? { pooler: results.server.pooler } : {}),
    command: `node dist/cli/main.js run ${label}.yaml --data-dir <servers>`,
    scenario: fs.readFileSync(file, 'utf8'),
    loadavg: { before, after: loadavg() },
  };
}

/**
 * Runs `use` with a PgBouncer of the benchmark's own (authbench's ini from this checkout's dist/, onto PostgreSQL's
 * Unix socket, as target.pooler starts it), stopped after it, so its backends never idle through another run.
 */
async function withBouncer(ctx, facts, mode, poolSize, use) {
  const { startPgbouncer, stopPgbouncer } = await import(new URL('../dist/target/pgbouncer.js', import.meta.url).href);
  const { findFreePort } = await import(new URL('../dist/target/free-port.js', import.meta.url).href);
  const running = await startPgbouncer({
    dir: path.join(ctx.work, `pgbouncer-${mode}`),
    port: await findFreePort(),
    server: { port: facts.pgPort, database: DATABASE, socketDir: facts.socketDir },
    user: { name: APP_ROLE, password: facts.appPassword },
    poolSize,
    maxClients: ctx.clients + 10,
    poolMode: mode,
  });
  try {
    return await use(running);
  } finally {
    await stopPgbouncer(running.pid);
  }
}

/**
 * ctx: { work, server: { dataDir, postgresPid }, pgbench, cli, rate, clients, poolSize, durationS, users, rounds }.
 * Returns one row per round.
 */
export async function benchPooler(ctx) {
  // The first authbench run migrates, seeds and sets the app role's password; unmeasured.
  console.log(`pooler: seeding ${ctx.users} users …`);
  await runAuthbench(ctx, 'pooler-seed', false, { measure: false, durationS: 1 });
  const facts = serverFacts(ctx.server);
  const pooled = (mode, poolSize, label, pgbenchMode) =>
    withBouncer(ctx, facts, mode, poolSize, (b) => runPgbench(ctx, label, { url: appUrl(facts, b.port), mode: pgbenchMode, pgbouncerPid: () => b.pid }));
  const rows = [];
  const direct = appUrl(facts, facts.pgPort);
  // One unmeasured pass, so the first measured run does not pay for a cold cache.
  await runPgbench({ ...ctx, durationS: 3 }, 'warm', { url: direct, mode: 'prepared' });
  for (let round = 1; round <= ctx.rounds; round++) {
    const named = await runPgbench(ctx, `direct-named-r${round}`, { url: direct, mode: 'prepared' });
    const unnamed = await runPgbench(ctx, `direct-unnamed-r${round}`, { url: direct, mode: 'extended' });
    const txPooled = await pooled('transaction', ctx.poolSize, `transaction-unnamed-r${round}`, 'extended');
    // Session mode keeps a backend per client: the pool holds every client.
    const sessionPooled = await pooled('session', ctx.clients, `session-named-r${round}`, 'prepared');
    // authbench's own generator: its workers use the plaintext servers' Unix socket direct, TCP to PgBouncer pooled.
    const abDirect = await runAuthbench(ctx, `authbench-direct-r${round}`, false);
    const abPooled = await runAuthbench(ctx, `authbench-pooled-r${round}`, true);
    const row = {
      round,
      rate: ctx.rate,
      clients: ctx.clients,
      poolSize: ctx.poolSize,
      pgbenchDirectNamed: named,
      pgbenchDirectUnnamed: unnamed,
      pgbenchTransactionUnnamed: txPooled,
      pgbenchSessionNamed: sessionPooled,
      authbenchDirect: abDirect,
      authbenchPooled: abPooled,
      ratios: {
        postgresUnnamedVsNamed: unnamed.postgresUs / named.postgresUs,
        generatorUnnamedVsNamed: unnamed.generatorUs / named.generatorUs,
        totalTransactionPooledVsDirectUnnamed: txPooled.totalUs / unnamed.totalUs,
        totalTransactionPooledVsDirectNamed: txPooled.totalUs / named.totalUs,
        totalSessionPooledVsDirectNamed: sessionPooled.totalUs / named.totalUs,
        postgresTransactionPooledVsDirectUnnamed: txPooled.postgresUs / unnamed.postgresUs,
        authbenchTotalPooledVsDirect: abPooled.totalUs / abDirect.totalUs,
        latencyAvgTransactionPooledVsDirectNamed: txPooled.latencyAvgMs / named.latencyAvgMs,
      },
    };
    rows.push(row);
    console.log(
      `pooler round ${round}: total µs/query direct named ${fmt(named.totalUs, 0)}, unnamed ${fmt(unnamed.totalUs, 0)}, transaction-pooled ${fmt(txPooled.totalUs, 0)}, session-pooled ${fmt(sessionPooled.totalUs, 0)}; ` +
        `authbench direct ${fmt(abDirect.totalUs, 0)}, pooled ${fmt(abPooled.totalUs, 0)} (load ${named.loadavg.before})`,
    );
  }
  return rows;
}

const TOPOLOGIES = [
  ['pgbenchDirectNamed', '(a) pgbench direct, -M prepared'],
  ['pgbenchDirectUnnamed', '(b) pgbench direct, -M extended'],
  ['pgbenchTransactionUnnamed', '(c) pgbench → PgBouncer transaction, -M extended'],
  ['pgbenchSessionNamed', '(d) pgbench → PgBouncer session, -M prepared'],
  ['authbenchDirect', '(e) authbench direct (Unix socket)'],
  ['authbenchPooled', '(e) authbench → PgBouncer transaction'],
];

export function printPooler(rows) {
  table(
    'Pooler: CPU µs per query over the same window (generator | PostgreSQL tree | pgbouncer), user.lookup by id at a fixed rate',
    ['round', 'topology', 'served/s', 'gen µs', 'pg µs', 'bouncer µs', 'total µs', 'avg ms', 'p95 ms', 'loadavg'],
    rows.flatMap((r) =>
      TOPOLOGIES.map(([key, label]) => {
        const x = r[key];
        return [r.round, label, fmt(x.queriesPerSec, 0), fmt(x.generatorUs, 1), fmt(x.postgresUs, 1), fmt(x.pgbouncerUs, 1), fmt(x.totalUs, 1), fmt(x.latencyAvgMs, 3), fmt(x.latencyP95Ms, 3), x.loadavg.before];
      }),
    ),
  );
  table(
    'Pooler ratios (same run)',
    ['round', 'PG unnamed ÷ named', 'gen unnamed ÷ named', 'tx-pooled ÷ direct unnamed', 'tx-pooled ÷ direct named', 'session-pooled ÷ direct named', 'authbench pooled ÷ direct'],
    rows.map((r) => [r.round, fmt(r.ratios.postgresUnnamedVsNamed), fmt(r.ratios.generatorUnnamedVsNamed), fmt(r.ratios.totalTransactionPooledVsDirectUnnamed), fmt(r.ratios.totalTransactionPooledVsDirectNamed), fmt(r.ratios.totalSessionPooledVsDirectNamed), fmt(r.ratios.authbenchTotalPooledVsDirect)]),
  );
}
