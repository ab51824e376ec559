// `--out KIND[=DEST]` and `--out-dir`: raw flags in, the directory and outputs (or the exact message) out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { checkRunId, parseOutFlags } from './spec.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).exitCode).toBe(2);
    return (err as InvalidInputError).message;
  }
  throw new Error('expected an InvalidInputError');
}

describe('parseOutFlags', () => {
  it.each([
    [[], undefined, { specs: [] }],
    // A bare value that is no kind stays the report directory (as before --out KIND existed).
    [['reports/run-1'], undefined, { dir: 'reports/run-1', dirFlag: '--out', specs: [] }],
    [['out'], undefined, { dir: 'out', dirFlag: '--out', specs: [] }],
    [[], 'reports/x', { dir: 'reports/x', dirFlag: '--out-dir', specs: [] }],
    [['html'], undefined, { specs: [{ kind: 'html' }] }],
    [['./html'], undefined, { dir: './html', dirFlag: '--out', specs: [] }],
    [['junit=ci/junit.xml', 'reports/r'], undefined, { dir: 'reports/r', dirFlag: '--out', specs: [{ kind: 'junit', dest: 'ci/junit.xml' }] }],
    [['prometheus-rw=http://127.0.0.1:9090/api/v1/write', 'prometheus-rw=https://p.example/api/v1/write'], 'd', {
      dir: 'd',
      dirFlag: '--out-dir',
      specs: [
        { kind: 'prometheus-rw', dest: 'http://127.0.0.1:9090/api/v1/write' },
        { kind: 'prometheus-rw', dest: 'https://p.example/api/v1/write' },
      ],
    }],
    // A path with `=` in it is a directory, not a kind.
    [['reports/a=b'], undefined, { dir: 'reports/a=b', dirFlag: '--out', specs: [] }],
  ])('%j with --out-dir %j', (values, outDir, expected) => {
    expect(parseOutFlags(values, outDir)).toEqual(expected);
  });

  it.each([
    [['prometheus=http://127.0.0.1:9090/api/v1/write'], '--out: unknown output kind "prometheus"; did you mean prometheus-rw?'],
    [['jsno=x.json'], '--out: unknown output kind "jsno"; did you mean json?'],
    [['statsd=udp://x'], '--out: unknown output kind "statsd"'],
    [['htlm'], '--out: "htlm" is neither an output kind nor an existing directory; did you mean html? (for a new directory of that name write --out-dir htlm)'],
    [['prometheus-rw'], "--out prometheus-rw: needs the receiver's URL, e.g. --out prometheus-rw=http://127.0.0.1:9090/api/v1/write"],
    [['prometheus-rw=not a url'], '--out prometheus-rw: "not a url" is not a URL; expected e.g. prometheus-rw=http://127.0.0.1:9090/api/v1/write'],
    [['prometheus-rw=ftp://h/w'], '--out prometheus-rw: "ftp://h/w" must be http:// or https://, got ftp:'],
    [['prometheus-rw=http://u:hunter2@/w'], '--out prometheus-rw: "http://u:***@/w" is not a URL; expected e.g. prometheus-rw=http://127.0.0.1:9090/api/v1/write'],
    [['html=a.html', 'html=b.html'], '--out html: is given twice; give each file output once'],
    [['json='], '--out json: has an empty file name; write --out json (the default file) or --out json=FILE'],
    [['a', 'b'], '--out: names 2 report directories ("a", "b"); give one, with --out-dir DIR'],
  ])('%j is refused: %s', (values, message) => {
    expect(messageOf(() => parseOutFlags(values))).toBe(message);
  });

  it('names every problem at once, with the kinds in the hint', () => {
    let caught: InvalidInputError | undefined;
    try {
      parseOutFlags(['promethus-rw=http://h/w', 'prometheus-rw=file:///x'], 'd');
    } catch (err) {
      caught = err as InvalidInputError;
    }
    expect(caught?.issues.map((i) => i.message)).toEqual(['unknown output kind "promethus-rw"; did you mean prometheus-rw?', '"file:///x" must be http:// or https://, got file:']);
    expect(caught?.hint).toContain('console, json, hlog, junit, html and prometheus-rw');
  });

  it('lets an existing directory named like a near-miss stay a directory', () => {
    const cwd = process.cwd();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-out-'));
    try {
      process.chdir(root);
      fs.mkdirSync('htlm');
      expect(parseOutFlags(['htlm'])).toEqual({ dir: 'htlm', dirFlag: '--out', specs: [] });
    } finally {
      process.chdir(cwd);
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('checkRunId', () => {
  it('accepts label-safe ids and refuses others', () => {
    expect(() => checkRunId('20261201T231502Z-3fa9c1')).not.toThrow();
    expect(messageOf(() => checkRunId('a b'))).toContain('--run-id: "a b" must be 1–128 letters');
  });
});
