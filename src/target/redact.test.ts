import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets: one rule for every text that may hold a URL', () => {
  it.each([
    // Well-formed URLs keep their spelling.
    ['postgres://app:s3cret@db:5432/auth', 'postgres://app:***@db:5432/auth'],
    ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['postgres://app@db/auth?password=s3cret&sslmode=disable', 'postgres://app@db/auth?password=***&sslmode=disable'],
    ['postgres://u@h', 'postgres://u@h'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    // URLs that do not parse, or parse without a password.
    ['postgres:/u:s3cret@h/db', 'postgres:/u:***@h/db'],
    ['postgres//u:s3cret@h/db', 'postgres//u:***@h/db'],
    ['u:s3cret@127.0.0.1:5432/db', 'u:***@127.0.0.1:5432/db'],
    ['garbage:s3cret@@', 'garbage:***@'],
    ['postgres://u s3cret@h/db', 'postgres://***@h/db'],
    ['postgres://app:pa ss@db/x', 'postgres://app:***@db/x'],
    ['postgres://u:p@ss@h/db', 'postgres://u:***@h/db'],
    ['postgres://u:pa/ss@h/db', 'postgres://u:***@h/db'],
    ['postgres://app:s3cret@db:99999/auth', 'postgres://app:***@db:99999/auth'],
    ['postgres://app:@ s3cret@db/auth', 'postgres://app:***@db/auth'],
    ['postgres://app:@?s3cret@db/auth', 'postgres://app:***@db/auth'],
    // libpq keyword strings.
    ['host=h password=s3cret dbname=x', 'host=h password=*** dbname=x'],
    ["host=h password = 's3 cret' user=x", 'host=h password = *** user=x'],
    ['host=h sslpassword=s3cret', 'host=h sslpassword=***'],
    // Inside messages, several URLs, quotes.
    ['Cannot reach PostgreSQL at h:5432 (postgres://u s3cret@h/db): refused', 'Cannot reach PostgreSQL at h:5432 (postgres://***@h/db): refused'],
    ['--pg-url: "postgres:/u:s3cret@h/db" has no host', '--pg-url: "postgres:/u:***@h/db" has no host'],
    ['redis://:s3cret@h:1/0 and postgres://h:5432 x', 'redis://:***@h:1/0 and postgres://h:5432 x'],
    ['DATABASE_URL=u:s3cret@h', 'DATABASE_URL=u:***@h'],
    ['  pgUrl: postgres://a:s3cret@c/d\n  redisUrl: redis://:s3cret@y', '  pgUrl: postgres://a:***@c/d\n  redisUrl: redis://:***@y'],
  ])('%s → %s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('leaves text without secrets alone', () => {
    for (const text of ['at 20:46:48 the run ended', 'target.serverSettings.port: changes where the server listens', 'http://cache:6379', 'hosts a:1, b:2', 'description: mail admin@example.com']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('never leaves the password of a postgres://user:password@host URL, whatever the password and the text around it', () => {
    const password = fc.stringMatching(/^[A-Za-z0-9!$%&*+,;=~@:/?#. -]{6,20}$/)
      // `user:/pw@h` reads as the scheme `user:/` and the user name `pw`, and a password with a space and a `/` cannot be
      // told from two words of a message: both ambiguous, neither a URL any client accepts.
      .filter((p) => /[A-Za-z0-9]{6}/.test(p) && !p.startsWith('/') && !(/\s/.test(p) && /[/?#]/.test(p)));
    fc.assert(
      fc.property(fc.constantFrom('postgres://', 'postgresql://', 'redis://', 'postgres:/', 'postgres//', ''), fc.constantFrom('app', '', 'u'), password, fc.constantFrom('', 'error: ', '"', '('), (scheme, user, pw, before) => {
        // Without a scheme, `app: pw@host` reads like YAML (`key: value@host`), which is left alone.
        fc.pre(scheme !== '' || !/^\s/.test(pw));
        const secret = /[A-Za-z0-9]{6}/.exec(pw)![0];
        const text = `${before}${scheme}${user}:${pw}@db.example:5432/auth`;
        expect(redactSecrets(text)).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });
});
