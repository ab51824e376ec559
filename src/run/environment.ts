// Facts about the machine and the authbench build that belong in every results file, so a number can be traced
// to what produced it.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { RunResults } from '../results/types.js';

export function describeEnvironment(): RunResults['environment'] {
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cpus: os.availableParallelism(),
    memoryBytes: os.totalmem(),
  };
}

export async function describeBuild(): Promise<RunResults['authbench']> {
  const root = new URL('../../', import.meta.url);
  let version = '0.0.0';
  try {
    version = (JSON.parse(await fs.readFile(new URL('package.json', root), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // an unpacked build without package.json: keep the placeholder
  }
  let gitCommit: string | null = null;
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: root, timeout: 2000 });
    gitCommit = stdout.trim() || null;
  } catch {
    // not a git checkout (an npm install): no commit
  }
  return { version, gitCommit };
}
