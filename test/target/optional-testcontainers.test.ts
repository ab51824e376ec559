// testcontainers is optional: an embedded run never loads it, and --target docker without it stops with the install
// command (exit 3) instead of a stack trace. The package is hidden from the CLI child by a resolve hook.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const HIDE = path.resolve(import.meta.dirname, '../support/without-testcontainers.mjs');
const env = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${HIDE}`.trim() };

describe('testcontainers is optional', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-no-tc-'));
    await fs.chmod(dir, 0o755); // the embedded PostgreSQL runs as the postgres OS user
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('the hook really hides it: --target docker stops with the install command, exit 3, no stack trace', async () => {
    const r = await cli(['run', 'scenarios/smoke.yaml', '--target', 'docker', '--out', path.join(dir, 'docker')], env);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('the optional package testcontainers, which is not installed');
    expect(r.stderr).toContain('`npm install testcontainers`');
    expect(r.stderr).toContain('[AB_ERR_TESTCONTAINERS_MISSING]');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('an embedded run completes without it', async () => {
    const out = path.join(dir, 'embedded');
    const r = await cli(['run', 'scenarios/smoke.yaml', '--data-dir', path.join(dir, 'home'), '--out', out, '--duration', '1s', '--warmup', '0s', '--no-html', '--no-junit', '--quiet'], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^(PASS|FAIL|INCONCLUSIVE|INVALID) — /);
    await expect(fs.stat(path.join(out, 'results.json'))).resolves.toBeTruthy();
  }, 120_000);

  it('doctor says the docker target needs it and how to install it', async () => {
    const r = await cli(['doctor'], env);
    expect(r.stdout + r.stderr).toContain('the optional package testcontainers is not installed');
    expect(r.stdout + r.stderr).toContain('npm install testcontainers');
  });
});
