// `authbench report` end to end in a child process: re-renders from a results file, prints the verdict line,
// writes the files asked for and exits with the verdict's code (2 for a bad file).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResults } from '../../src/report/json.js';
import { summarizeVerdict } from '../../src/report/verdict-line.js';
import { buildRunResults } from './fixtures.js';

const MAIN = path.resolve('src/cli/main.ts');

function authbench(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('authbench report', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-report-cmd-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('re-renders a FAIL run, writes HTML and JUnit into --out and exits 1', async () => {
    const results = buildRunResults('fail');
    const file = path.join(dir, 'results.json');
    await writeResults(file, results);
    const out = path.join(dir, 'out');
    const r = authbench('report', file, '--html', '--junit', '--out', out);
    expect(r.stderr).toContain(path.join(out, 'report.html'));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(summarizeVerdict(results).line);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(out).sort()).toEqual(['junit.xml', 'report.html']);
  });

  it('exits 0 for a PASS run and writes nothing without --html/--junit', async () => {
    const sub = path.join(dir, 'pass');
    fs.mkdirSync(sub);
    const file = path.join(sub, 'results.json');
    await writeResults(file, buildRunResults('pass'));
    const r = authbench('report', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS — 4/4 thresholds held');
    expect(fs.readdirSync(sub)).toEqual(['results.json']);
  });

  it('exits 2 naming the file for a truncated results file', () => {
    const file = path.join(dir, 'truncated.json');
    fs.writeFileSync(file, '{"schemaVersion": 1, "verdict": "PA');
    const r = authbench('report', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('AB_ERR_RESULTS_FILE');
  });
});
