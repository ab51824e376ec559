// Ctrl-C / SIGTERM on the real CLI with the embedded target (authbench starts and owns PostgreSQL + redis-server):
// during the load the run writes results.json marked ABORTED, then stops the servers, exit 130; during seeding it
// says "aborted during seed"; a second Ctrl-C exits at once. No server process outlives the CLI in any case.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState } from '../../src/target/state.js';
import { teardownEmbedded } from '../../src/target/teardown.js';
import { processesMentioning, processTree, startCli, waitUntilGone, type CliProcess } from './cli-process.js';

let home: string;
let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-interrupt-'));
  await fs.chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must traverse it
  home = path.join(dir, 'home');
});

afterAll(async () => {
  await teardownEmbedded({ dataDir: home, purge: true }).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
});

/** A login + validation scenario on a small dataset; `users`/`datasetSeed` decide whether the run must seed anew. */
async function scenarioFile(name: string, users: number, datasetSeed: number): Promise<string> {
  const file = path.join(dir, `${name}.yaml`);
  await fs.writeFile(
    file,
    `
name: ${name}
description: interrupted on purpose
seed: 1
dataset:
  users: ${users}
  seed: ${datasetSeed}
load:
  model: open
  rate: 100/s
  duration: 60s
  warmup: 0s
  connections: 4
  workers: 2
mix:
  - op: auth.login
    params:
      user: uniform(1, ${users})
  - op: session.validate
`,
  );
  return file;
}

function runCli(file: string, out: string): CliProcess {
  return startCli(['run', file, '--target', 'embedded', '--data-dir', home, '--out', out, '--no-html', '--no-junit']);
}

/** The servers' process trees while they run: the postmaster with its backends, and redis-server. */
async function serverProcesses(): Promise<number[]> {
  const running = (await readState(home))?.running;
  expect(running, 'state.json records the running servers').toBeDefined();
  return [...processTree(running!.postgres.pid), running!.redis.pid];
}

describe('interrupting authbench run (embedded target)', () => {
  it('Ctrl-C during the load: results.json ABORTED with what was measured, servers stopped after it, exit 130', async () => {
    const out = path.join(dir, 'out-load');
    const cli = runCli(await scenarioFile('sigint-load', 2000, 7), out);
    // The first progress line: the load has run for a second (worker threads take a moment to start under tsx).
    await cli.waitFor(/1s\/60s/, 90_000);
    await new Promise((r) => setTimeout(r, 500));
    const servers = await serverProcesses();
    const signalledAt = Date.now();
    cli.ctrlC(); // the whole process group, as a terminal does: the servers must not get it (their own group)
    const exit = await cli.exited;
    expect(exit.code, cli.stderr()).toBe(130);
    expect(exit.atMs - signalledAt).toBeLessThan(5000);
    const results = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8'));
    expect(results).toMatchObject({ status: 'aborted', verdict: 'ABORTED', abortReason: 'SIGINT received' });
    const login = results.operations.find((o: { key: string }) => o.key === 'auth.login');
    expect(login?.count).toBeGreaterThan(20);
    // The servers were still up while the run finished: no failed iteration, and the closing server evidence was read.
    expect(login?.errors).toEqual({});
    expect(results.server).not.toBeNull();
    expect(results.measuredWindow.endMs).toBeLessThan(5000);
    expect(await fs.readdir(out)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
    expect(await waitUntilGone(servers)).toEqual([]);
    expect((await readState(home))?.running).toBeUndefined();
    expect(cli.stderr()).toMatch(/SIGINT received, stopping the load/);
  }, 120_000);

  it('a second SIGINT exits at once (no results) and still leaves no server running', async () => {
    const out = path.join(dir, 'out-twice');
    const cli = runCli(await scenarioFile('sigint-twice', 2000, 7), out);
    await cli.waitFor(/1s\/60s/);
    const servers = await serverProcesses();
    cli.ctrlC();
    await new Promise((r) => setTimeout(r, 50));
    const signalledAt = Date.now();
    cli.ctrlC();
    const exit = await cli.exited;
    expect(exit.code, cli.stderr()).toBe(130);
    expect(exit.atMs - signalledAt).toBeLessThan(1000);
    expect(cli.stderr()).toMatch(/SIGINT again, exiting now/);
    expect(await waitUntilGone(servers)).toEqual([]);
  }, 90_000);

  it('SIGTERM during seeding: "aborted during seed", nothing written, servers stopped, exit 130', async () => {
    const out = path.join(dir, 'out-seed');
    // Another dataset than the previous tests', so the run must seed it (20 000 users take a few seconds).
    const cli = runCli(await scenarioFile('sigterm-seed', 20_000, 8), out);
    await cli.waitFor(/Seeding 20000 users/);
    const servers = await serverProcesses();
    await new Promise((r) => setTimeout(r, 200));
    const signalledAt = Date.now();
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit.code, cli.stderr()).toBe(130);
    expect(exit.atMs - signalledAt).toBeLessThan(5000);
    expect(cli.stderr()).toMatch(/Aborted during seed: the load had not started.*rolled back/);
    expect(cli.stderr()).not.toMatch(/Load:/);
    await expect(fs.access(path.join(out, 'results.json'))).rejects.toThrow();
    expect(await waitUntilGone(servers)).toEqual([]);
  }, 90_000);

  it('authbench seed: SIGINT rolls the seeding back, stops the servers it started, exit 130', async () => {
    const cli = startCli(['seed', '--target', 'embedded', '--data-dir', home, '--users', '100000', '--seed', '99']);
    // No progress line without a terminal: wait for the servers, then for the seeding to be under way.
    const deadline = Date.now() + 60_000;
    while (!(await readState(home))?.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const servers = await serverProcesses();
    await new Promise((r) => setTimeout(r, 800));
    const signalledAt = Date.now();
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code, cli.stderr()).toBe(130);
    expect(exit.atMs - signalledAt).toBeLessThan(5000);
    expect(cli.stderr()).toMatch(/SIGINT received, rolling the seeding back/);
    expect(cli.stderr()).toMatch(/Seeding was interrupted; the database keeps its previous dataset/);
    expect(await waitUntilGone(servers)).toEqual([]);
  }, 90_000);

  it('SIGINT while provisioning (initdb of a new data directory): "aborted during provision", no server left, exit 130', async () => {
    const fresh = path.join(dir, 'fresh-home');
    const cli = startCli(['run', await scenarioFile('sigint-provision', 2000, 7), '--target', 'embedded', '--data-dir', fresh, '--out', path.join(dir, 'out-provision'), '--no-html', '--no-junit']);
    const deadline = Date.now() + 30_000;
    while (!(await fs.stat(path.join(fresh, 'pg17')).then(() => true, () => false)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    expect(exit.code, cli.stderr()).toBe(130);
    expect(cli.stderr()).toMatch(/Aborted during provision/);
    expect((await readState(fresh))?.running).toBeUndefined();
    expect(processesMentioning(fresh)).toEqual([]);
    await teardownEmbedded({ dataDir: fresh, purge: true });
  }, 90_000);
});
