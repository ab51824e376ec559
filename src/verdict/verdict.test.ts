// The run's verdict by precedence and the exit code each verdict maps to (README's exit-code table).
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../errors.js';
import { decideVerdict, exitCodeForVerdict, overallVerdict } from './verdict.js';

describe('overallVerdict', () => {
  const pass = { status: 'PASS' } as const;
  const fail = { status: 'FAIL' } as const;
  const inconclusive = { status: 'INCONCLUSIVE' } as const;
  const valid = { valid: true };
  const invalid = { valid: false };

  it.each([
    ['aborted beats everything', 'aborted', invalid, [fail, inconclusive], {}, 'ABORTED'],
    ['aborted by a failing abortOnFail threshold', 'aborted', valid, [fail, pass], { stoppedByThreshold: true }, 'FAIL'],
    ['aborted by threshold, but the generator was invalid', 'aborted', invalid, [fail], { stoppedByThreshold: true }, 'INVALID'],
    ['run failed', 'failed', valid, [pass], {}, 'INVALID'],
    ['invalid generator beats FAIL', 'completed', invalid, [fail], {}, 'INVALID'],
    ['FAIL beats INCONCLUSIVE', 'completed', valid, [inconclusive, fail, pass], {}, 'FAIL'],
    ['INCONCLUSIVE beats PASS', 'completed', valid, [pass, inconclusive], {}, 'INCONCLUSIVE'],
    ['all PASS', 'completed', valid, [pass, pass], {}, 'PASS'],
    ['no thresholds', 'completed', valid, [], {}, 'PASS'],
  ] as const)('%s', (_name, status, generator, verdicts, options, expected) => {
    expect(overallVerdict(status, generator, verdicts, options)).toBe(expected);
  });
});

describe('exitCodeForVerdict', () => {
  it('maps verdicts onto the documented exit codes', () => {
    expect(exitCodeForVerdict('PASS')).toBe(ExitCode.pass);
    expect(exitCodeForVerdict('FAIL')).toBe(ExitCode.thresholdFailed);
    expect(exitCodeForVerdict('INCONCLUSIVE')).toBe(ExitCode.thresholdFailed);
    expect(exitCodeForVerdict('INVALID')).toBe(ExitCode.invalidRun);
    expect(exitCodeForVerdict('ABORTED')).toBe(ExitCode.aborted);
  });
});

describe('decideVerdict', () => {
  const health = { scheduled: 1000, started: 1000, dropped: 0, late: 0, scheduleLagP99Ms: 0, scheduleLagMaxMs: 0, eventLoopLagP99Ms: 0, eventLoopLagMaxMs: 0 };
  const inputs = (late: number, lag: { eventLoopLagP99Ms?: number; eventLoopLagMaxMs?: number } = {}, model: 'open' | 'closed' = 'open') => ({
    status: 'completed' as const,
    generator: { health: { ...health, late, ...lag }, latenessBoundMs: 10, incompleteIntervals: [], model },
    thresholds: [],
    results: { operations: [], server: null },
    stoppedByThreshold: false,
  });

  it('judges the generator and the thresholds together: 1 % late is valid, more is INVALID with a reason', () => {
    expect(decideVerdict(inputs(10))).toMatchObject({ verdict: 'PASS', generator: { valid: true, invalidReasons: [] }, thresholds: [] });
    const invalid = decideVerdict(inputs(11));
    expect(invalid.verdict).toBe('INVALID');
    expect(invalid.generator.invalidReasons[0]).toMatch(/^1\.10 % of 1000 scheduled iterations were seen by the generator more than 10 ms after their intended start \(11\)/);
    expect(exitCodeForVerdict(invalid.verdict)).toBe(ExitCode.invalidRun);
  });

  it("is INVALID when the workers' event loop was late past the bound at p99, in either model: answers waited too", () => {
    expect(decideVerdict(inputs(0, { eventLoopLagP99Ms: 10, eventLoopLagMaxMs: 40 }, 'closed'))).toMatchObject({ verdict: 'PASS', generator: { valid: true } });
    for (const model of ['open', 'closed'] as const) {
      const invalid = decideVerdict(inputs(0, { eventLoopLagP99Ms: 72.3, eventLoopLagMaxMs: 122.8 }, model));
      expect(invalid.verdict).toBe('INVALID');
      expect(invalid.generator.invalidReasons).toEqual([
        "the generator's event loop was more than 10 ms late over 1 % of the time (event-loop lag p99 72.3 ms, max 122.8 ms): answers waited for the generator, so their latencies include its own delay (the diagnosis names what held it back)",
      ]);
    }
  });
});
