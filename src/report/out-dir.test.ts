// The report directory check before any server starts: bad paths are exit 2, too little disk is exit 3, and the
// check leaves nothing behind.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthbenchError, ExitCode } from '../errors.js';
import { assertReportDirectoryWritable } from './out-dir.js';

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-out-'));
  await fs.writeFile(path.join(root, 'file'), '');
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function failure(dir: string, minFreeBytes?: number): Promise<AuthbenchError> {
  const err: unknown = await assertReportDirectoryWritable(dir, { flag: '--out', ...(minFreeBytes === undefined ? {} : { minFreeBytes }) }).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthbenchError);
  return err as AuthbenchError;
}

describe('assertReportDirectoryWritable', () => {
  it('accepts a new directory and leaves nothing behind', async () => {
    await assertReportDirectoryWritable(path.join(root, 'a', 'b', 'c'), { flag: '--out' });
    expect(await fs.readdir(root)).toEqual(['file']);
  });

  it('accepts an existing directory and removes its probe', async () => {
    await fs.mkdir(path.join(root, 'existing'));
    await fs.writeFile(path.join(root, 'existing', 'keep'), '');
    await assertReportDirectoryWritable(path.join(root, 'existing'), { flag: '--out' });
    expect(await fs.readdir(path.join(root, 'existing'))).toEqual(['keep']);
    await fs.rm(path.join(root, 'existing'), { recursive: true });
  });

  it.each([
    ['', '--out: must not be empty; give the directory the reports go to.'],
    ['file', '"<root>/file" is a file, not a directory.'],
    ['file/sub', '"<root>/file/sub" is under "<root>/file", which is a file, not a directory.'],
  ])('refuses %j with exit 2 naming --out and the path', async (relative, message) => {
    const dir = relative === '' ? '' : path.join(root, relative);
    const err = await failure(dir);
    expect(err.exitCode).toBe(ExitCode.invalidInput);
    expect(err.code).toBe('AB_ERR_OUT_DIR');
    expect(err.message).toContain(message.replaceAll('<root>', root));
    expect(err.message).toMatch(/^--out: /);
  });

  it('refuses too little free space with exit 3', async () => {
    const err = await failure(root, Number.MAX_SAFE_INTEGER);
    expect(err.exitCode).toBe(ExitCode.infrastructure);
    expect(err.code).toBe('AB_ERR_DISK_FULL');
    expect(err.message).toMatch(/^--out: only .* free on the file system of ".*"; a run needs at least .* for its reports\.$/);
  });
});
