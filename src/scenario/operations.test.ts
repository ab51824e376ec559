// The operations catalog: its shape (what src/load/ implements against) and option validation with defaults.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, PERMISSIONS, validateOperationOptions } from './operations.js';

const context = { datasetUsers: 1000, cores: 8 };

describe('OPERATIONS', () => {
  it('describes every operation with its phases', () => {
    expect(Object.fromEntries(Object.values(OPERATIONS).map((o) => [o.name, o.phases]))).toEqual({
      'auth.login': ['ratelimit', 'db', 'verify', 'sign', 'cache'],
      'session.validate': ['verify', 'cache', 'db'],
      'rbac.check': ['cache', 'db'],
      'user.lookup': [],
      'token.refresh': [],
      'auth.logout': [],
      'session.revoke-all': ['db', 'cache'],
      sql: [],
      redis: [],
    });
    expect(Object.isFrozen(OPERATIONS['auth.login']!.options)).toBe(true);
  });

  it('lists the 37 seeded permissions', () => {
    expect(PERMISSIONS).toHaveLength(37);
    expect(new Set(PERMISSIONS).size).toBe(37);
  });

  it('lists exactly the permissions sql/003_rbac.sql seeds, in bit order', () => {
    const sql = fs.readFileSync(new URL('../../sql/003_rbac.sql', import.meta.url), 'utf8');
    const insert = /INSERT INTO auth\.permissions[\s\S]*?unnest\(ARRAY\[([\s\S]*?)\]\)/.exec(sql);
    expect(insert, 'the permissions INSERT in sql/003_rbac.sql').not.toBeNull();
    const seeded = [...insert![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(PERMISSIONS).toEqual(seeded);
  });
});

describe('validateOperationOptions', () => {
  it.each([
    ['auth.login', undefined, { wrongPasswordShare: 0.05, verify: 'none', maxConcurrentHashes: 8, rateLimit: true, cacheSession: true, jwt: true, recordAcknowledged: false, ip: { kind: 'uniform', min: 1, max: 10_000 } }],
    ['session.validate', {}, { jwt: true, expiredShare: 0, cacheHitRatio: 0.9, revokedShare: 0.01 }],
    ['rbac.check', { cacheHitRatio: '50%' }, { cacheHitRatio: 0.5 }],
    ['user.lookup', { by: 'username' }, { by: 'username' }],
    ['token.refresh', undefined, {}],
    ['sql', { query: 'select $1', params: ['zipf(1.1)'] }, { query: 'select $1', params: [{ kind: 'zipf', s: 1.1, n: 1000 }], prepared: true }],
    ['redis', { command: 'GET', args: ['k'] }, { command: 'GET', args: [{ kind: 'const', value: 'k' }] }],
  ] as const)('%s %j → defaults filled', (op, options, expected) => {
    const result = validateOperationOptions(op, options, 'options', context);
    expect(result.issues).toEqual([]);
    expect(result.options).toEqual(expected);
  });

  it.each([
    ['nope', {}, ['options: unknown operation "nope"; known operations: auth.login, session.validate, rbac.check, user.lookup, token.refresh, auth.logout, session.revoke-all, sql or redis']],
    ['auth.login', { verify: 'bcrypt', cacheSesion: false }, ['options.cacheSesion: unknown key; did you mean "cacheSession"?', 'options.verify: expected none or argon2id, got "bcrypt"']],
    ['auth.login', 'fast', ['options: expected the options of auth.login (a map), got "fast"']],
    ['sql', { query: 'select $1, $3', params: 'x' }, ['options.params: expected a list of values or generators (zipf(s[, n]), uniform[(min, max)], sequential[(start, end)] or list(a, b, …)), got "x"']],
    ['sql', { query: 'select $1, $3', params: ['1', '2'] }, ['options.params: the query uses $1..$3 but 2 params are given']],
    ['redis', {}, ['options.command: required by redis']],
  ] as const)('%s %j → issues', (op, options, expected) => {
    const result = validateOperationOptions(op, options as Record<string, unknown>, 'options', context);
    expect(result.issues.map((i) => `${i.path}: ${i.message}`)).toEqual(expected);
  });
});
