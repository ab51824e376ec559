// Unit tests of the pure identity functions: deterministic, unique, and wrong passwords never verify.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  emailForUser,
  passwordForUser,
  saltForPassword,
  testPassword,
  usernameForUser,
  wrongPasswordForUser,
} from './identities.js';
import { escapeCopyText, copyLine } from '../target/seed/copy-stream.js';
import { hash32, unit } from './prng.js';

describe('prng', () => {
  it('is a pure function of its inputs', () => {
    expect(hash32(1, 2, 3, 4)).toBe(hash32(1, 2, 3, 4));
    expect(hash32(1, 2, 3, 4)).not.toBe(hash32(2, 2, 3, 4));
    expect(hash32(1, 2, 3, 4)).not.toBe(hash32(1, 3, 3, 4));
  });

  it('is roughly uniform', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(unit(7, 1, i) * 10)]! += 1;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});

describe('identities', () => {
  it('usernames are unique and deterministic', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(usernameForUser(42, i));
    expect(seen.size).toBe(20_000);
    expect(usernameForUser(42, 123)).toBe(usernameForUser(42, 123));
    expect(usernameForUser(42, 123)).toMatch(/^[a-z]+\.[a-z]+123$/);
    expect(emailForUser(42, 5)).toBe(`${usernameForUser(42, 5)}@example.test`);
  });

  it('gives users the known password i mod K, and a different seed gives different passwords', () => {
    expect(passwordForUser(1, 70, 64)).toBe(testPassword(1, 6));
    expect(passwordForUser(1, 6, 64)).toBe(passwordForUser(1, 70, 64));
    expect(testPassword(1, 0)).not.toBe(testPassword(2, 0));
    expect(testPassword(1, 0)).toHaveLength(16);
  });

  it('never produces a wrong password equal to the right one', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(1_000_000), fc.nat(100), fc.integer({ min: 1, max: 500 }), (seed, user, attempt, k) => {
        expect(wrongPasswordForUser(seed, user, attempt, k)).not.toBe(passwordForUser(seed, user, k));
      }),
    );
  });

  it('salts are 16 bytes and differ per password', () => {
    expect(saltForPassword(1, 0)).toHaveLength(16);
    expect(saltForPassword(1, 0).equals(saltForPassword(1, 1))).toBe(false);
  });
});

describe('COPY text format', () => {
  it('escapes backslash, tab, newline and carriage return', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyLine(['x', null, 3, true, 'y\tz'])).toBe('x\t\\N\t3\tt\ty\\tz\n');
  });
});
