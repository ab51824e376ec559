// The CLI as a user runs it (node + tsx on src/cli/main.ts): exit codes and one-paragraph errors without stacks.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

/** One paragraph: no blank line, no stack frame. */
function expectOneParagraph(text: string): void {
  expect(text.trim()).not.toBe('');
  expect(text.trim()).not.toMatch(/\n\s*\n/);
  expect(text).not.toMatch(/^\s+at /m);
}

describe('authbench CLI', () => {
  it('--help lists the commands (exit 0)', async () => {
    const out = await cli(['--help']);
    expect(out.status).toBe(0);
    for (const command of ['doctor', 'provision', 'teardown', 'env']) expect(out.stdout).toContain(`authbench ${command}`);
  });

  it('an unknown flag is a usage error: exit 2, one paragraph', async () => {
    const out = await cli(['teardown', '--purgee']);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/^authbench: Unknown argument: purgee\. Did you mean --purge for --purgee\? Run `authbench --help`/);
    expect(out.stderr).toContain('[AB_ERR_USAGE]');
    expectOneParagraph(out.stderr);
  });

  it('no command is a usage error (exit 2)', async () => {
    const out = await cli([]);
    expect(out.status).toBe(2);
    expectOneParagraph(out.stderr);
  });

  it('a malformed URL is exit 2, names the flag and never shows the password', async () => {
    const out = await cli(['doctor', '--pg-url', 'postgres://app:hunter2@db:99999/auth']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--pg-url: "postgres://app:***@db:99999/auth" is not a valid URL');
    expect(out.stderr + out.stdout).not.toContain('hunter2');
    expectOneParagraph(out.stderr);
  });

  it('a malformed REDIS_URL in the environment names the variable', async () => {
    const out = await cli(['doctor'], { REDIS_URL: 'http://cache:6379' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('REDIS_URL: "http://cache:6379" must start with redis://');
  });

  it('run refuses a bad --baseline or --max-regression before any load (exit 2)', async () => {
    const missing = await cli(['run', 'scenarios/smoke.yaml', '--baseline', '/nonexistent/base.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/base.json');
    expect(missing.stderr).toContain('[AB_ERR_RESULTS_FILE]');
    expectOneParagraph(missing.stderr);
    const tolerance = await cli(['run', 'scenarios/smoke.yaml', '--baseline', '/nonexistent/base.json', '--max-regression', 'lots']);
    expect(tolerance.status).toBe(2);
    expect(tolerance.stderr).toContain('--max-regression: expected a percentage like 10% or a ratio like 0.1, got "lots"');
  });

  it('an infrastructure error is exit 3 with its code', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-cli-'));
    try {
      const out = await cli(['env', '--data-dir', dir]);
      expect(out.status).toBe(3);
      expect(out.stderr).toMatch(/^authbench: No provisioned servers are running .* Start them with `authbench provision`\. \[AB_ERR_STATE\]\n$/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('doctor reports the embedded target ready on this machine (exit 0)', async () => {
    const out = await cli(['doctor', '--json'], { DATABASE_URL: '', REDIS_URL: '' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as { targets: { embedded: { ready: boolean } }; checks: { name: string; ok: boolean }[] };
    expect(report.targets.embedded.ready).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['postgres (embedded)', 'redis-server', 'docker engine', 'pgbench', 'node']));
  });
});
