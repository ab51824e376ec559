// Command-line overrides of a scenario: each flag changes exactly its field, bad flags are all reported at once (exit 2).
import { describe, expect, it } from 'vitest';
import { ExitCode, InvalidInputError } from '../errors.js';
import { parseScenario } from '../scenario/parse.js';
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

  it('reports every bad flag at once, each with its name', () => {
    expect(issuesOf(() => applyOverrides(open, { duration: 'soon', rate: 'fast', connections: 0, workers: 1.5, seed: -1, cache: 'tepid' }))).toEqual([
      '--duration: must be a duration like 30s or 2m above 0, got soon',
      '--rate: must be a rate like 2000/s (or a number per second) above 0, got fast',
      '--connections: must be a whole number ≥ 1, got 0',
      '--workers: must be a whole number ≥ 1, got 1.5',
      '--seed: must be a whole number ≥ 0, got -1',
      '--cache: must be warm or cold, got tepid',
    ]);
  });
});
