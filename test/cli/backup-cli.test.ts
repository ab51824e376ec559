// `authbench backup` and `authbench restore` refuse bad input with one paragraph and the right exit code before
// touching any server; --list reads an empty catalogue.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-backup-cli-'));
});

afterAll(async () => {
  await fs.rm(home, { recursive: true, force: true });
});

describe('backup and restore on the command line', () => {
  it('backup --retention that does not parse is exit 2, naming the flag', async () => {
    const out = await cli(['backup', '--retention', '7 days', '--data-dir', home]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('--retention: expected a period in days or weeks like 7d or 2w (1 day to 10 years), got "7 days"');
  });

  it('backup --full-at that is not a time of day, or --auto with --incremental, is exit 2 naming the flags', async () => {
    const at = await cli(['backup', '--auto', '--full-at', '25:00', '--data-dir', home]);
    expect(at.status).toBe(2);
    expect(at.stderr).toContain('--full-at: expected a time of day in UTC like 02:00, got "25:00"');
    const both = await cli(['backup', '--auto', '--incremental', '--data-dir', home]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--auto picks full or incremental itself; leave out --incremental (or --auto).');
  });

  it('backup --list on a home without backups says so', async () => {
    const out = await cli(['backup', '--list', '--data-dir', home]);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(`No backups in ${path.join(home, 'backups')}.\n`);
  });

  it('restore without an embedded cluster is exit 3 with a hint; without --to a usage error', async () => {
    const out = await cli(['restore', 'latest', '--to', path.join(home, 'r'), '--data-dir', home]);
    expect(out.status).toBe(3);
    expect(out.stderr).toContain(`${home} has no state.json: there is no embedded cluster (and so no backup catalogue) there.`);
    const usage = await cli(['restore', 'latest', '--data-dir', home]);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Missing required argument: to');
  });
});
