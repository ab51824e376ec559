// Hostile input through the BUILT command line (`npm run build` first): bad flags, bad --out, bad scenario files.
// Each case must end quickly with its exact exit code and one clear paragraph that names the flag, file or field —
// never "unexpected error … This is a bug", never a stack trace — and before any server starts or any load runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResults } from '../../src/report/json.js';
import { buildRunResults } from '../report/fixtures.js';
import { builtCli, type BuiltCliResult } from '../support/cli.js';
import { useRunServers } from '../support/servers.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const SMOKE = path.join(REPO, 'scenarios/smoke.yaml');
/** Every case must be refused well within this; a hang (a pipe, /dev/zero) is killed here and fails the case. */
const CASE_TIMEOUT_MS = 15_000;

/** A temporary working directory: anything a broken case starts (.authbench/, reports/) lands here, not in the repo. */
let work: string;
/** Mount points of the tiny tmpfs file systems, when this machine lets the test mount them (root with CAP_SYS_ADMIN). */
const mounts: { full?: string; readOnly?: string } = {};

function tryMount(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-hostile-'));
  const file = (name: string, text: string | Buffer): Promise<void> => fs.writeFile(path.join(work, name), text);
  await file('a-file', '');
  await file('deep-flow.yaml', `load: { rate: 10/s, duration: 1s }\nmix: [ { op: auth.login } ]\nx: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
  await file('deep-block.yaml', `load: { rate: 10/s, duration: 1s }\nx:\n  ${'- '.repeat(10_000)}a\n`);
  await file('deep-indent.yaml', `${Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`);
  await file('two-docs.yaml', 'load: { rate: 10/s, duration: 1s }\nmix: [ { op: auth.login } ]\n---\nname: second\n');
  // Deterministic "random" bytes: the same binary file on every run.
  await file('binary.yaml', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)));
  await file('nul.yaml', 'name: a\u0000b\nload: { rate: 10/s, duration: 1s }\n');
  await file('big.yaml', `# ${'x'.repeat(1_000_100)}\n`);
  await file('empty.yaml', '');
  await file(
    'proto-ops.yaml',
    'load: { rate: 10/s, duration: 1s }\nmix:\n  - op: hasOwnProperty\n  - op: toString\n  - op: constructor\n  - op: __proto__\n  - op: auth.lgin\nthresholds:\n  run: [ "constructor < 5", "avg < 1ms" ]\n',
  );
  await file('proto-keys.yaml', 'load: { rate: 10/s, duration: 1s, constructor: 1 }\nmix: [ { op: auth.login, options: { __proto__: 1 } } ]\nthresholds: { hasOwnProperty: [ "count > 1" ] }\n');
  await writeResults(path.join(work, 'results.json'), buildRunResults('pass'));
  execFileSync('mkfifo', [path.join(work, 'pipe.yaml')]);
  for (const [name, options] of [['full', 'size=1m'], ['readOnly', 'ro,size=1m']] as const) {
    const dir = path.join(work, `mnt-${name}`);
    await fs.mkdir(dir);
    if (tryMount(dir, options)) mounts[name] = dir;
  }
});

afterAll(async () => {
  for (const dir of Object.values(mounts)) execFileSync('umount', [dir]);
  await fs.rm(work, { recursive: true, force: true });
});

interface Case {
  readonly name: string;
  /** `<work>` is replaced by the temporary working directory. */
  readonly args: readonly string[];
  readonly exit: number;
  /** Every string must appear in stderr (`<work>` replaced). */
  readonly says: readonly string[];
  readonly code?: string;
  readonly input?: string;
  /** Present when the case needs a mount this machine may not allow. */
  readonly needs?: keyof typeof mounts;
  readonly stdout?: string;
}

const RUN = ['run', SMOKE];

const cases: readonly Case[] = [
  // 1. --out, checked before anything starts
  { name: '--out ""', args: [...RUN, '--out', ''], exit: 2, says: ['--out: must not be empty'], code: 'AB_ERR_OUT_DIR' },
  { name: '--out with no value', args: [...RUN, '--out', '--seed', '3'], exit: 2, says: ['--out: must not be empty'], code: 'AB_ERR_OUT_DIR' },
  { name: '--out an existing file (EEXIST)', args: [...RUN, '--out', '<work>/a-file'], exit: 2, says: ['--out: "<work>/a-file" is a file, not a directory'], code: 'AB_ERR_OUT_DIR' },
  { name: '--out under a file (ENOTDIR)', args: [...RUN, '--out', '<work>/a-file/run'], exit: 2, says: ['--out: "<work>/a-file/run" is under "<work>/a-file", which is a file'], code: 'AB_ERR_OUT_DIR' },
  { name: '--out on a read-only file system (EROFS)', args: [...RUN, '--out', '<work>/mnt-readOnly/run'], exit: 2, says: ['--out: "<work>/mnt-readOnly/run" is on a read-only file system'], code: 'AB_ERR_OUT_DIR', needs: 'readOnly' },
  { name: '--out without permission (EACCES / EPERM)', args: [...RUN, '--out', '/sys/kernel/authbench-run'], exit: 2, says: ['--out: "/sys/kernel/authbench-run" cannot be written (permission denied)'], code: 'AB_ERR_OUT_DIR' },
  { name: '--out in a kernel file system', args: [...RUN, '--out', '/proc/1/authbench-run'], exit: 2, says: ['--out: "/proc/1/authbench-run" cannot be written (permission denied)'], code: 'AB_ERR_OUT_DIR' },
  { name: '--out with too little free disk', args: [...RUN, '--out', '<work>/mnt-full/run'], exit: 3, says: ['--out: only ', 'free on the file system of "<work>/mnt-full/run"; a run needs at least 16 MiB'], code: 'AB_ERR_DISK_FULL', needs: 'full' },
  { name: 'report --html --out an existing file', args: ['report', '<work>/results.json', '--html', '--out', '<work>/a-file'], exit: 2, says: ['--out: "<work>/a-file" is a file, not a directory'], code: 'AB_ERR_OUT_DIR' },
  // 2. repeated flags
  { name: '--rate twice', args: [...RUN, '--rate', '50/s', '--rate', '60/s'], exit: 2, says: ['--rate was given twice; give it once.'], code: 'AB_ERR_USAGE' },
  { name: '--pg-url twice', args: [...RUN, '--pg-url', 'postgres://a@h/d', '--pg-url', 'postgres://b@h/d'], exit: 2, says: ['--pg-url was given twice'], code: 'AB_ERR_USAGE' },
  { name: '--redis-url twice', args: [...RUN, '--redis-url', 'redis://h:1', '--redis-url=redis://h:2'], exit: 2, says: ['--redis-url was given twice'], code: 'AB_ERR_USAGE' },
  { name: '--duration twice', args: [...RUN, '--duration', '5s', '--duration', '5s'], exit: 2, says: ['--duration was given twice'], code: 'AB_ERR_USAGE' },
  { name: '--target external twice', args: [...RUN, '--target', 'external', '--target', 'external'], exit: 2, says: ['--target was given twice'], code: 'AB_ERR_USAGE' },
  // run's --out is a list (--out KIND[=DEST]); two directories in it are still refused.
  { name: '--out twice', args: [...RUN, '--out', '<work>/a', '--out', '<work>/b'], exit: 2, says: ['--out: names 2 report directories'], code: 'AB_ERR_USAGE' },
  { name: '--workers three times', args: [...RUN, '--workers', '1', '--workers', '1', '--workers', '1'], exit: 2, says: ['--workers was given 3 times'], code: 'AB_ERR_USAGE' },
  { name: '--html and --no-html', args: [...RUN, '--html', '--no-html'], exit: 2, says: ['--html was given twice'], code: 'AB_ERR_USAGE' },
  { name: '--pg-url and --pgUrl', args: [...RUN, '--pg-url', 'postgres://a@h/d', '--pgUrl', 'postgres://a@h/d'], exit: 2, says: ['--pg-url was given twice'], code: 'AB_ERR_USAGE' },
  // 3. negative values name the flag and the value
  { name: '--duration -5s', args: [...RUN, '--duration', '-5s'], exit: 2, says: ['--duration: must be more than 0s, got -5s'] },
  { name: '--rate -5/s', args: [...RUN, '--rate', '-5/s'], exit: 2, says: ['--rate: must be more than 0/s, got -5/s'] },
  { name: '--connections -3', args: [...RUN, '--connections', '-3'], exit: 2, says: ['--connections: must be from 1 to'] },
  { name: '--seed -1', args: [...RUN, '--seed', '-1'], exit: 2, says: ['--seed: must be from 0 to'] },
  // 4. the file's limits and units
  { name: '--rate 99999999999 (no unit)', args: [...RUN, '--rate', '99999999999'], exit: 2, says: ['--rate: expected a rate like 2000/s, got "99999999999"'] },
  { name: '--rate 99999999999/s', args: [...RUN, '--rate', '99999999999/s'], exit: 2, says: ['--rate: must be at most 1000000/s, got 99999999999/s'] },
  { name: '--rate 2000 without /s', args: [...RUN, '--rate', '2000'], exit: 2, says: ['--rate: expected a rate like 2000/s, got "2000"'] },
  { name: '--duration 1000h', args: [...RUN, '--duration', '1000h'], exit: 2, says: ['--duration: must be at most 24h, got 1000h'] },
  { name: '--duration 60 without a unit', args: [...RUN, '--duration', '60'], exit: 2, says: ['--duration: expected a duration like 10s or 500ms, got "60"'] },
  { name: '--workers 1000000', args: [...RUN, '--workers', '1000000'], exit: 2, says: ['--workers: must be from 1 to 256, got 1000000'] },
  { name: '--connections 20000', args: [...RUN, '--connections', '20000'], exit: 2, says: ['--connections: must be from 1 to 10000, got 20000'] },
  { name: '--workers abc', args: [...RUN, '--workers', 'abc'], exit: 2, says: ['--workers: expected a whole number, got NaN'] },
  // 5. conflicts, and blame on the flag
  { name: '--target embedded --pg-url', args: [...RUN, '--target', 'embedded', '--pg-url', 'postgres://u:hunter2@h/d'], exit: 2, says: ['--pg-url: only with --target external'] },
  { name: '--target docker --redis-url', args: [...RUN, '--target', 'docker', '--redis-url', 'redis://h:1'], exit: 2, says: ['--redis-url: only with --target external'] },
  { name: '--data-dir ""', args: [...RUN, '--data-dir', ''], exit: 2, says: ['--data-dir: must not be empty'] },
  { name: '--data-dir a file', args: [...RUN, '--data-dir', '<work>/a-file'], exit: 2, says: ['--data-dir: "<work>/a-file" is a file, not a directory'] },
  { name: 'provision --data-dir under a file', args: ['provision', '--data-dir', '<work>/a-file/x'], exit: 2, says: ['--data-dir: "<work>/a-file/x" is under a file'] },
  { name: '--workers 3 --connections 2', args: [...RUN, '--workers', '3', '--connections', '2'], exit: 2, says: ['--workers: must not be more than --connections (2)'] },
  { name: '--workers above the file\'s connections', args: [...RUN, '--workers', '5'], exit: 2, says: ["--workers: must not be more than the scenario's load.connections (4)"] },
  { name: '--baseline /dev/zero', args: [...RUN, '--baseline', '/dev/zero'], exit: 2, says: ['/dev/zero (file): is a device, not a results.json file'], code: 'AB_ERR_RESULTS_FILE' },
  { name: '--baseline a named pipe', args: [...RUN, '--baseline', '<work>/pipe.yaml'], exit: 2, says: ['<work>/pipe.yaml (file): is a named pipe, not a results.json file'], code: 'AB_ERR_RESULTS_FILE' },
  { name: 'compare a device', args: ['compare', '/dev/urandom', '/dev/zero'], exit: 2, says: ['(file): is a device, not a results.json file'], code: 'AB_ERR_RESULTS_FILE' },
  // 6. validate and run FILE: pipes, devices, stdin, size, nesting, documents, binary
  { name: 'validate a named pipe', args: ['validate', '<work>/pipe.yaml'], exit: 2, says: ['<work>/pipe.yaml (file): is a named pipe, not a regular file'] },
  { name: 'validate /dev/zero', args: ['validate', '/dev/zero'], exit: 2, says: ['/dev/zero (file): is a device, not a regular file'] },
  { name: 'validate /dev/urandom', args: ['validate', '/dev/urandom'], exit: 2, says: ['/dev/urandom (file): is a device'] },
  { name: 'validate a directory', args: ['validate', '<work>'], exit: 2, says: ['<work> (file): is a directory'] },
  { name: 'validate - reads standard input', args: ['validate', '-'], input: 'load: { rate: 10/s, duration: 1s }\nmix: [ { op: auth.login } ]\n', exit: 0, says: [], stdout: '<stdin>: valid (open model, 10/s for 1s, 1 operation, 0 thresholds)\n' },
  { name: 'validate - with empty standard input', args: ['validate', '-'], exit: 2, says: ['<stdin> (file): is empty'] },
  { name: 'validate - with an error names <stdin> and the line', args: ['validate', '-'], input: 'load: { rate: 10/s, duration: 1s }\nmix: [ { op: auth.lgin } ]\n', exit: 2, says: ['<stdin>:2 mix[0].op: unknown operation "auth.lgin" (did you mean "auth.login"?)'] },
  { name: 'validate - twice', args: ['validate', '-', '-'], exit: 2, says: ['standard input can be read once'], code: 'AB_ERR_USAGE' },
  { name: 'validate a file over 1 MB', args: ['validate', '<work>/big.yaml'], exit: 2, says: ['<work>/big.yaml (file): is larger than 1000000 bytes'] },
  { name: 'validate 10000-deep [[…]]', args: ['validate', '<work>/deep-flow.yaml'], exit: 2, says: ['<work>/deep-flow.yaml:3 yaml: the document is too deeply nested (more than 64 levels)'] },
  { name: 'validate 10000-deep - - -', args: ['validate', '<work>/deep-block.yaml'], exit: 2, says: ['<work>/deep-block.yaml:3 yaml: the document is too deeply nested'] },
  { name: 'validate 1400-deep indentation', args: ['validate', '<work>/deep-indent.yaml'], exit: 2, says: ['<work>/deep-indent.yaml:65 yaml: the document is too deeply nested'] },
  { name: 'validate two YAML documents', args: ['validate', '<work>/two-docs.yaml'], exit: 2, says: ['<work>/two-docs.yaml:3 yaml: a scenario is one YAML document, but a second document starts here (---)'] },
  { name: 'validate a binary file', args: ['validate', '<work>/binary.yaml'], exit: 2, says: ['<work>/binary.yaml (file): is not a text file'] },
  { name: 'validate a NUL byte', args: ['validate', '<work>/nul.yaml'], exit: 2, says: ['<work>/nul.yaml:1 yaml: holds a control character (U+0000)'] },
  { name: 'validate an empty file', args: ['validate', '<work>/empty.yaml'], exit: 2, says: ['<work>/empty.yaml (file): is empty'] },
  { name: 'run a named pipe', args: ['run', '<work>/pipe.yaml'], exit: 2, says: ['<work>/pipe.yaml (file): is a named pipe'] },
  { name: 'run /dev/zero', args: ['run', '/dev/zero'], exit: 2, says: ['/dev/zero (file): is a device'] },
  { name: 'run 10000-deep [[…]]', args: ['run', '<work>/deep-flow.yaml'], exit: 2, says: ['<work>/deep-flow.yaml:3 yaml: the document is too deeply nested'] },
  { name: 'run - with a bad scenario on standard input', args: ['run', '-'], input: 'load: 5\n', exit: 2, says: ['<stdin>:1 load: expected the load section (a map), got 5'] },
  // 7. Object.prototype names are ordinary unknown names
  {
    name: 'ops and a metric named like Object.prototype members',
    args: ['validate', '<work>/proto-ops.yaml'],
    exit: 2,
    says: [
      'proto-ops.yaml:3 mix[0].op: unknown operation "hasOwnProperty"',
      'proto-ops.yaml:4 mix[1].op: unknown operation "toString"',
      'proto-ops.yaml:5 mix[2].op: unknown operation "constructor"',
      'proto-ops.yaml:6 mix[3].op: unknown operation "__proto__"',
      'proto-ops.yaml:7 mix[4].op: unknown operation "auth.lgin" (did you mean "auth.login"?)',
      'thresholds.run[0]: unknown metric "constructor"; expected p50',
      'thresholds.run[1]: unknown metric "avg" (did you mean "mean"?)',
    ],
  },
  {
    name: 'keys and scopes named like Object.prototype members',
    args: ['validate', '<work>/proto-keys.yaml'],
    exit: 2,
    says: ['proto-keys.yaml:1 load.constructor: unknown key', 'mix[0].options.__proto__: unknown key', 'thresholds.hasOwnProperty: unknown operation "hasOwnProperty"'],
  },
  { name: 'run with op: constructor', args: ['run', '<work>/proto-ops.yaml'], exit: 2, says: ['mix[2].op: unknown operation "constructor"'] },
];

/** The common promises of every case: one paragraph from authbench, nothing started, no crash, no stack, no secret. */
function expectCleanRefusal(out: BuiltCliResult): void {
  expect(out.timedOut, 'the command hung and was killed').toBe(false);
  expect(out.stderr).not.toMatch(/unexpected error|This is a bug|Maximum call stack|native code/);
  expect(out.stderr).not.toMatch(/^\s+at /m);
  expect(out.stderr).not.toMatch(/\n\s*\n/);
  expect(out.stderr).not.toContain('hunter2');
  // Nothing was logged before the error: no server was provisioned and no load started.
  expect(out.stderr).toMatch(/^authbench: /);
  expect(out.stderr.split('\n').filter((l) => l.startsWith('authbench: '))).toHaveLength(1);
  // A binary file's bytes are not echoed back.
  expect(out.stderr.length).toBeLessThan(2000);
}

describe('hostile input through the built CLI', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', { timeout: CASE_TIMEOUT_MS + 5000 }, async (_name, c) => {
    if (c.needs !== undefined && mounts[c.needs] === undefined) {
      console.warn(`skipped: cannot mount a tmpfs here for "${c.name}"`);
      return;
    }
    const at = (text: string): string => text.replaceAll('<work>', work);
    const out = await builtCli(c.args.map(at), { cwd: work, timeoutMs: CASE_TIMEOUT_MS, ...(c.input === undefined ? {} : { input: c.input }) });
    expect(out.status, out.stderr).toBe(c.exit);
    if (c.stdout !== undefined) expect(out.stdout).toBe(c.stdout);
    if (c.exit === 0) {
      expect(out.stderr).toBe('');
      return;
    }
    expectCleanRefusal(out);
    for (const text of c.says) expect(out.stderr).toContain(at(text));
    if (c.code !== undefined) expect(out.stderr).toContain(`[${c.code}]`);
    // Nothing was left in the working directory: no report directory, no .authbench/.
    const left = (await fs.readdir(work)).filter((n) => n === 'reports' || n === '.authbench' || n === 'a' || n === 'b');
    expect(left).toEqual([]);
  });
});

describe('hostile input that needs real servers (external target)', () => {
  const servers = useRunServers('hostile');
  const scenario = (connections: number): string =>
    [
      'name: tiny',
      `load: { rate: 20/s, duration: 1s, warmup: 0s, connections: ${connections}, workers: 1, gracefulStop: 1s }`,
      'mix: [ { op: sql, options: { query: "SELECT 1" } } ]',
      '',
    ].join('\n');

  it('--connections above the server\'s max_connections blames the flag, not the file, before any load', { timeout: 60_000 }, async () => {
    const file = path.join(work, 'tiny.yaml');
    await fs.writeFile(file, scenario(2));
    const out = await builtCli(['run', file, '--pg-url', servers.db.url, '--redis-url', servers.redis.url, '--connections', '5000', '--out', path.join(work, 'budget')], {
      cwd: work,
      timeoutMs: 45_000,
    });
    expect(out.status, out.stderr).toBe(2);
    expect(out.stderr).toMatch(/authbench: --connections: 5000 connections \(\+ 3 of authbench's own\) are more than the server allows/);
    expect(out.stderr).toContain('Lower --connections');
    expect(out.stderr).not.toContain('tiny.yaml load.connections');
    expect(out.stderr).not.toContain('Load:');
    expect(out.stderr).not.toMatch(/unexpected error|This is a bug|^\s+at /m);
  });

  it('a report that cannot be written after the load: the summary is printed, the rest is written, exit 3', { timeout: 90_000 }, async () => {
    const file = path.join(work, 'tiny.yaml');
    await fs.writeFile(file, scenario(2));
    const dir = path.join(work, 'late');
    // Passes the check before the run (the directory is writable); fails when report.html is written after the load.
    await fs.mkdir(path.join(dir, 'report.html'), { recursive: true });
    const out = await builtCli(['run', file, '--pg-url', servers.db.url, '--redis-url', servers.redis.url, '--out', dir], { cwd: work, timeoutMs: 75_000 });
    expect(out.status, out.stderr).toBe(3);
    expect(out.stdout).toContain('PASS');
    expect(out.stderr).toContain(`authbench: The run finished, but not every report could be written to ${JSON.stringify(dir)}: report.html (EISDIR).`);
    expect(out.stderr).toContain('[AB_ERR_REPORT_WRITE]');
    expect(out.stderr).not.toMatch(/unexpected error|This is a bug|^\s+at /m);
    const results = JSON.parse(await fs.readFile(path.join(dir, 'results.json'), 'utf8')) as { artifacts: Record<string, string>; operations: { count: number }[] };
    expect(results.artifacts).toEqual({ results: 'results.json', hlog: 'latency.hlog', junit: 'junit.xml' });
    expect(results.operations[0]!.count).toBeGreaterThan(0);
    await fs.access(path.join(dir, 'junit.xml'));
  });
});
