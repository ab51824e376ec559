// `authbench compare` end to end in a child process: table and verdict line, --json, and the exit codes
// (0 no regression, 1 regression, 2 bad file or flag).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/compare/index.js';
import { writeResults } from '../../src/report/json.js';
import { buildRunResults } from '../report/fixtures.js';
import { scaleLatency, withFewSamples } from './variants.js';

const MAIN = path.resolve('src/cli/main.ts');

function authbench(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('authbench compare', () => {
  let dir: string;
  let base: string;
  let slower: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-compare-cmd-'));
    base = path.join(dir, 'base.json');
    slower = path.join(dir, 'slower.json');
    const pass = buildRunResults('pass');
    await writeResults(base, pass);
    await writeResults(slower, scaleLatency(pass, 'auth.login/db', 1.3));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 1 on a regression, with the table and the verdict line last', () => {
    const r = authbench('compare', base, slower);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/│ operation\s+│ metric\s+│\s+base │\s+new │\s+delta │ noise band │ status\s+│/);
    expect(r.stdout).toMatch(/│\s+│ p95\s+│.*│ REGRESSION/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^REGRESSION — auth\.login\/db p50 \+30\.\d% .* beyond 10%/);
    expect(r.code).toBe(1);
  });

  it('exits 0 when the change is inside the tolerance (--max-regression 0.5)', () => {
    const r = authbench('compare', base, slower, '--max-regression', '0.5');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('OK — no regression beyond 50% in 30 comparisons');
    expect(r.code).toBe(0);
  });

  it('--json prints the Comparison and keeps the exit code', () => {
    const r = authbench('compare', base, slower, '--json', '--metrics', 'p95');
    expect(r.code).toBe(1);
    const comparison = JSON.parse(r.stdout) as Comparison;
    expect(comparison.metrics).toEqual(['p95']);
    expect(comparison.regressed).toBe(true);
    expect(comparison.rows.find((row) => row.key === 'auth.login/db')?.status).toBe('REGRESSION');
    expect(comparison.rows.find((row) => row.key === 'session.validate')?.status).toBe('ok');
  });

  it('refuses an INVALID or ABORTED run with exit 2, naming the file and --allow-invalid; with the flag it compares and warns', async () => {
    const invalid = path.join(dir, 'invalid.json');
    const aborted = path.join(dir, 'aborted.json');
    await writeResults(invalid, buildRunResults('invalid'));
    await writeResults(aborted, buildRunResults('aborted'));
    const refused = authbench('compare', invalid, base);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`${invalid}: the run is INVALID`);
    expect(refused.stderr).toContain('--allow-invalid');
    const both = authbench('compare', base, aborted);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/aborted\.json: the run is ABORTED \([\d.]+ s measured\)/);
    const gate = authbench('run', 'scenarios/smoke.yaml', '--baseline', invalid, '--out', path.join(dir, 'never'));
    expect(gate.code).toBe(2);
    expect(gate.stderr).toContain(`${invalid}: the run is INVALID`);
    expect(gate.stderr).toContain('--allow-invalid'); // the same way out as compare's
    expect(gate.stdout).toBe(''); // refused before anything started
    const alone = authbench('run', 'scenarios/smoke.yaml', '--allow-invalid', '--out', path.join(dir, 'never'));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--allow-invalid: only with --baseline');
    expect(alone.stdout).toBe('');
    const allowed = authbench('compare', invalid, base, '--allow-invalid');
    expect(allowed.stdout).toContain('warning: the base run is INVALID');
    expect([0, 1]).toContain(allowed.code);
  });

  it('says INCONCLUSIVE, not REGRESSION, for rows of too few samples; exit 1 only when nothing could be judged', async () => {
    const thinBase = path.join(dir, 'thin-base.json');
    const thinNext = path.join(dir, 'thin-next.json');
    await writeResults(thinBase, withFewSamples(buildRunResults('pass'), 'token.refresh', [4.1, 4.2, 4.3]));
    await writeResults(thinNext, withFewSamples(buildRunResults('pass'), 'token.refresh', [5.4, 5.5, 5.6]));
    const mixed = authbench('compare', thinBase, thinNext);
    expect(mixed.stdout).toMatch(/│\s+│ p95\s+│\s+4\.30ms │\s+5\.60ms │ \+30\.2% │\s+— │ INCONCLUSIVE │/);
    expect(mixed.stdout).toContain('token.refresh p95 (3 samples in base, 3 in new; p95 needs 200)');
    expect(mixed.stdout.trimEnd().split('\n').at(-1)).toBe('OK — no regression beyond 10% in 26 comparisons (4 inconclusive: too few samples)');
    expect(mixed.code).toBe(0);
  });

  it('exits 2 naming the flag for a bad --max-regression', () => {
    const r = authbench('compare', base, slower, '--max-regression', '10');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--max-regression');
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming the file for a missing or foreign file', () => {
    const foreign = path.join(dir, 'foreign.json');
    fs.writeFileSync(foreign, '{"hello": "world"}');
    const missing = authbench('compare', path.join(dir, 'nope.json'), slower);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.json');
    const wrong = authbench('compare', base, foreign);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`${foreign} schemaVersion`);
  });
});
