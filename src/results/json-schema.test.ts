// The published schemas of results.json and capacity.json: generated from src/results/json-schema.ts, and the results
// the fixtures (and the run tests, via test/support/results-schema.ts) write satisfy them; a drifted file does not.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCapacityResults } from '../../test/report/capacity-fixtures.js';
import { buildRunResults } from '../../test/report/fixtures.js';
import { schemaProblems } from '../../test/support/results-schema.js';
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
