// The published schemas of results.json and capacity.json: generated from src/results/json-schema.ts, and the results
// the fixtures (and the run tests, via test/support/results-schema.ts) write satisfy them; a drifted file does not.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCapacityResults } from '../../test/report/capacity-fixtures.js';
import { buildRunResults } from '../../test/report/fixtures.js';
import { schemaProblems, schemaProblemsBelow } from '../../test/support/results-schema.js';
import { buildCapacitySchema, buildResultsSchema } from './json-schema.js';

describe.each([
  ['schema/results.schema.json', buildResultsSchema],
  ['schema/capacity.schema.json', buildCapacitySchema],
])('%s', (file, build) => {
  it('is the generated schema (regenerate with UPDATE_SCHEMA=1 npx vitest run src/results/json-schema.test.ts)', () => {
    const generated = `${JSON.stringify(build(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, generated);
    expect(readFileSync(file, 'utf8')).toBe(generated);
  });
});

describe('results.schema.json', () => {
  it.each(['pass', 'fail', 'invalid', 'aborted'] as const)('accepts the %s fixture', (kind) => {
    expect(schemaProblems('results', buildRunResults(kind))).toEqual([]);
  });

  it('refuses a missing field, an unknown field, a wrong verdict and a wrong type', () => {
    const { verdict: _v, ...noVerdict } = buildRunResults('pass');
    expect(schemaProblems('results', noVerdict)).toEqual(["/ must have required property 'verdict'"]);
    expect(schemaProblems('results', { ...buildRunResults('pass'), verdikt: 'PASS' })).toEqual(['/ must NOT have additional properties (verdikt)']);
    expect(schemaProblems('results', { ...buildRunResults('pass'), verdict: 'OK' })).toEqual(['/verdict must be equal to one of the allowed values']);
    const run = buildRunResults('pass');
    expect(schemaProblems('results', { ...run, operations: [{ ...run.operations[0], count: '3' }] })).toEqual(['/operations/0/count must be integer']);
  });
});

describe('capacity.schema.json', () => {
  it.each(['knee', 'nothing-held', 'empty'] as const)('accepts the %s fixture', (kind) => {
    expect(schemaProblems('capacity', buildCapacityResults(kind))).toEqual([]);
  });

  it('refuses a step with an unknown verdict', () => {
    const capacity = buildCapacityResults('knee');
    expect(schemaProblems('capacity', { ...capacity, steps: [{ ...capacity.steps[0], verdict: 'ok' }] })).toEqual(['/steps/0/verdict must be equal to one of the allowed values']);
  });
});

describe('schemaProblemsBelow (what useRunServers checks before it removes a test file\'s report directory)', () => {
  it('checks every results.json and capacity.json in the tree, naming the file; other files are not read', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'authbench-schema-below-'));
    try {
      mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(path.join(dir, 'a', 'results.json'), JSON.stringify(buildRunResults('pass')));
      writeFileSync(path.join(dir, 'capacity.json'), JSON.stringify(buildCapacityResults('knee')));
      writeFileSync(path.join(dir, 'a', 'b', 'other.json'), '{ not json');
      expect(schemaProblemsBelow(dir)).toEqual([]);
      writeFileSync(path.join(dir, 'a', 'b', 'results.json'), JSON.stringify({ ...buildRunResults('pass'), verdict: 'OK' }));
      writeFileSync(path.join(dir, 'capacity.json'), '{ cut short');
      const problems = schemaProblemsBelow(dir).sort();
      expect(problems).toHaveLength(2);
      expect(problems[0]).toBe(`${path.join(dir, 'a', 'b', 'results.json')}: /verdict must be equal to one of the allowed values`);
      expect(problems[1]!.startsWith(`${path.join(dir, 'capacity.json')}: `)).toBe(true);
      expect(problems[1]).toMatch(/JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
