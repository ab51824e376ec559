// The outputs chosen by the flags write where they are told: defaults in the report directory, `--out KIND=FILE`
// elsewhere (recorded in results.json relative to it), --no-html/--no-junit honoured, the console last.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRunResults } from '../report/fixtures.js';
import { createOutputs } from '../../src/outputs/create-outputs.js';
import { receivesResults } from '../../src/outputs/types.js';
import { writeResultsOutputs } from '../../src/outputs/write-results.js';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-outputs-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('createOutputs + writeResultsOutputs', () => {
  it('writes the defaults into the directory, and a file kind given a destination there', async () => {
    const dir = path.join(root, 'run');
    let printed = '';
    const outputs = await createOutputs({
      dir,
      specs: [{ kind: 'junit', dest: path.join(root, 'ci', 'junit.xml') }, { kind: 'console', dest: path.join(dir, 'summary.txt') }],
      html: false,
      junit: false,
      console: true,
      stdout: { write: (chunk: string) => (printed += chunk) },
    });
    expect(outputs.map((o) => o.kind)).toEqual(['json', 'hlog', 'junit', 'console', 'console']);
    const written = await writeResultsOutputs({ results: buildRunResults('pass'), hlog: [], startEpochMs: Number.NaN }, outputs.filter(receivesResults), dir);
    expect(written.failures).toEqual([]);
    expect(written.artifacts).toEqual({ results: 'results.json', junit: path.join('..', 'ci', 'junit.xml'), console: 'summary.txt' });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'results.json'), 'utf8')).artifacts).toEqual(written.artifacts);
    expect(await fs.readFile(path.join(root, 'ci', 'junit.xml'), 'utf8')).toContain('<testsuites');
    await expect(fs.stat(path.join(dir, 'report.html'))).rejects.toThrow();
    const summary = await fs.readFile(path.join(dir, 'summary.txt'), 'utf8');
    expect(summary).toContain('PASS');
    expect(summary).not.toContain('\x1b['); // no colour in a file
    expect(printed).toContain('PASS');
  });
});
