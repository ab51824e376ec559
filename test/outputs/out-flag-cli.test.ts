// `authbench run --out …` on the real CLI: an unknown kind, a bad remote-write URL or two directories are exit 2 with
// one paragraph naming the flag, before anything starts (no server, no report directory, no password shown).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-out-flag-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('authbench run --out KIND[=DEST]', () => {
  it('an unknown kind is exit 2 with did-you-mean, and nothing is started', async () => {
    const home = path.join(dir, 'home');
    const out = await cli(['run', 'scenarios/smoke.yaml', '--data-dir', home, '--out', 'prometheus=http://127.0.0.1:9/api/v1/write', '--out', path.join(dir, 'r')]);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toContain('--out: unknown output kind "prometheus"; did you mean prometheus-rw?');
    expect(out.stderr).toContain('[AB_ERR_USAGE]');
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expect(fs.stat(home)).rejects.toThrow();
    await expect(fs.stat(path.join(dir, 'r'))).rejects.toThrow();
  });

  it('a remote-write URL that does not parse is exit 2 without its password', async () => {
    const out = await cli(['run', 'scenarios/smoke.yaml', '--out', 'prometheus-rw=http://user:hunter2@:9090/api/v1/write']);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toContain('--out prometheus-rw: "http://user:***@:9090/api/v1/write" is not a URL');
    expect(out.stderr).not.toContain('hunter2');
  });

  it('--out given more than once is a list for run; two directories are refused', async () => {
    const out = await cli(['run', 'scenarios/smoke.yaml', '--out', path.join(dir, 'a'), '--out-dir', path.join(dir, 'b')]);
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toContain('--out: names 2 report directories');
  });
});
