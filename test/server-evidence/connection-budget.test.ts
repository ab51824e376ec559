// More connections than the server allows is invalid input (exit 2) caught before any load, naming the field.
import { describe, expect, it } from 'vitest';
import { ExitCode, InvalidInputError } from '../../src/errors.js';
import { assertConnectionBudget, connectionsNeeded, readConnectionLimits } from '../../src/server-evidence/connection-budget.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { useRunServers } from '../support/servers.js';
import { testLoad, testPlan } from '../load/plans.js';

const servers = useRunServers('budget');

describe('connection budget', () => {
  it('counts the load slots plus a setup client per worker, the monitor and the sampler', () => {
    const plan = testPlan(testLoad({ rate: 10, durationMs: 1000, warmupMs: 0, connections: 40, workers: 2 }));
    expect(connectionsNeeded(plan)).toEqual({ load: 40, total: 44 });
  });

  it('accepts a plan that fits and refuses one that does not, with the numbers', () => {
    const plan = testPlan(testLoad({ rate: 10, durationMs: 1000, warmupMs: 0, connections: 95, workers: 1 }));
    expect(() => assertConnectionBudget(plan, { maxConnections: 100, reserved: 3, inUse: 1 })).toThrow(InvalidInputError);
    expect(() => assertConnectionBudget(plan, { maxConnections: 101, reserved: 3, inUse: 1 })).not.toThrow();
    let caught: unknown;
    try {
      assertConnectionBudget(plan, { maxConnections: 100, reserved: 3, inUse: 6 });
    } catch (err) {
      caught = err;
    }
    const e = caught as InvalidInputError;
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.exitCode).toBe(ExitCode.invalidInput);
    expect(e.issues[0]?.path).toBe('load.connections');
    expect(e.message).toContain("95 connections (+ 3 of authbench's own) are more than the server allows: max_connections 100, 3 reserved, 5 already in use, so at most 89 for the load.");
  });

  it('reads the real server\'s limits', async () => {
    const limits = await readConnectionLimits(servers.db.url);
    expect(limits.maxConnections).toBeGreaterThan(0);
    expect(limits.reserved).toBeGreaterThanOrEqual(0);
    expect(limits.inUse).toBeGreaterThanOrEqual(1);
  });

  it('a run asking for more connections than the server allows fails with exit 2 before any load', async () => {
    const { maxConnections } = await readConnectionLimits(servers.db.url);
    const plan = testPlan(testLoad({ rate: 10, durationMs: 1000, warmupMs: 0, connections: maxConnections + 50, workers: 1 }));
    const silent = { write: () => true };
    const started = Date.now();
    const failure = await runBenchmark(plan, {
      target: { kind: 'external', pgUrl: servers.db.url, redisUrl: servers.redis.url, allowNonEmpty: true },
      progress: silent,
      stdout: silent,
      reports: { html: false, junit: false, console: false },
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(InvalidInputError);
    expect((failure as InvalidInputError).issues[0]?.path).toBe('load.connections');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
