// Property tests: whatever text or structure a user feeds the loader, it either returns a Plan or throws
// InvalidInputError with located issues — never a TypeError or a stack trace.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseScenario } from './parse.js';

function outcome(text: string): 'plan' | 'invalid' {
  try {
    parseScenario(text, 'fuzz.yaml', { cores: 2 });
    return 'plan';
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) {
      expect(issue.file).toBe('fuzz.yaml');
      expect(typeof issue.message).toBe('string');
    }
    return 'invalid';
  }
}

/** Scenario-shaped values: real keys and plausible values, mixed with junk, so the fuzzer gets past the top level. */
const scenarioish = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('auth.login', 'session.validate', 'rbac.check', 'sql', '2000/s', '0/s', '-1/s', '10s', '0ms', '5%', 'auto', 'open', 'closed', 'zipf(1.1)', 'uniform(1, 10)', 'list()', 'sequential', 'p95 < 25ms', 'errors < 0.1%', 'connections >= 750', 'run', 'select $1'),
    fc.integer({ min: -5, max: 20_000 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.string(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom('name', 'load', 'mix', 'op', 'steps', 'params', 'options', 'rate', 'stages', 'duration', 'target', 'vus', 'model', 'thresholds', 'user', 'weight', 'query', 'threshold', 'auth.login', 'auth.login/db'), fc.string()),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

describe('the scenario loader never crashes', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        outcome(text);
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary text built from YAML-ish pieces', () => {
    const piece = fc.constantFrom('load:', 'mix:', '  - ', 'op: ', 'auth.login', '{', '}', '[', ']', ',', ':', '\n', '  ', '&a ', '*a', '!!str ', '"', "'", '#', '? ', '---\n', 'rate: 10/s', 'duration: 1s', '%', '/', '<<: *a');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        outcome(pieces.join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('on arbitrary JSON-ish objects serialised to YAML', () => {
    fc.assert(
      fc.property(fc.oneof(scenarioish, fc.jsonValue()), (value) => {
        outcome(stringify(value));
      }),
      { numRuns: 500 },
    );
  });

  it('on mutations of a valid scenario', () => {
    const base = {
      load: { model: 'open', rate: '100/s', duration: '10s', connections: 4 },
      mix: [{ op: 'auth.login', params: { user: 'zipf(1.1)' } }, { op: 'sql', options: { query: 'select $1', params: ['uniform(1, 5)'] } }],
      thresholds: { 'auth.login/db': ['p95 < 25ms'], run: ['connections >= 750'] },
    };
    expect(outcome(stringify(base))).toBe('plan');
    const paths = ['load', 'load.rate', 'load.duration', 'load.connections', 'mix', 'thresholds', 'thresholds.run'];
    fc.assert(
      fc.property(fc.constantFrom(...paths), scenarioish, (path, replacement) => {
        const copy = structuredClone(base) as Record<string, unknown>;
        const keys = path.split('.');
        let node = copy;
        for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[keys[keys.length - 1]!] = replacement;
        outcome(stringify(copy));
      }),
      { numRuns: 500 },
    );
  });

  it('on alias bombs (billion laughs)', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect(outcome(lines.join('\n'))).toBe('invalid');
  });
});
