// authbench's benchmarks, side by side with pgbench in the same run against ONE embedded PostgreSQL 17 started here:
// login CPU per login, generator efficiency (closed model), open-model accuracy, memory; older ones on request.
// `npm run bench -- [--only login,generator,accuracy,memory,redis-client,pg-client,tokens,pooler,seed,argon2,metrics] [--long] ...`; docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import console from 'node:console';
import process from 'node:process';
import { fmt, loadavg, percentile, runSampled, table } from './lib.mjs';
import { benchLogin, printLogin } from './login.mjs';
import { benchPooler, printPooler } from './pooler.mjs';
import { benchRedisClient, printRedisClient } from './redis-client.mjs';
import { benchTokens, printTokens } from './tokens.mjs';
import { benchPgClient, printPgClient } from './pg-client.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['login', 'generator', 'accuracy', 'memory', 'redis-client', 'pg-client', 'tokens', 'pooler', 'seed', 'argon2', 'metrics'];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'login,generator,accuracy,memory' },
    long: { type: 'boolean', default: false },
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '8,32' },
    rate: { type: 'string', default: '2000' },
    'accuracy-connections': { type: 'string', default: '32' },
    'latency-limit': { type: 'string', default: '10' },
    'memory-vus': { type: 'string', default: '750' },
    scale: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    'login-rates': { type: 'string', default: '1000,2000' },
    'login-duration': { type: 'string', default: '20' },
    'login-connections': { type: 'string', default: '64' },
    // Also run authbench's login against a second set of servers started with TLS (the shipped embedded default).
    'login-tls': { type: 'boolean', default: false },
    'pooler-rate': { type: 'string', default: '2000' },
    'pooler-clients': { type: 'string', default: '64' },
    'pooler-pool-size': { type: 'string', default: '16' },
    'pooler-duration': { type: 'string', default: '20' },
    users: { type: 'string', default: '100000' },
    workers: { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Another build's CLI, e.g. an older commit's worktree, to measure a change side by side.
    cli: { type: 'string' },
  },
});
const CLI = path.resolve(args.cli ?? path.join(ROOT, 'dist', 'cli', 'main.js'));
const only = args.only.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only) if (!ALL.includes(name)) throw new RangeError(`--only: unknown benchmark "${name}" (one of ${ALL.join(', ')})`);
const durationS = Number(args.duration);
const rounds = Number(args.rounds);
const memoryS = args.long ? 600 : 60;

// ---------- small helpers ----------

function findPgbench() {
  const bindir = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [bindir.status === 0 ? path.join(bindir.stdout.trim(), 'pgbench') : null, '/usr/bin/pgbench'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('pgbench not found (pg_config --bindir, /usr/bin/pgbench): install postgresql-client');
  return found;
}

function pgbenchVersion(pgbench) {
  return spawnSync(pgbench, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

// ---------- the one server ----------

async function cli(argv, env) {
  const r = spawnSync(process.execPath, [CLI, ...argv], { encoding: 'utf8', env: env ?? process.env });
  if (r.status !== 0) throw new Error(`authbench ${argv.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

async function startServer(dataDir, { tls = false } = {}) {
  // Plaintext, so the workers reach the servers over their Unix-domain sockets, as pgbench does here: the benchmark
  // compares the generators, not TLS (which the shipped embedded target turns on; see docs/security.md). With
  // --login-tls a second set starts with TLS, to measure what TLS costs a login.
  await cli(['provision', '--data-dir', dataDir, ...(tls ? [] : ['--no-tls'])]);
  const env = JSON.parse(await cli(['env', '--data-dir', dataDir, '--json']));
  // The servers' pids, to sample their CPU beside the generator's (the state file is authbench's own record).
  const running = JSON.parse(fs.readFileSync(path.join(dataDir, 'state.json'), 'utf8')).running;
  return { dataDir, pgUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, postgresPid: running.postgres.pid, redisPid: running.redis.pid };
}

// ---------- authbench runs ----------

const QUERY = 'SELECT abalance FROM pgbench_accounts WHERE aid = $1';

function scenarioYaml({ name, load }) {
  return [
    `name: ${name}`,
    'description: pgbench -S equivalent (bench/run-all.mjs)',
    'seed: 1',
    'target: { kind: external, allowNonEmpty: true }',
    'load:',
    ...Object.entries(load).map(([k, v]) => `  ${k}: ${v}`),
    'mix:',
    '  - op: sql',
    '    options:',
    `      query: ${QUERY}`,
    `      params: [ "uniform(1, ${Number(args.scale) * 100_000})" ]`,
    '',
  ].join('\n');
}

const PROGRESS = /^(\d+)s\/(\d+)s/;

async function runAuthbench(work, server, name, load) {
  const file = path.join(work, `${name}.yaml`);
  fs.writeFileSync(file, scenarioYaml({ name, load }));
  const out = path.join(work, `run-${name}`);
  const argv = [CLI, 'run', file, '--pg-url', server.pgUrl, '--redis-url', server.redisUrl, '--out', out, '--html=false', '--junit=false'];
  const before = loadavg();
  const r = await runSampled(process.execPath, argv, { mark: PROGRESS });
  if (r.code !== 0 && r.code !== 4) throw new Error(`authbench run ${name} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  return { results, run: r, command: `node dist/cli/main.js run ${name}.yaml --pg-url … --redis-url …`, scenario: fs.readFileSync(file, 'utf8'), loadavg: { before, after: loadavg() } };
}

/** Iterations per second and CPU µs per iteration of the whole authbench process between two progress marks. */
function steadyState(results, marks, warmupMs) {
  const measured = marks.filter((m) => Number(m.match[1]) * 1000 > warmupMs);
  if (measured.length < 2) return null;
  const a = measured[0];
  const b = measured.at(-1);
  const fromMs = Number(a.match[1]) * 1000;
  const toMs = Number(b.match[1]) * 1000;
  const iterations = results.intervals.filter((i) => i.endMs > fromMs && i.endMs <= toMs).reduce((s, i) => s + Object.values(i.operations).reduce((t, o) => t + o.count, 0), 0);
  return { windowS: (toMs - fromMs) / 1000, iterations, cpuUsPerIteration: ((b.cpuS - a.cpuS) * 1e6) / iterations, cpuCores: (b.cpuS - a.cpuS) / ((b.atMs - a.atMs) / 1000) };
}

function totalIterations(results) {
  return results.intervals.reduce((s, i) => s + Object.values(i.operations).reduce((t, o) => t + o.count, 0), 0);
}

// ---------- pgbench runs ----------

async function runPgbench(pgbench, server, argv, cwd) {
  const before = loadavg();
  const r = await runSampled(pgbench, [...argv, server.pgUrl], { cwd });
  if (r.code !== 0) throw new Error(`pgbench ${argv.join(' ')} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1]);
  const processed = Number(/number of transactions actually processed: (\d+)/.exec(r.stdout)?.[1]);
  const skipped = Number(/number of transactions skipped: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  const cpuS = r.last?.cpuS ?? Number.NaN;
  return { tps, processed, skipped, cpuUsPerTransaction: (cpuS * 1e6) / processed, stdout: r.stdout, command: `pgbench ${argv.join(' ')} <url>`, loadavg: { before, after: loadavg() } };
}

/** P50/P95 of pgbench's per-transaction log (-l): latency includes the schedule lag under -R, like ours. */
function pgbenchLogPercentiles(dir, prefix, skipFirstS) {
  const latency = [];
  const service = [];
  const lag = [];
  let firstEpoch = Infinity;
  const rows = [];
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith(prefix))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const c = line.trim().split(/\s+/);
      if (c.length < 7 || c[2] === 'skipped') continue;
      const epoch = Number(c[4]) + Number(c[5]) / 1e6;
      firstEpoch = Math.min(firstEpoch, epoch);
      rows.push([epoch, Number(c[2]), Number(c[6])]);
    }
  }
  for (const [epoch, timeUs, lagUs] of rows) {
    if (epoch - firstEpoch < skipFirstS) continue;
    latency.push(timeUs / 1000);
    service.push((timeUs - lagUs) / 1000);
    lag.push(lagUs / 1000);
  }
  for (const a of [latency, service, lag]) a.sort((x, y) => x - y);
  return { count: latency.length, latencyP50: percentile(latency, 50), latencyP95: percentile(latency, 95), serviceP50: percentile(service, 50), serviceP95: percentile(service, 95), lagP50: percentile(lag, 50), lagP99: percentile(lag, 99) };
}

// ---------- the benchmarks ----------

async function benchGenerator(ctx) {
  const rows = [];
  for (const connections of args.connections.split(',').map(Number)) {
    for (let round = 1; round <= rounds; round++) {
      const load = { model: 'closed', vus: connections, duration: `${durationS}s`, warmup: '2s', ...(args.workers ? { workers: Number(args.workers) } : {}) };
      const ab = await runAuthbench(ctx.work, ctx.server, `generator-c${connections}-r${round}`, load);
      const workers = ab.results.load.workers;
      const measured = ab.results.operations.find((o) => o.key === 'sql');
      const abTps = measured.throughputPerSec;
      const steady = steadyState(ab.results, ab.run.marks, 2000);
      const pgb = await runPgbench(ctx.pgbench, ctx.server, ['-n', '-S', '-M', 'prepared', '-c', String(connections), '-j', String(workers), '-T', String(durationS)]);
      const row = {
        connections,
        round,
        generatorThreads: workers,
        authbenchTps: abTps,
        pgbenchTps: pgb.tps,
        ratio: abTps / pgb.tps,
        authbenchCpuUsPerIteration: steady?.cpuUsPerIteration ?? Number.NaN,
        authbenchCpuUsPerIterationInclSetup: ((ab.run.last?.cpuS ?? Number.NaN) * 1e6) / totalIterations(ab.results),
        authbenchCpuCores: steady?.cpuCores ?? Number.NaN,
        pgbenchCpuUsPerTransaction: pgb.cpuUsPerTransaction,
        authbenchP50Ms: measured.latency.p50Ms,
        pgbenchLatencyAvgMs: Number(/latency average = ([\d.]+) ms/.exec(pgb.stdout)?.[1]),
        verdict: ab.results.verdict,
        loadavg: { authbench: ab.loadavg, pgbench: pgb.loadavg },
        commands: { authbench: ab.command, pgbench: pgb.command },
        scenario: ab.scenario,
      };
      rows.push(row);
      console.log(`generator c=${connections} round ${round}: authbench ${fmt(abTps, 0)}/s, pgbench ${fmt(pgb.tps, 0)}/s, ratio ${fmt(row.ratio)}; CPU ${fmt(row.authbenchCpuUsPerIteration, 1)} µs/it vs pgbench ${fmt(row.pgbenchCpuUsPerTransaction, 1)} µs/tx (load ${ab.loadavg.before})`);
    }
  }
  return rows;
}

async function benchAccuracy(ctx) {
  const rate = Number(args.rate);
  const connections = Number(args['accuracy-connections']);
  const limit = args['latency-limit'];
  const rows = [];
  for (let round = 1; round <= rounds; round++) {
    const load = { model: 'open', rate: `${rate}/s`, duration: `${durationS}s`, warmup: '2s', connections, ...(args.workers ? { workers: Number(args.workers) } : {}) };
    const ab = await runAuthbench(ctx.work, ctx.server, `accuracy-r${round}`, load);
    const workers = ab.results.load.workers;
    const sql = ab.results.operations.find((o) => o.key === 'sql');
    const logDir = fs.mkdtempSync(path.join(ctx.work, 'pgbench-log-'));
    const pgb = await runPgbench(ctx.pgbench, ctx.server, ['-n', '-S', '-M', 'prepared', '-c', String(connections), '-j', String(workers), '-T', String(durationS + 2), '-R', String(rate), '--latency-limit', limit, '-l', '--log-prefix', 'pgb'], logDir);
    const p = pgbenchLogPercentiles(logDir, 'pgb', 2);
    const g = ab.results.generator;
    const row = {
      rate,
      connections,
      round,
      generatorThreads: workers,
      authbench: {
        count: sql.count,
        latencyP50Ms: sql.latency.p50Ms,
        latencyP95Ms: sql.latency.p95Ms,
        serviceP50Ms: sql.service.p50Ms,
        serviceP95Ms: sql.service.p95Ms,
        scheduleLagP99Ms: g.scheduleLagP99Ms,
        droppedOrLateShare: g.scheduled > 0 ? (g.dropped + g.late) / g.scheduled : Number.NaN,
        verdict: ab.results.verdict,
        cpuUsPerIteration: steadyState(ab.results, ab.run.marks, 2000)?.cpuUsPerIteration ?? Number.NaN,
      },
      pgbench: { ...p, skippedShare: pgb.skipped / (pgb.processed + pgb.skipped), cpuUsPerTransaction: pgb.cpuUsPerTransaction },
      ratios: { latencyP50: sql.latency.p50Ms / p.latencyP50, latencyP95: sql.latency.p95Ms / p.latencyP95, serviceP50: sql.service.p50Ms / p.serviceP50, serviceP95: sql.service.p95Ms / p.serviceP95 },
      loadavg: { authbench: ab.loadavg, pgbench: pgb.loadavg },
      commands: { authbench: ab.command, pgbench: pgb.command },
      scenario: ab.scenario,
    };
    rows.push(row);
    console.log(`accuracy ${rate}/s round ${round}: latency P50 ${fmt(sql.latency.p50Ms, 3)} vs ${fmt(p.latencyP50, 3)} ms, P95 ${fmt(sql.latency.p95Ms, 3)} vs ${fmt(p.latencyP95, 3)} ms (load ${ab.loadavg.before})`);
  }
  return rows;
}

async function benchMemory(ctx) {
  const vus = Number(args['memory-vus']);
  const load = { model: 'closed', vus, connections: vus, duration: `${memoryS}s`, warmup: '5s', thinkTime: '500ms..1000ms', ...(args.workers ? { workers: Number(args.workers) } : {}) };
  const name = `memory-${vus}vus-${memoryS}s`;
  const file = path.join(ctx.work, `${name}.yaml`);
  fs.writeFileSync(file, scenarioYaml({ name, load }));
  const out = path.join(ctx.work, `run-${name}`);
  const before = loadavg();
  const r = await runSampled(process.execPath, [CLI, 'run', file, '--pg-url', ctx.server.pgUrl, '--redis-url', ctx.server.redisUrl, '--out', out, '--html=false', '--junit=false'], { everyMs: 1000, mark: PROGRESS });
  if (r.code !== 0 && r.code !== 4) throw new Error(`authbench memory run exited ${r.code}:\n${r.stderr.slice(-2000)}`);
  const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
  // The load window: from the first progress line after the warm-up to the last one.
  const loadMarks = r.marks.filter((m) => Number(m.match[1]) * 1000 > 5000);
  const from = loadMarks[0]?.atMs ?? 0;
  const to = loadMarks.at(-1)?.atMs ?? Infinity;
  const window = r.samples.filter((s) => s.atMs >= from && s.atMs <= to);
  const mb = (b) => b / (1024 * 1024);
  // Least-squares slope of RSS over the measured window, MB per minute.
  let slope = Number.NaN;
  if (window.length >= 3) {
    const xs = window.map((s) => (s.atMs - from) / 60_000);
    const ys = window.map((s) => mb(s.rssBytes));
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  }
  const row = {
    vus,
    connections: vus,
    durationS: memoryS,
    generatorThreads: results.load.workers,
    iterations: results.operations.find((o) => o.key === 'sql')?.count ?? 0,
    connectionsPeak: results.server?.connectionsPeak,
    rssAtLoadStartMb: mb(window[0]?.rssBytes ?? Number.NaN),
    rssPeakMb: mb(Math.max(...r.samples.map((s) => s.rssBytes))),
    rssAtEndMb: mb(window.at(-1)?.rssBytes ?? Number.NaN),
    rssSlopeMbPerMin: slope,
    // GC makes RSS a sawtooth: compare the highs of the two halves rather than trusting the slope alone.
    rssFirstHalfMaxMb: mb(Math.max(...window.slice(0, Math.floor(window.length / 2)).map((s) => s.rssBytes))),
    rssSecondHalfMaxMb: mb(Math.max(...window.slice(Math.floor(window.length / 2)).map((s) => s.rssBytes))),
    rssSeriesMb: window.map((s) => Math.round(mb(s.rssBytes) * 10) / 10),
    verdict: results.verdict,
    loadavg: { before, after: loadavg() },
    command: `node dist/cli/main.js run ${name}.yaml --pg-url … --redis-url …`,
    scenario: fs.readFileSync(file, 'utf8'),
  };
  console.log(`memory ${vus} VUs ${memoryS}s: RSS ${fmt(row.rssAtLoadStartMb, 0)} → ${fmt(row.rssAtEndMb, 0)} MB (peak ${fmt(row.rssPeakMb, 0)}; max 1st half ${fmt(row.rssFirstHalfMaxMb, 0)}, 2nd half ${fmt(row.rssSecondHalfMaxMb, 0)}) (load ${before})`);
  return row;
}

async function benchScript(name, script, extra = []) {
  const before = loadavg();
  const started = Date.now();
  const r = spawnSync('npx', ['tsx', path.join('bench', script), ...extra], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  process.stdout.write(r.stdout);
  if (r.status !== 0) process.stderr.write(r.stderr);
  return { exitCode: r.status, seconds: (Date.now() - started) / 1000, command: `npx tsx bench/${script} ${extra.join(' ')}`.trim(), output: r.stdout, loadavg: { before, after: loadavg() } };
}

// ---------- main ----------

async function main() {
  if (!fs.existsSync(CLI)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  const needsServer = only.some((b) => ['login', 'generator', 'accuracy', 'memory', 'redis-client', 'pg-client', 'pooler'].includes(b));
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, memoryGiB: os.totalmem() / 2 ** 30, kernel: os.release() },
    node: process.version,
    argv: process.argv.slice(2),
    cli: path.relative(ROOT, CLI),
    loadavgAtStart: loadavg(),
    benchmarks: {},
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-bench-'));
  // Running as root, PostgreSQL runs as "postgres" and must be able to enter the data directory's parents.
  fs.chmodSync(work, 0o755);
  const dataDir = path.join(work, 'servers');
  const tlsDataDir = path.join(work, 'servers-tls');
  let server = null;
  let tlsServer = null;
  let stopping = false;
  const teardown = () => {
    if (stopping || !server) return;
    stopping = true;
    spawnSync(process.execPath, [CLI, 'teardown', '--data-dir', dataDir], { stdio: 'ignore' });
    if (tlsServer) spawnSync(process.execPath, [CLI, 'teardown', '--data-dir', tlsDataDir], { stdio: 'ignore' });
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      teardown();
      process.exit(130);
    });
  }
  try {
    if (needsServer) {
      const pgbench = findPgbench();
      report.pgbench = pgbenchVersion(pgbench);
      console.log(`Starting one embedded PostgreSQL 17 + redis in ${dataDir} …`);
      server = await startServer(dataDir);
      const init = spawnSync(pgbench, ['-i', '-q', '-s', args.scale, server.pgUrl], { encoding: 'utf8' });
      if (init.status !== 0) throw new Error(`pgbench -i failed:\n${init.stderr}`);
      report.pgbenchScale = Number(args.scale);
      if (args['login-tls'] && only.includes('login')) {
        console.log(`Starting a second PostgreSQL 17 + redis with TLS in ${tlsDataDir} …`);
        tlsServer = await startServer(tlsDataDir, { tls: true });
      }
      const ctx = { work, server, pgbench };
      if (only.includes('login')) {
        report.benchmarks.login = await benchLogin({
          ...ctx,
          cli: CLI,
          rates: args['login-rates'].split(',').map(Number),
          durationS: Number(args['login-duration']),
          connections: Number(args['login-connections']),
          users: Number(args.users),
          rounds,
          workers: args.workers,
          tlsServer,
        });
      }
      if (only.includes('generator')) report.benchmarks.generator = await benchGenerator(ctx);
      if (only.includes('accuracy')) report.benchmarks.accuracy = await benchAccuracy(ctx);
      if (only.includes('memory')) report.benchmarks.memory = await benchMemory(ctx);
      if (only.includes('redis-client')) report.benchmarks.redisClient = await benchRedisClient(ctx);
      if (only.includes('pg-client')) report.benchmarks.pgClient = await benchPgClient({ ...ctx, scale: Number(args.scale) });
      if (only.includes('pooler')) {
        report.benchmarks.pooler = await benchPooler({
          ...ctx,
          cli: CLI,
          rate: Number(args['pooler-rate']),
          clients: Number(args['pooler-clients']),
          poolSize: Number(args['pooler-pool-size']),
          durationS: Number(args['pooler-duration']),
          users: Number(args.users),
          rounds,
        });
      }
    }
  } finally {
    teardown();
    if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
  }
  if (only.includes('tokens')) report.benchmarks.tokens = benchTokens();
  if (only.includes('seed')) report.benchmarks.seed = await benchScript('seed', 'seed.ts', ['--users', '100000']);
  if (only.includes('argon2')) report.benchmarks.argon2 = await benchScript('argon2', 'argon2.ts', ['--quick']);
  if (only.includes('metrics')) report.benchmarks.metrics = await benchScript('metrics', 'metrics.ts', ['--quick']);

  const b = report.benchmarks;
  if (b.login) printLogin(b.login);
  if (b.redisClient) printRedisClient(b.redisClient);
  if (b.pgClient) printPgClient(b.pgClient);
  if (b.tokens) printTokens(b.tokens);
  if (b.pooler) printPooler(b.pooler);
  if (b.generator) {
    table(
      'Generator efficiency (closed model, pgbench -S -M prepared, same connections and threads)',
      ['conns', 'threads', 'authbench/s', 'pgbench/s', 'ratio', 'ab µs/it', 'pgb µs/tx', 'loadavg'],
      b.generator.map((r) => [r.connections, r.generatorThreads, fmt(r.authbenchTps, 0), fmt(r.pgbenchTps, 0), fmt(r.ratio), fmt(r.authbenchCpuUsPerIteration, 1), fmt(r.pgbenchCpuUsPerTransaction, 1), r.loadavg.authbench.before]),
    );
  }
  if (b.accuracy) {
    table(
      `Accuracy (open model / pgbench -R, latency from the intended start; pgbench log without its first 2 s)`,
      ['rate', 'conns', 'lat P50 ab', 'pgb', 'lat P95 ab', 'pgb', 'svc P50 ab', 'pgb', 'late+drop ab', 'skipped pgb', 'loadavg'],
      b.accuracy.map((r) => [r.rate, r.connections, fmt(r.authbench.latencyP50Ms, 3), fmt(r.pgbench.latencyP50, 3), fmt(r.authbench.latencyP95Ms, 3), fmt(r.pgbench.latencyP95, 3), fmt(r.authbench.serviceP50Ms, 3), fmt(r.pgbench.serviceP50, 3), `${fmt(r.authbench.droppedOrLateShare * 100)} %`, `${fmt(r.pgbench.skippedShare * 100)} %`, r.loadavg.authbench.before]),
    );
  }
  if (b.memory) {
    const m = b.memory;
    table(
      'Memory (authbench process RSS: main thread + workers, sampled every second)',
      ['VUs', 'conns', 'seconds', 'iterations', 'start MB', 'max 1st half', 'max 2nd half', 'end MB', 'MB/min', 'loadavg'],
      [[m.vus, m.connectionsPeak ?? 'n/a', m.durationS, m.iterations, fmt(m.rssAtLoadStartMb, 0), fmt(m.rssFirstHalfMaxMb, 0), fmt(m.rssSecondHalfMaxMb, 0), fmt(m.rssAtEndMb, 0), fmt(m.rssSlopeMbPerMin, 2), m.loadavg.before]],
    );
  }
  fs.mkdirSync(path.join(ROOT, 'reports'), { recursive: true });
  const file = path.join(ROOT, 'reports', `bench-${report.date.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nSummary: ${path.relative(ROOT, file)}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
