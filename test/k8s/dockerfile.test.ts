// docker/Dockerfile builds the CLI: with a Docker engine, a real build and `authbench --version` in the image; without
// one (CI here), that test is skipped and says so, and the static check still holds the file to the repository.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dockerAvailable } from '../../src/target/docker.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const hasDocker = await dockerAvailable();
const dockerfile = readFileSync(`${root}docker/Dockerfile`, 'utf8');

describe('docker/Dockerfile', () => {
  it('copies only what exists, builds with tsc and puts the package\'s bin on PATH', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    for (const source of sources) expect(existsSync(`${root}${source}`), source).toBe(true);
    const bin = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { bin: Record<string, string> }).bin.authbench;
    expect(dockerfile).toContain(`ln -s /app/${bin} /usr/local/bin/authbench`);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it.runIf(hasDocker)('builds the image, whose authbench answers --version', async () => {
    await run('docker', ['build', '-f', 'docker/Dockerfile', '-t', 'authbench:test', '.'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    const { stdout } = await run('docker', ['run', '--rm', 'authbench:test', '--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 900_000);

  it.skipIf(hasDocker)('skipped the image build: no Docker engine answers on this machine', () => {
    expect(hasDocker).toBe(false);
  });
});
