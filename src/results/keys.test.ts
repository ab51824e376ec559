// Result keys split the same way everywhere: the aggregator, live totals and threshold scopes all use these.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScopeKey, scopeKey } from '../thresholds/parse.js';
import { isTopLevelKey, operationKey, splitOperationKey, splitTag, taggedOperation } from './keys.js';

describe('result keys', () => {
  it.each([
    ['auth.login', { operation: 'auth.login' }],
    ['auth.login/db', { operation: 'auth.login', phase: 'db' }],
    ['auth.login@legit', { operation: 'auth.login@legit' }],
    ['auth.login@legit/db', { operation: 'auth.login@legit', phase: 'db' }],
    // Not a key authbench writes; the first '/' splits, so it is a phase "db/x" (unknown) rather than an operation "a/db".
    ['a/db/x', { operation: 'a', phase: 'db/x' }],
  ] as [string, { operation: string; phase?: string }][])('%s splits into %j and joins back', (key, parts) => {
    expect(splitOperationKey(key)).toEqual(parts);
    expect(operationKey(parts.operation, parts.phase)).toBe(key);
    expect(isTopLevelKey(key)).toBe(parts.phase === undefined);
  });

  it('splits threshold scopes the same way as results', () => {
    for (const key of ['auth.login', 'auth.login/db', 'auth.login@legit/db', 'a/db/x']) {
      const scope = parseScopeKey(key);
      expect(scope).toEqual({ kind: 'operation', ...splitOperationKey(key) });
      expect(scopeKey(scope)).toBe(key);
    }
  });

  it('splits and joins tags', () => {
    expect(splitTag('auth.login@attack')).toEqual({ op: 'auth.login', tag: 'attack' });
    expect(splitTag('auth.login')).toEqual({ op: 'auth.login' });
    expect(taggedOperation('auth.login', 'attack')).toBe('auth.login@attack');
    expect(taggedOperation('auth.login', undefined)).toBe('auth.login');
  });

  it('are split nowhere else in src/ (the browser script, which cannot import, only tells phases apart)', () => {
    const src = path.resolve(import.meta.dirname, '..');
    const splitting = /\bkey\.(?:lastIndexOf|indexOf|split)\('\/'\)/;
    const found = fs
      .readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== path.join('results', 'keys.ts') && f !== path.join('report', 'html-client.ts'))
      .filter((f) => splitting.test(fs.readFileSync(path.join(src, f), 'utf8')));
    expect(found).toEqual([]);
  });
});
