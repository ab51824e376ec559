// Three shard processes against one real PostgreSQL 17 + redis-server, merged: exactly R × duration scheduled, one
// audit row per login attempt (no arrival ran twice), counts summed; a killed shard, a shard of another run and
// skewed clocks are INVALID or exit 2 naming the shard; bad shard flags are exit 2 before anything starts.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/results/types.js';
import { BUILT_CLI, builtCli } from '../support/cli.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('shards');
const RATE = 150;
const DURATION_S = 3;
const WARMUP_S = 2;
/**
 * Time for three shard processes to start on a shared 2-core box before their common start. 10 s (twice the
 * product's default, src/shard/local-shards.ts) was not enough in one CI run: a shard that misses the start by more
 * than the 2 s warm-up refuses to run.
 */
const LEAD_MS = 30_000;

/** The built CLI (what `npx authbench` runs; npm ci builds it): from source, tsx makes every shard process start slowly. */
const cli = (args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof builtCli> => builtCli(args, { env, timeoutMs: 150_000 });

const scenario = (seed: number): string => `
name: sharded-login
seed: ${seed}
dataset: { users: 300, seed: 5 }
load: { model: open, rate: ${RATE}/s, duration: ${DURATION_S}s, warmup: ${WARMUP_S}s, connections: 12, workers: 1 }
mix:
  - op: auth.login
    params: { user: "uniform(1, 300)" }
    options: { wrongPasswordShare: 0%, verify: none }
thresholds:
  auth.login: [errors < 50%]
`;

let file: string;
let otherFile: string;
const targetArgs = (): string[] => ['--pg-url', servers.db.url, '--redis-url', servers.redis.url, '--allow-non-empty'];
const readJson = async (file: string): Promise<RunResults> => JSON.parse(await fs.readFile(file, 'utf8')) as RunResults;

beforeAll(async () => {
  file = path.join(servers.outRoot, 'sharded.yaml');
  otherFile = path.join(servers.outRoot, 'other.yaml');
  await fs.writeFile(file, scenario(3));
  await fs.writeFile(otherFile, scenario(4));
});

async function loginEvents(): Promise<number> {
  const client = new pg.Client({ connectionString: servers.db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>("SELECT count(*)::text AS n FROM auth.security_events WHERE event_type LIKE 'login.%'");
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Shard K of N of `file` as its own process, started on `startAtMs`. */
function startShard(scenarioFile: string, k: number, n: number, startAtMs: number, dir: string): { exit: Promise<number | null>; kill: () => void } {
  const child = spawn(process.execPath, [BUILT_CLI, 'run', scenarioFile, '--shard', `${k}/${n}`, '--start-at', String(startAtMs), '--out', dir, '--no-html', '--no-junit', ...targetArgs()], {
    stdio: 'ignore',
  });
  return { exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))), kill: () => child.kill('SIGKILL') };
}

describe('sharded run', () => {
  let merged: RunResults;
  let shards: RunResults[];
  const out = (): string => path.join(servers.outRoot, 'three');

  it('3 local shards at R: R × duration scheduled, one audit row per login attempt, counts summed', async () => {
    const before = await loginEvents().catch(() => 0);
    const run = await cli(['run', file, '--shards', '3', '--out', out(), '--no-html', '--quiet', ...targetArgs()], { AUTHBENCH_SHARDS_LEAD_MS: String(LEAD_MS) });
    if (process.env.SHARD_TEST_DEBUG) process.stderr.write(run.stderr);
    expect(run.stderr).toContain('Starting 3 shard processes');
    merged = await readJson(path.join(out(), 'results.json'));
    // The merged run's reports as `run` was asked: no HTML, JUnit, and on standard output only the verdict line.
    expect(Object.keys(merged.artifacts).sort()).toEqual(['hlog', 'junit', 'results']);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/^(PASS|FAIL|INVALID|INCONCLUSIVE)\b/);
    shards = await Promise.all([0, 1, 2].map((k) => readJson(path.join(out(), 'shards', `shard-${k}`, 'results.json'))));
    expect(shards.map((s) => s.shard?.index)).toEqual([0, 1, 2]);
    // The schedule is split exactly: over the whole run (warm-up included) the shards scheduled R × (warm-up +
    // duration) arrivals between them, each once, and the measured window exactly R × duration (a worker counts an
    // arrival in the interval it was due in, however late its event loop reached it).
    const scheduledOf = (r: RunResults): number => Math.round(r.intervals.reduce((a, p) => a + (p.targetRate ?? 0) * ((p.endMs - p.startMs) / 1000), 0));
    expect(scheduledOf(merged)).toBe(RATE * (DURATION_S + WARMUP_S));
    expect(shards.reduce((a, s) => a + scheduledOf(s), 0)).toBe(RATE * (DURATION_S + WARMUP_S));
    expect(merged.generator.scheduled).toBe(shards.reduce((a, s) => a + s.generator.scheduled, 0));
    expect(merged.generator.scheduled).toBe(RATE * DURATION_S);
    expect(merged.merge?.shards.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    const login = merged.operations.find((o) => o.key === 'auth.login')!;
    expect(login.count).toBe(shards.reduce((a, s) => a + (s.operations.find((o) => o.key === 'auth.login')?.count ?? 0), 0));
    expect(merged.load.connections).toBe(12);
    // Every login attempt writes one security event: as many rows as iterations ran, in the warm-up too, less those
    // that timed out waiting for a connection (they never reached the database). Had an arrival run in two shards,
    // rows would exceed the schedule's arrivals.
    const ran = merged.intervals.reduce((a, p) => a + (p.operations['auth.login']?.count ?? 0), 0);
    const dropped = merged.intervals.reduce((a, p) => a + p.dropped, 0);
    const poolTimeouts = merged.intervals.reduce((a, p) => a + (p.poolTimeouts ?? 0), 0);
    expect((await loginEvents()) - before).toBe(ran - poolTimeouts);
    expect(ran + dropped).toBe(RATE * (DURATION_S + WARMUP_S));
    // Thresholds are judged once, on the merged data; the shards judge none.
    expect(shards.every((s) => s.thresholds.length === 0)).toBe(true);
    expect(merged.thresholds.map((t) => t.samples)).toEqual([login.count]);
    expect(merged.merge?.clockSpreadMs).not.toBeNull();
    const expected = merged.verdict === 'INVALID' ? 4 : merged.verdict === 'PASS' ? 0 : 1;
    expect(run.status).toBe(expected);
    // The merged results are results like any other: report and compare read them.
    const report = await cli(['report', path.join(out(), 'results.json'), '--no-html', '--no-junit']);
    expect(report.stdout).toContain('sharded-login');
    // (--allow-invalid: on a crowded machine the merged run may be INVALID, which compare refuses without it.)
    const compare = await cli(['compare', path.join(out(), 'results.json'), path.join(out(), 'results.json'), '--allow-invalid']);
    expect(compare.status).toBe(0);
  }, 180_000);

  it('a shard of another run is exit 2 naming it; skewed clocks make the merge INVALID naming the shards', async () => {
    const copy = path.join(servers.outRoot, 'skewed');
    await fs.cp(path.join(out(), 'shards'), copy, { recursive: true });
    const shard2 = path.join(copy, 'shard-2', 'results.json');
    const r = await readJson(shard2);
    await fs.writeFile(shard2, JSON.stringify({ ...r, shard: { ...r.shard, clock: { ...r.shard!.clock, offsetMs: r.shard!.clock!.offsetMs + 250 } } }));
    const skewed = await cli(['merge', ...[0, 1, 2].map((k) => path.join(copy, `shard-${k}`)), '--out', path.join(servers.outRoot, 'skewed-merged'), '--no-html', '--no-junit']);
    expect(skewed.status).toBe(4);
    const result = await readJson(path.join(servers.outRoot, 'skewed-merged', 'results.json'));
    expect(result.verdict).toBe('INVALID');
    expect(result.generator.invalidReasons[0]).toMatch(/^the shards' clocks differ by 2\d\d\.\d ms against the database server \(shard 0 .*shard 2 .*\), more than the lateness bound \(10 ms\)/);

    const foreign = path.join(copy, 'shard-1', 'results.json');
    const f = await readJson(foreign);
    await fs.writeFile(foreign, JSON.stringify({ ...f, scenario: { ...f.scenario, name: 'other' }, shard: { ...f.shard, runDigest: 'another' } }));
    const other = await cli(['merge', ...[0, 1, 2].map((k) => path.join(out(), 'shards', `shard-${k}`)).slice(0, 1), path.join(copy, 'shard-1'), '--out', path.join(servers.outRoot, 'x')]);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain(`${path.join(copy, 'shard-1', 'results.json')} shard: shard 1 belongs to another run (scenario "other"`);
    const notShard = await cli(['merge', servers.outRoot]);
    expect(notShard.status).toBe(2);
  }, 60_000);

  it('a shard killed mid-run makes the merge INVALID naming it; the others\' results are kept', async () => {
    const root = path.join(servers.outRoot, 'killed');
    const prepared = await cli(['prepare', otherFile, ...targetArgs()]);
    expect(prepared.status).toBe(0);
    const startAtMs = Date.now() + LEAD_MS;
    const dirs = [0, 1, 2].map((k) => path.join(root, `shard-${k}`));
    const running = dirs.map((dir, k) => startShard(otherFile, k, 3, startAtMs, dir));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAtMs - Date.now()) + 2000));
    running[1]!.kill();
    const codes = await Promise.all(running.map((r) => r.exit));
    expect(codes[1]).toBeNull();
    const merge = await cli(['merge', ...dirs, '--out', path.join(root, 'merged'), '--no-html', '--no-junit']);
    expect(merge.status).toBe(4);
    const result = await readJson(path.join(root, 'merged', 'results.json'));
    expect(result.verdict).toBe('INVALID');
    expect(result.generator.invalidReasons[0]).toBe(`shard 1 of 3 missing (no results.json in ${dirs[1]}: killed or still running?): the merged run lacks its share of the load`);
    // What the other shards measured is in the merged results.
    expect(result.merge?.shards.filter((s) => s.status === 'completed').map((s) => s.index)).toEqual([0, 2]);
    expect(result.operations.find((o) => o.key === 'auth.login')!.count).toBeGreaterThan(0);

    // A shard of another scenario in the merge: exit 2, naming the shard.
    const mixed = await cli(['merge', dirs[0]!, path.join(out(), 'shards', 'shard-1')]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/shard 1 belongs to another run \(scenario "sharded-login", seed 3, dataset seed 5, 3 shards, start .*\) than shard 0 in .* \(scenario "sharded-login", seed 4, dataset seed 5, /);
  }, 120_000);

  it('bad shard flags are exit 2 before anything starts', async () => {
    const cases: [string[], RegExp][] = [
      [['--shard', '3/3'], /--shard: shard 3 of 3 does not exist: K counts from 0/],
      [['--shard', 'x'], /--shard: expected K\/N \(shard K of N, K from 0\), got "x"/],
      [['--shard', '0/3', '--start-at', String(Date.now() - 60_000)], /--start-at: .* s in the past, more than the warm-up \(2\.0 s\)/],
      [['--start-at', String(Date.now() + 60_000)], /--start-at: only with --shard K\/N/],
    ];
    for (const [flags, message] of cases) {
      const run = await cli(['run', file, ...flags, ...targetArgs()]);
      expect(run.status, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('    at ');
    }
  }, 60_000);
});
