// The report stage after the load: a file that cannot be written loses nothing else. The others are written, the
// console summary is printed, results.json lists only what was written, and the failure becomes exit 3.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode, InfraCode } from '../../src/errors.js';
import { readResults } from '../../src/results/read.js';
import { reportWriteError, writeRunReports } from '../../src/run/report-stage.js';
import { buildRunResults } from '../report/fixtures.js';

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-report-stage-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function capture(): { write(chunk: string): boolean; text: string } {
  const out = { text: '', write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

describe('writeRunReports', () => {
  it('writes every file it can when one cannot be written, and still prints the summary', async () => {
    const dir = path.join(root, 'run');
    // report.html cannot be written: a directory holds its name (as a full disk would fail one file and not another).
    await fs.mkdir(path.join(dir, 'report.html'), { recursive: true });
    const stdout = capture();
    const written = await writeRunReports(buildRunResults('pass'), dir, [], Number.NaN, { html: true, junit: true, console: true, stdout });
    expect(written.failures.map((f) => f.file)).toEqual(['report.html']);
    expect(written.artifacts).toEqual({ results: 'results.json', junit: 'junit.xml' });
    expect(stdout.text).toContain('PASS');
    expect((await readResults(path.join(dir, 'results.json'))).artifacts).toEqual({ results: 'results.json', junit: 'junit.xml' });
    expect((await fs.stat(path.join(dir, 'junit.xml'))).size).toBeGreaterThan(0);

    const error = reportWriteError(dir, written.failures);
    expect(error.exitCode).toBe(ExitCode.infrastructure);
    expect(error.code).toBe(InfraCode.reportWriteFailed);
    expect(error.toUserText()).toContain(`not every report could be written to ${JSON.stringify(dir)}: report.html (EISDIR)`);
    expect(error.toUserText()).toContain('results.json was written');
  });

  it('prints the summary even when the directory itself cannot be made', async () => {
    const file = path.join(root, 'a-file');
    await fs.writeFile(file, '');
    const stdout = capture();
    const written = await writeRunReports(buildRunResults('fail'), path.join(file, 'run'), [], Number.NaN, { html: true, junit: true, console: true, stdout });
    expect(written.artifacts).toEqual({});
    expect(written.failures).toHaveLength(1);
    expect(stdout.text).toContain('FAIL');
  });

  it('calls a full disk a full disk', () => {
    expect(reportWriteError('/r', [{ file: 'report.html', reason: 'ENOSPC' }]).code).toBe(InfraCode.diskFull);
  });
});
