// Reading a scenario refuses, before reading, what cannot be one: pipes and devices (which would block or never end),
// oversized files; and reads standard input for `-`, with the same byte bound.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { MAX_SCENARIO_BYTES, readScenarioSource, STDIN_LABEL, STDIN_SENTINEL } from './read-source.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-read-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function refusal(file: string, stdin?: Readable): Promise<string> {
  const err: unknown = await readScenarioSource(file, stdin).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInputError);
  const issue = (err as InvalidInputError).issues[0]!;
  return `${issue.file} ${issue.path}: ${issue.message}`;
}

describe('readScenarioSource', () => {
  it('reads a regular file', async () => {
    const file = path.join(dir, 'ok.yaml');
    await fs.writeFile(file, '\uFEFFname: ok\n');
    expect(await readScenarioSource(file)).toEqual({ file, text: 'name: ok\n' });
  });

  it.each([
    ['/dev/zero', '/dev/zero (file): is a device, not a regular file; authbench reads scenarios from regular files or from standard input (-).'],
    ['/dev/urandom', '/dev/urandom (file): is a device, not a regular file; authbench reads scenarios from regular files or from standard input (-).'],
    ['/dev/null', '/dev/null (file): is a device, not a regular file; authbench reads scenarios from regular files or from standard input (-).'],
    ['/nonexistent/x.yaml', '/nonexistent/x.yaml (file): no such file.'],
    ['/etc/hostname/x', '/etc/hostname/x (file): no such file (a part of the path is a file, not a directory).'],
    ['/tmp', '/tmp (file): is a directory, not a scenario file.'],
  ])('refuses %s at once', { timeout: 2000 }, async (file, message) => {
    expect(await refusal(file)).toBe(message);
  });

  it('refuses a named pipe without opening it (opening would wait for a writer)', { timeout: 2000 }, async () => {
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(fifo)).toBe(`${fifo} (file): is a named pipe, not a regular file; authbench reads scenarios from regular files or from standard input (-).`);
  });

  it('refuses a file over the size limit by its size, without reading it', async () => {
    const big = path.join(dir, 'big.yaml');
    await fs.writeFile(big, '');
    await fs.truncate(big, MAX_SCENARIO_BYTES + 1);
    expect(await refusal(big)).toBe(`${big} (file): is larger than ${MAX_SCENARIO_BYTES} bytes (${MAX_SCENARIO_BYTES + 1} bytes); a scenario is a short YAML file.`);
  });

  it('refuses bytes that are not UTF-8 without echoing them', async () => {
    const bin = path.join(dir, 'bin.yaml');
    await fs.writeFile(bin, Buffer.from([0x6e, 0x61, 0xff, 0xfe, 0x00, 0x80]));
    expect(await refusal(bin)).toBe(`${bin} (file): is not a text file (its bytes are not UTF-8); a scenario is a YAML text file.`);
  });

  it('reads standard input for - (and for what the command line passes for it)', async () => {
    expect(await readScenarioSource('-', Readable.from([Buffer.from('name: a\n'), Buffer.from('seed: 2\n')]))).toEqual({ file: STDIN_LABEL, text: 'name: a\nseed: 2\n' });
    expect(await readScenarioSource(STDIN_SENTINEL, Readable.from([Buffer.from('x: 1\n')]))).toEqual({ file: STDIN_LABEL, text: 'x: 1\n' });
  });

  it('stops reading standard input past the size limit', { timeout: 5000 }, async () => {
    // An endless stream, like `cat /dev/zero | authbench validate -`.
    const endless = new Readable({ read() { this.push(Buffer.alloc(64 * 1024, 0x61)); } });
    expect(await refusal('-', endless)).toBe(`${STDIN_LABEL} (file): is larger than ${MAX_SCENARIO_BYTES} bytes; a scenario is a short YAML file.`);
  });
});
