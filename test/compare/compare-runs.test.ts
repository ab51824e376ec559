// compareRuns on realistic runs (the report fixtures, made slower, noisier, thinner or more error-prone):
// a change is a regression only beyond the tolerance AND outside both runs' own noise.
import { describe, expect, it } from 'vitest';
import { compareRuns, gateOnBaseline, parseCompareMetrics, parseMaxRegression, renderComparison, type CompareMetric, type ComparisonStatus } from '../../src/compare/index.js';
import { InvalidInputError } from '../../src/errors.js';
import { writeResults } from '../../src/report/json.js';
import type { RunResults } from '../../src/results/types.js';
import { buildRunResults } from '../report/fixtures.js';
import { addIntervalNoise, scaleLatency, withFewSamples, scaleThroughput, setErrorRatio, withDatasetUsers, withoutOperation, withScenarioName } from './variants.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const pass = buildRunResults('pass');

interface Case {
  name: string;
  base: RunResults;
  next: RunResults;
  maxRegression?: number;
  /** Rows that must have this status; `*` = every row. */
  expect: { key: string; metric: CompareMetric | '*'; status: ComparisonStatus }[];
  regressed: boolean;
  onlyInBase?: string[];
  onlyInNext?: string[];
  warnings?: RegExp[];
}

const cases: Case[] = [
  { name: 'identical runs', base: pass, next: pass, expect: [{ key: '*', metric: '*', status: 'ok' }], regressed: false },
  {
    name: 'a clear 30 % p95 regression',
    base: pass,
    next: scaleLatency(pass, 'auth.login', 1.3),
    expect: [
      { key: 'auth.login', metric: 'p95', status: 'REGRESSION' },
      { key: 'auth.login', metric: 'throughput', status: 'ok' },
      { key: 'session.validate', metric: 'p95', status: 'ok' },
    ],
    regressed: true,
  },
  {
    name: '12 % slower on a quiet run is a regression',
    base: pass,
    next: scaleLatency(pass, 'session.validate', 1.12),
    expect: [{ key: 'session.validate', metric: 'p95', status: 'REGRESSION' }],
    regressed: true,
  },
  {
    name: '12 % slower on a very noisy run is within noise',
    base: addIntervalNoise(pass, 'auth.login', 0.5, 11),
    next: addIntervalNoise(scaleLatency(pass, 'auth.login', 1.12), 'auth.login', 0.5, 12),
    expect: ['p50', 'p95', 'p99'].map((metric) => ({ key: 'auth.login', metric: metric as CompareMetric, status: 'within noise' as const })),
    regressed: false,
  },
  {
    name: '30 % faster is an improvement, not a regression',
    base: scaleLatency(pass, 'rbac.check_permission', 1.3),
    next: pass,
    expect: [{ key: 'rbac.check_permission', metric: 'p95', status: 'improved' }],
    regressed: false,
  },
  {
    name: 'throughput drop',
    base: pass,
    next: scaleThroughput(pass, 'session.validate', 0.8),
    expect: [
      { key: 'session.validate', metric: 'throughput', status: 'REGRESSION' },
      { key: 'session.validate', metric: 'p95', status: 'ok' },
    ],
    regressed: true,
  },
  {
    name: 'error-rate increase',
    base: pass,
    next: setErrorRatio(pass, 'session.validate', 0.02, 5),
    expect: [{ key: 'session.validate', metric: 'errors', status: 'REGRESSION' }],
    regressed: true,
  },
  {
    name: 'a few errors more than none is within noise',
    base: setErrorRatio(pass, 'token.refresh', 0, 1),
    next: setErrorRatio(pass, 'token.refresh', 0.002, 7),
    expect: [{ key: 'token.refresh', metric: 'errors', status: 'within noise' }],
    regressed: false,
  },
  {
    name: 'a missing operation is listed, not compared',
    base: pass,
    next: withoutOperation(pass, 'token.refresh'),
    expect: [{ key: '*', metric: '*', status: 'ok' }],
    regressed: false,
    onlyInBase: ['token.refresh'],
  },
  {
    name: 'a new phase is listed, not compared',
    base: withoutOperation(pass, 'auth.login/cache'),
    next: pass,
    expect: [{ key: '*', metric: '*', status: 'ok' }],
    regressed: false,
    onlyInNext: ['auth.login/cache'],
  },
  {
    name: 'different scenario and dataset size warn, and still compare',
    base: pass,
    next: withDatasetUsers(withScenarioName(scaleLatency(pass, 'auth.login', 1.3), 'login-burst'), 1_000_000),
    expect: [{ key: 'auth.login', metric: 'p95', status: 'REGRESSION' }],
    regressed: true,
    warnings: [/different scenarios: base "login-mix", new "login-burst"/, /different dataset sizes: base 100,000 users, new 1,000,000 users/],
  },
  {
    name: 'three samples against four, 30 % slower, are INCONCLUSIVE, not a regression with a ±0 band',
    base: withFewSamples(pass, 'token.refresh', [4.1, 4.2, 4.3]),
    next: withFewSamples(pass, 'token.refresh', [5.4, 5.5, 5.6, 5.6]),
    expect: [
      { key: 'token.refresh', metric: 'p50', status: 'INCONCLUSIVE' },
      { key: 'token.refresh', metric: 'p95', status: 'INCONCLUSIVE' },
      { key: 'token.refresh', metric: 'p99', status: 'INCONCLUSIVE' },
      { key: 'token.refresh', metric: 'errors', status: 'INCONCLUSIVE' },
      { key: 'auth.login', metric: 'p95', status: 'ok' },
    ],
    regressed: false,
  },
  {
    name: 'a percentile is judged only with enough samples to resolve it: p95 at 300, not p99',
    base: withFewSamples(pass, 'token.refresh', Array.from({ length: 300 }, (_, i) => 4 + (i % 10) / 10)),
    next: withFewSamples(pass, 'token.refresh', Array.from({ length: 300 }, (_, i) => 5.2 + (i % 10) / 10)),
    expect: [
      { key: 'token.refresh', metric: 'p95', status: 'REGRESSION' },
      { key: 'token.refresh', metric: 'p99', status: 'INCONCLUSIVE' },
    ],
    regressed: true,
  },
  {
    name: 'a generous tolerance absorbs a real 30 %',
    base: pass,
    next: scaleLatency(pass, 'auth.login', 1.3),
    maxRegression: 0.5,
    expect: [{ key: 'auth.login', metric: 'p95', status: 'ok' }],
    regressed: false,
  },
];

describe('compareRuns', () => {
  it.each(cases)('$name', (c) => {
    const comparison = compareRuns(c.base, c.next, { maxRegression: c.maxRegression ?? 0.1 });
    for (const e of c.expect) {
      const rows = comparison.rows.filter((r) => (e.key === '*' || r.key === e.key) && (e.metric === '*' || r.metric === e.metric));
      expect(rows.length, `${e.key} ${e.metric}`).toBeGreaterThan(0);
      for (const r of rows) expect({ key: r.key, metric: r.metric, status: r.status }).toEqual({ key: r.key, metric: r.metric, status: e.status });
    }
    expect(comparison.regressed).toBe(c.regressed);
    expect(comparison.inconclusive).toBe(false);
    expect(comparison.onlyInBase).toEqual(c.onlyInBase ?? []);
    expect(comparison.onlyInNext).toEqual(c.onlyInNext ?? []);
    if (c.warnings) for (const w of c.warnings) expect(comparison.warnings.some((x) => w.test(x)), String(w)).toBe(true);
    else expect(comparison.warnings).toEqual([]);
  });

  it('compares every operation and phase, phases under their operation, metrics in order', () => {
    const comparison = compareRuns(pass, pass, { maxRegression: 0.1, metrics: ['errors', 'p95'] });
    expect(comparison.metrics).toEqual(['p95', 'errors']);
    expect([...new Set(comparison.rows.map((r) => r.key))]).toEqual(['auth.login', 'auth.login/db', 'auth.login/cache', 'session.validate', 'rbac.check_permission', 'token.refresh']);
    expect(comparison.rows.slice(0, 2).map((r) => r.metric)).toEqual(['p95', 'errors']);
    for (const r of comparison.rows) expect(r.noiseBand).not.toBeNull();
  });

  it('the FAIL fixture regresses against the PASS one; an INVALID run warns', () => {
    const fail = compareRuns(pass, buildRunResults('fail'), { maxRegression: 0.1 });
    expect(fail.rows.find((r) => r.key === 'auth.login/db' && r.metric === 'p95')?.status).toBe('REGRESSION');
    const invalid = compareRuns(pass, buildRunResults('invalid'), { maxRegression: 0.1 });
    expect(invalid.warnings).toContain('the new run is INVALID: its numbers say little about the database');
  });

  it('an aborted run has nothing to compare and says so', () => {
    const comparison = compareRuns(pass, buildRunResults('aborted'), { maxRegression: 0.1 });
    expect(comparison.rows).toEqual([]);
    expect(comparison.onlyInBase).toHaveLength(pass.operations.length);
    expect(comparison.regressed).toBe(false);
    expect(comparison.warnings.some((w) => w.includes('ABORTED'))).toBe(true);
  });

  it('names why a row is INCONCLUSIVE, and a comparison where nothing could be judged is INCONCLUSIVE', () => {
    const comparison = compareRuns(withFewSamples(pass, 'token.refresh', [4.1, 4.2, 4.3]), withFewSamples(pass, 'token.refresh', [5.4, 5.5, 5.6]), { maxRegression: 0.1, metrics: ['p95'] });
    expect(comparison.rows.find((r) => r.key === 'token.refresh')?.reason).toBe('3 samples in base, 3 in new; p95 needs 200');
    const thin = (r: RunResults): RunResults => withFewSamples(r, 'token.refresh', [4, 5]);
    const only = (r: RunResults): RunResults => pass.operations.filter((o) => o.key !== 'token.refresh').reduce((acc, o) => withoutOperation(acc, o.key), r);
    const nothing = compareRuns(only(thin(pass)), only(thin(pass)), { maxRegression: 0.1 });
    expect(nothing.rows.map((r) => r.status)).toEqual(['INCONCLUSIVE', 'INCONCLUSIVE', 'INCONCLUSIVE', 'ok', 'INCONCLUSIVE']);
    expect(nothing.inconclusive).toBe(false);
    const none = compareRuns(only(thin(pass)), only(thin(pass)), { maxRegression: 0.1, metrics: ['p95', 'p99'] });
    expect(none.inconclusive).toBe(true);
    expect(none.regressed).toBe(false);
    expect(renderComparison(none).trimEnd().split('\n').at(-1)).toBe('INCONCLUSIVE — too few samples to judge any of the 2 comparisons (2 samples in base, 2 in new; p95 needs 200)');
  });

  it('survives JSON (no Infinity or NaN)', () => {
    const comparison = compareRuns(pass, setErrorRatio(pass, 'token.refresh', 0.05, 3), { maxRegression: 0.1 });
    expect(JSON.parse(JSON.stringify(comparison))).toEqual(comparison);
  });

  it('rejects a negative tolerance', () => {
    expect(() => compareRuns(pass, pass, { maxRegression: -0.1 })).toThrow(RangeError);
  });
});

describe('renderComparison', () => {
  it('prints the table, the only-in lines and one verdict line last', () => {
    const text = renderComparison(compareRuns(pass, withoutOperation(scaleLatency(pass, 'auth.login', 1.3), 'token.refresh'), { maxRegression: 0.1 }));
    // The key once per operation: auth.login's p50 row names it, its p95 row leaves the cell blank.
    expect(text).toMatch(/│ auth\.login\s+│ p50\s+│.*│ REGRESSION\s+│\n│\s+│ p95\s+│\s+\S+ms │\s+\S+ms │\s+\+\d+\.\d%\s+│\s+±\d+\.\d+% │ REGRESSION/);
    expect(text).toContain('Only in base (not compared): token.refresh');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^REGRESSION — auth\.login p\d+ \+\d+\.\d% \(.+ → .+, noise ±.+\) beyond 10% \(\+\d+ more regressions?\)$/);
    expect(text).not.toContain('\u001b[');
  });

  it('ends with OK for a clean comparison', () => {
    const text = renderComparison(compareRuns(pass, pass, { maxRegression: 0.1 }));
    expect(text.trimEnd().split('\n').at(-1)).toBe('OK — no regression beyond 10% in 30 comparisons');
  });
});

describe('options', () => {
  it.each([
    ['10%', 0.1],
    ['2.5%', 0.025],
    ['0.1', 0.1],
    [' 0 ', 0],
    ['150%', 1.5],
  ])('--max-regression %s → %s', (text, ratio) => {
    expect(parseMaxRegression(text)).toBeCloseTo(ratio, 12);
  });

  it.each(['10', 'ten', '-5%', '', '10%%', '1e-1'])('--max-regression %j is refused naming the flag', (text) => {
    expect(() => parseMaxRegression(text)).toThrow(InvalidInputError);
    expect(() => parseMaxRegression(text)).toThrow(/^--max-regression: /);
  });

  it('--metrics keeps the fixed order and names unknown metrics', () => {
    expect(parseCompareMetrics('errors,p95 p99')).toEqual(['p95', 'p99', 'errors']);
    expect(() => parseCompareMetrics('p95,p90,latency')).toThrow('--metrics: unknown metric "p90", "latency"; choose from p50, p95, p99, throughput, errors');
  });
});

describe('gateOnBaseline', () => {
  it('reads the baseline, compares and renders in one call', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-gate-'));
    try {
      const baseFile = path.join(dir, 'base.json');
      await writeResults(baseFile, pass);
      const gate = await gateOnBaseline(baseFile, scaleLatency(pass, 'auth.login', 1.3), 0.1);
      expect(gate.regressed).toBe(true);
      expect(gate.comparison.regressed).toBe(true);
      expect(gate.text.trimEnd().split('\n').at(-1)).toMatch(/^REGRESSION — /);
      expect(gate.section).toMatchObject({ baselineFile: baseFile, maxRegression: 0.1, regressed: true });
      expect(gate.section.regressions.every((r) => r.status === 'REGRESSION')).toBe(true);
      const ok = await gateOnBaseline(baseFile, pass, 0.1);
      expect(ok.regressed).toBe(false);
      await expect(gateOnBaseline(path.join(dir, 'missing.json'), pass, 0.1)).rejects.toThrow(InvalidInputError);
      await expect(gateOnBaseline(baseFile, pass, Number.NaN)).rejects.toThrow(/--max-regression/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an INVALID or ABORTED baseline naming --allow-invalid, and with allowInvalid compares and warns', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-gate-'));
    try {
      for (const kind of ['invalid', 'aborted'] as const) {
        const baseFile = path.join(dir, `${kind}.json`);
        await writeResults(baseFile, buildRunResults(kind));
        const refused = gateOnBaseline(baseFile, pass, 0.1);
        await expect(refused).rejects.toMatchObject({ code: 'AB_ERR_COMPARE_INVALID_RUN', exitCode: 2 });
        await expect(refused).rejects.toThrow(`${baseFile}: the run is ${kind.toUpperCase()}`);
        await expect(refused).rejects.toMatchObject({ hint: expect.stringContaining('--allow-invalid') });
        const allowed = await gateOnBaseline(baseFile, pass, 0.1, { allowInvalid: true });
        expect(allowed.comparison.warnings).toContain(`the base run is ${kind.toUpperCase()}: its numbers say little about the database`);
        expect(allowed.section.warnings).toEqual(allowed.comparison.warnings);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
