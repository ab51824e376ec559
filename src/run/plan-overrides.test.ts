// Command-line overrides of a scenario: each flag changes exactly its field, bad flags are all reported at once (exit 2).
import { describe, expect, it } from 'vitest';
import { ExitCode, InvalidInputError } from '../errors.js';
import { SCENARIO_LIMITS } from '../scenario/defaults.js';
import { parseScenario } from '../scenario/parse.js';
import { assertConnectionBudget } from '../server-evidence/connection-budget.js';
import { applyOverrides } from './plan-overrides.js';

const OPEN = `
name: o
load:
  model: open
  stages: [ { duration: 10s, target: 100/s }, { duration: 30s, target: 400/s } ]
  warmup: 5s
  connections: 16
  workers: 2
mix:
  - op: sql
    options: { query: "SELECT 1" }
`;

const CLOSED = `
name: c
load: { model: closed, vus: 8, duration: 20s, workers: 2 }
mix:
  - op: sql
    options: { query: "SELECT 1" }
`;

const open = parseScenario(OPEN, 'o.yaml', { cores: 2 });
const closed = parseScenario(CLOSED, 'c.yaml', { cores: 2 });

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).exitCode).toBe(ExitCode.invalidInput);
    return (err as InvalidInputError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected an InvalidInputError');
}

describe('applyOverrides', () => {
  it('--duration scales the stages in proportion', () => {
    const p = applyOverrides(open, { duration: '80s' });
    expect(p.load.durationMs).toBe(80_000);
    expect(p.load.model === 'open' && p.load.stages.map((s) => s.durationMs)).toEqual([20_000, 60_000]);
  });

  it('--warmup sets the warm-up alone (0s allowed), in both models', () => {
    const p = applyOverrides(open, { warmup: '5s' });
    expect([p.load.warmupMs, p.load.durationMs, p.setByFlag?.['load.warmup']]).toEqual([5_000, open.load.durationMs, '--warmup']);
    expect(applyOverrides(closed, { warmup: '0s' }).load.warmupMs).toBe(0);
  });

  it('--rate replaces the stages with one constant rate (open model only)', () => {
    const p = applyOverrides(open, { rate: '250/s' });
    expect(p.load.model === 'open' && [p.load.startRate, p.load.stages]).toEqual([250, [{ durationMs: 40_000, targetRate: 250 }]]);
    expect(applyOverrides(open, { rate: 300 }).load.model === 'open' && (applyOverrides(open, { rate: 300 }).load as { startRate: number }).startRate).toBe(300);
    expect(issuesOf(() => applyOverrides(closed, { rate: '10/s' }))).toEqual(['--rate: applies to the open model only; this scenario is closed (use --connections for its VUs)']);
  });

  it('--connections moves maxInFlight with it (open) and sets the VUs (closed)', () => {
    const p = applyOverrides(open, { connections: 32 });
    expect(p.load.model === 'open' && [p.load.connections, p.load.maxInFlight]).toEqual([32, 32]);
    const c = applyOverrides(closed, { connections: 12 });
    expect(c.load.model === 'closed' && [c.load.connections, c.load.vus]).toEqual([12, 12]);
  });

  it('--workers, --seed and --cache change only their field', () => {
    const p = applyOverrides(open, { workers: 1, seed: 7, cache: 'cold' });
    expect([p.load.workers, p.seed, p.target.cache]).toEqual([1, 7, 'cold']);
    expect(p.mix).toBe(open.mix);
    expect(applyOverrides(open, {})).toEqual(open);
  });

  it('reports every bad flag at once, each with its name, in the words of the file\'s readers', () => {
    expect(issuesOf(() => applyOverrides(open, { duration: 'soon', rate: 'fast', connections: 0, workers: 1.5, seed: -1, cache: 'tepid' }))).toEqual([
      '--duration: expected a duration like 10s or 500ms, got "soon"',
      '--rate: expected a rate like 2000/s, got "fast"',
      '--connections: must be from 1 to 10000, got 0',
      '--workers: expected a whole number, got 1.5',
      '--seed: must be from 0 to 4294967295, got -1',
      '--cache: expected warm or cold, got "tepid"',
    ]);
  });

  // Each flag obeys the file's limits (SCENARIO_LIMITS) and units; the numbers are not restated in the code.
  it.each([
    [{ rate: '99999999999/s' }, `--rate: must be at most ${SCENARIO_LIMITS.maxRatePerSec}/s, got 99999999999/s`],
    [{ rate: 99_999_999_999 }, `--rate: must be more than 0/s and at most ${SCENARIO_LIMITS.maxRatePerSec}/s, got 99999999999/s`],
    [{ rate: '2000' }, '--rate: expected a rate like 2000/s, got "2000"; write 2000/s (a number alone has no unit)'],
    [{ rate: '-5/s' }, '--rate: must be more than 0/s, got -5/s'],
    [{ duration: '1000h' }, '--duration: must be at most 24h, got 1000h'],
    [{ warmup: '10' }, '--warmup: expected a duration like 10s or 500ms, got "10"; write 10s or 10ms (a number alone has no unit)'],
    [{ warmup: '-1s' }, '--warmup: must be at least 0s, got -1s'],
    [{ duration: '-5s' }, '--duration: must be more than 0s, got -5s'],
    [{ duration: '60' }, '--duration: expected a duration like 10s or 500ms, got "60"; write 60s or 60ms (a number alone has no unit)'],
    [{ workers: 1_000_000 }, `--workers: must be from 1 to ${SCENARIO_LIMITS.maxWorkers}, got 1000000`],
    [{ connections: 1_000_000 }, `--connections: must be from 1 to ${SCENARIO_LIMITS.maxConnections}, got 1000000`],
    [{ workers: 3, connections: 2 }, '--workers: must not be more than --connections (2): each worker owns at least one connection, got 3'],
    [{ workers: 17 }, "--workers: must not be more than the scenario's load.connections (16): each worker owns at least one connection, got 17; raise --connections too"],
  ] as const)('refuses %j', (flags, message) => {
    expect(issuesOf(() => applyOverrides(open, flags))).toEqual([message]);
  });

  it('fewer --connections than the file\'s workers runs (and prints) as many workers as connections', () => {
    const p = applyOverrides(open, { connections: 1 });
    expect([p.load.connections, p.load.workers]).toEqual([1, 1]);
  });

  it('records which fields a flag set, so the connection budget blames the flag, not the file', () => {
    const p = applyOverrides(open, { connections: 300 });
    expect(p.setByFlag).toEqual({ 'load.connections': '--connections', 'load.vus': '--connections' });
    let caught: unknown;
    try {
      assertConnectionBudget(p, { maxConnections: 100, reserved: 3, inUse: 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const issue = (caught as InvalidInputError).issues[0]!;
    expect([issue.path, issue.file]).toEqual(['--connections', undefined]);
    expect((caught as InvalidInputError).hint).toMatch(/^Lower --connections/);
    // From the file, the file's field is blamed.
    const fromFile = parseScenario(OPEN.replace('connections: 16', 'connections: 300'), 'o.yaml', { cores: 2 });
    expect(() => assertConnectionBudget(fromFile, { maxConnections: 100, reserved: 3, inUse: 1 })).toThrow(/o\.yaml load\.connections/);
  });
});
