// The raw-argv checks: repeated flags are named, negative values reach their flag, a positional `-` survives yargs.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { STDIN_SENTINEL } from '../scenario/read-source.js';
import { assertNoRepeatedFlags, attachNegativeValues, protectStdinDash, repeatedFlags } from './argv.js';

describe('repeatedFlags', () => {
  it.each([
    [['run', 'f.yaml', '--rate', '50/s', '--rate', '60/s'], [{ name: 'rate', count: 2 }]],
    [['run', 'f.yaml', '--rate=50/s', '--rate', '60/s', '--rate=1/s'], [{ name: 'rate', count: 3 }]],
    [['run', 'f.yaml', '--pg-url', 'a', '--pgUrl', 'b'], [{ name: 'pg-url', count: 2 }]],
    [['run', 'f.yaml', '--html', '--no-html'], [{ name: 'html', count: 2 }]],
    [['capacity', 'f.yaml', '--out', 'a', '--target', 'external', '--out', 'b', '--target', 'external'], [{ name: 'out', count: 2 }, { name: 'target', count: 2 }]],
    // run's --out takes a list (--out KIND[=DEST], repeatable); every other flag is still refused twice.
    [['run', 'f.yaml', '--out', 'html', '--target', 'external', '--out', 'prometheus-rw=http://h/w', '--target', 'external'], [{ name: 'target', count: 2 }]],
    [['run', 'f.yaml', '--rate', '50/s', '--duration', '5s'], []],
    [['run', 'f.yaml', '--', '--rate', '--rate'], []],
  ])('%j', (argv, expected) => {
    expect(repeatedFlags(argv)).toEqual(expected);
  });

  it('refuses them as a usage error (exit 2) naming each flag', () => {
    let caught: unknown;
    try {
      assertNoRepeatedFlags(['run', 'f.yaml', '--rate', '1/s', '--rate', '2/s', '--duration', '1s', '--duration', '2s']);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).exitCode).toBe(2);
    expect((caught as InvalidInputError).code).toBe('AB_ERR_USAGE');
    expect((caught as InvalidInputError).message).toBe('--rate was given twice; give it once.\n--duration was given twice; give it once.');
  });
});

describe('attachNegativeValues', () => {
  it.each([
    [['--duration', '-5s'], ['--duration=-5s']],
    [['--rate', '-5/s', '--workers', '-3'], ['--rate=-5/s', '--workers=-3']],
    [['--seed', '-.5'], ['--seed=-.5']],
    [['--duration=-5s'], ['--duration=-5s']],
    [['-h'], ['-h']],
    [['--out', '-x'], ['--out', '-x']],
    [['--', '--rate', '-5/s'], ['--', '--rate', '-5/s']],
  ])('%j → %j', (argv, expected) => {
    expect(attachNegativeValues(argv)).toEqual(expected);
  });
});

describe('protectStdinDash', () => {
  it('marks a positional - and leaves a flag value - alone', () => {
    expect(protectStdinDash(['validate', '-', 'a.yaml'])).toEqual(['validate', STDIN_SENTINEL, 'a.yaml']);
    expect(protectStdinDash(['run', '-', '--out', '-'])).toEqual(['run', STDIN_SENTINEL, '--out', '-']);
  });
});
