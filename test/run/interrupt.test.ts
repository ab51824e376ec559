// Ctrl-C on the real CLI: `authbench run` as a child process gets SIGINT mid-run, stops within seconds with exit
// 130, and still writes results.json marked ABORTED with what it measured.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('sigint');

const scenario = `
name: sigint
description: SELECT 1 for long enough to be interrupted
load:
  model: open
  rate: 50/s
  duration: 60s
  warmup: 0s
  connections: 2
  workers: 2
mix:
  - op: sql
    options:
      query: SELECT 1
`;

it('SIGINT stops the run promptly, exits 130 and writes results.json marked ABORTED', async () => {
  const file = path.join(servers.outRoot, 'sigint.yaml');
  await fs.writeFile(file, scenario);
  const out = path.join(servers.outRoot, 'out');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'run', file, '--pg-url', servers.db.url, '--redis-url', servers.redis.url, '--out', out, '--allow-non-empty', '--no-html', '--no-junit'],
    { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Wait until the load has run for a couple of seconds.
  const deadline = Date.now() + 60_000;
  while (!/Load:/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(stderr).toMatch(/Load:/);
  await new Promise((r) => setTimeout(r, 2500));
  const signalledAt = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  expect(Date.now() - signalledAt).toBeLessThan(5000);
  expect(code).toBe(130);
  const results = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8'));
  expect(results.status).toBe('aborted');
  expect(results.verdict).toBe('ABORTED');
  expect(results.abortReason).toMatch(/SIGINT/);
  const sql = results.operations.find((o: { key: string }) => o.key === 'sql');
  expect(sql.count).toBeGreaterThan(20);
  expect(results.measuredWindow.endMs).toBeLessThan(10_000);
}, 90_000);
