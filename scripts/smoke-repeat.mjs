#!/usr/bin/env node
// Runs scenarios/smoke.yaml N times, each on a freshly seeded database, and counts the valid and invalid runs (the
// "smoke passes 20 of 20" check of issue 11). Not part of the test suite: run it on a quiet machine after `npm run build`.
//
//   node scripts/smoke-repeat.mjs [--runs 20] [--mode fresh-dir|fresh-db|reuse] [--scenario scenarios/smoke.yaml] [--keep]
//
// Modes: fresh-dir (default) gives every run a new data directory (initdb, servers started and stopped by the run,
// schema and seed in the run); fresh-db provisions one cluster and recreates its database before every run (a
// long-lived server, as in CI, where autovacuum can visit during a run); reuse seeds once and reuses the dataset.
// Prints one line per run and the totals; exits 0 when every run was valid and passed, 1 otherwise, 2 on bad flags.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli/main.js');

function usage(problem) {
  process.stderr.write(`smoke-repeat: ${problem}\nUsage: node scripts/smoke-repeat.mjs [--runs N] [--mode fresh-dir|fresh-db|reuse] [--scenario FILE] [--keep]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { runs: 20, mode: 'fresh-dir', scenario: path.join(root, 'scenarios/smoke.yaml'), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--runs') {
      args.runs = Number(value());
      if (!Number.isInteger(args.runs) || args.runs < 1) usage('--runs must be a whole number of at least 1');
    } else if (flag === '--mode') {
      args.mode = value();
      if (!['fresh-dir', 'fresh-db', 'reuse'].includes(args.mode)) usage(`--mode must be fresh-dir, fresh-db or reuse (got "${args.mode}")`);
    } else if (flag === '--scenario') args.scenario = path.resolve(value());
    else if (flag === '--keep') args.keep = true;
    else usage(`unknown flag "${flag}"`);
  }
  return args;
}

/** Runs the built CLI; its output goes to `log` so a failure can be read afterwards. */
function authbench(cliArgs, log) {
  const r = spawnSync(process.execPath, [cli, ...cliArgs], { cwd: root, encoding: 'utf8' });
  fs.appendFileSync(log, `$ authbench ${cliArgs.join(' ')}\n${r.stdout}${r.stderr}exit ${r.status}\n\n`);
  return r.status ?? 3;
}

const args = parseArgs(process.argv.slice(2));
if (!fs.existsSync(cli)) usage(`${path.relative(root, cli)} is missing: run npm run build first`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-smoke-repeat-'));
fs.chmodSync(work, 0o755); // PostgreSQL runs as its own OS user and must reach the data directories inside
const log = path.join(work, 'runs.log');
const sharedDir = path.join(work, 'servers');
if (args.mode !== 'fresh-dir') {
  if (authbench(['provision', '--data-dir', sharedDir], log) !== 0) usage(`provision failed; see ${log}`);
}

const counts = { valid: 0, invalid: 0, passed: 0, other: 0 };
try {
  for (let i = 1; i <= args.runs; i++) {
    const dataDir = args.mode === 'fresh-dir' ? path.join(work, `servers-${i}`) : sharedDir;
    if (args.mode === 'fresh-db' && authbench(['provision', '--data-dir', sharedDir, '--fresh'], log) !== 0) usage(`provision --fresh failed; see ${log}`);
    const outDir = path.join(work, `run-${i}`);
    const load = os.loadavg()[0].toFixed(1);
    const exit = authbench(['run', args.scenario, '--data-dir', dataDir, '--out-dir', outDir, '--quiet'], log);
    let line = `run ${String(i).padStart(2)}: exit ${exit}, load ${load}`;
    try {
      const results = JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8'));
      const g = results.generator;
      if (g.valid) counts.valid++;
      else counts.invalid++;
      if (exit === 0) counts.passed++;
      line += `, ${results.verdict}, dataset ${results.dataset.reused ? 'reused' : 'seeded'}, late ${g.late}/${g.scheduled}, schedule lag max ${g.scheduleLagMaxMs.toFixed(1)} ms, event-loop lag max ${g.eventLoopLagMaxMs.toFixed(1)} ms`;
      if (!g.valid) line += `\n         ${g.invalidReasons.join('; ')}\n         ${results.diagnosis?.summary ?? ''}`;
    } catch {
      counts.other++;
      line += `, no results.json (see ${log})`;
    }
    process.stdout.write(`${line}\n`);
    if (args.mode === 'fresh-dir' && !args.keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
} finally {
  if (args.mode !== 'fresh-dir') authbench(['teardown', '--data-dir', sharedDir, ...(args.keep ? [] : ['--purge'])], log);
}

process.stdout.write(`\n${args.mode}: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.other} without results; ${counts.passed} of ${args.runs} passed (verdict PASS, exit 0).\n`);
process.stdout.write(`Reports and the servers' output: ${work}${args.keep ? '' : ' (data directories removed; --keep keeps them)'}\n`);
process.exitCode = counts.passed === args.runs ? 0 : 1;
