import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { hostPort, parsePostgresUrl, parseRedisUrl, redactUrl, resolveExternalUrls } from './url.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db.example:5432/auth', 'postgres://app:***@db.example:5432/auth'],
    ['postgresql://app:p%40ss@[::1]:6543/auth?sslmode=require', 'postgresql://app:***@[::1]:6543/auth?sslmode=require'],
    ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['rediss://default:s3cret@cache.example:6380', 'rediss://default:***@cache.example:6380'],
    ['postgres://app@db/auth?password=s3cret&sslmode=disable', 'postgres://app@db/auth?password=***&sslmode=disable'],
    ['postgres://db.example/auth', 'postgres://db.example/auth'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('%s → %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('redacts unparsable URLs textually, so a malformed URL in a message does not leak its password', () => {
    const out = redactUrl('postgres://app:s3cret@db:99999/auth');
    expect(out).toBe('postgres://app:***@db:99999/auth');
    expect(redactUrl('postgres://app:pa ss@db/x?password=s3cret')).not.toContain('s3cret');
  });
});

describe('URL validation', () => {
  const issueOf = (fn: () => unknown): InvalidInputError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      return err as InvalidInputError;
    }
    throw new Error('expected an InvalidInputError');
  };

  it('accepts usable URLs', () => {
    expect(parsePostgresUrl('postgres://u:p@h:5432/d', '--pg-url').hostname).toBe('h');
    expect(parsePostgresUrl('postgresql:///d?host=/var/run/postgresql', 'DATABASE_URL').pathname).toBe('/d');
    expect(parseRedisUrl('rediss://:p@h:6380/2', '--redis-url').port).toBe('6380');
  });

  it.each([
    ['not a url', /--pg-url: "not a url" is not a valid URL/],
    ['mysql://u:p@h/d', /--pg-url: .* must start with postgres:\/\//],
    ['postgres://u:p@h:0/d', /--pg-url: port 0 is not between 1 and 65535/],
    ['postgres://u:p@h/d?sslmode=bogus', /sslmode=bogus is not one of/],
    ['', /--pg-url: is empty/],
  ])('postgres %j is rejected', (url, message) => {
    const err = issueOf(() => parsePostgresUrl(url, '--pg-url'));
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain(':p@');
  });

  it.each([
    ['http://h:6379', /REDIS_URL: .* must start with redis:\/\//],
    ['redis://h:6379/sessions', /database "sessions" must be a number/],
    ['redis://:secret@h:70000', /is not a valid URL/],
  ])('redis %j is rejected', (url, message) => {
    const err = issueOf(() => parseRedisUrl(url, 'REDIS_URL'));
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('secret');
  });

  it('flags win over DATABASE_URL / REDIS_URL, and errors name where the value came from', () => {
    const env = { DATABASE_URL: 'postgres://env/d', REDIS_URL: 'redis://env:6379' };
    expect(resolveExternalUrls({ pgUrl: 'postgres://flag/d' }, env)).toEqual({
      pgUrl: 'postgres://flag/d',
      pgSource: '--pg-url',
      redisUrl: 'redis://env:6379',
      redisSource: 'REDIS_URL',
    });
    const err = issueOf(() => resolveExternalUrls({}, { DATABASE_URL: 'postgres://u:secret@h:x/d', REDIS_URL: 'ftp://h' }));
    expect(err.issues.map((i) => i.path)).toEqual(['DATABASE_URL', 'REDIS_URL']);
    expect(err.message).not.toContain('secret');
  });

  it('hostPort fills in default ports', () => {
    expect(hostPort('postgres://u:p@db/x')).toBe('db:5432');
    expect(hostPort('redis://cache')).toBe('cache:6379');
  });
});

describe('redactUrl keeps the text as written', () => {
  it('leaves URLs without secrets untouched', () => {
    expect(redactUrl('http://cache:6379')).toBe('http://cache:6379');
    expect(redactUrl('postgres://u@h')).toBe('postgres://u@h');
  });
  it('redacts raw characters the URL parser would re-encode', () => {
    const out = redactUrl('postgres://u:p{a}ss@h/d');
    expect(out).not.toContain('p{a}ss');
    expect(out).toContain(':***@h');
  });
});
