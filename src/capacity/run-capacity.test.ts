// The search settings obey the scenario file's limits, so that no step is refused in the middle of a search.
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { SCENARIO_LIMITS } from '../scenario/defaults.js';
import { parseScenario } from '../scenario/parse.js';
import { capacitySettings } from './run-capacity.js';

const plan = (rate: string): ReturnType<typeof parseScenario> =>
  parseScenario(`load: { rate: ${rate}, duration: 10s, connections: 8, workers: 1 }\nmix: [ { op: sql, options: { query: "SELECT 1" } } ]\n`, 'c.yaml', { cores: 2 });

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected an InvalidInputError');
}

describe('capacitySettings', () => {
  it('caps the default --max at the file\'s highest rate', () => {
    expect(capacitySettings(plan('900000/s'), {}).max).toBe(SCENARIO_LIMITS.maxRatePerSec);
  });

  it('refuses rates and durations beyond the file\'s limits, naming the flag', () => {
    expect(issues(() => capacitySettings(plan('100/s'), { start: 2_000_000, max: 3_000_000, stepDurationMs: 25 * 3_600_000, stepWarmupMs: 2 * 3_600_000 }))).toEqual([
      '--start: must be at most 1000000/s, got 2000000/s',
      '--max: must be at most 1000000/s, got 3000000/s',
      '--step-duration: must be at most 24h, got 25h',
      '--step-warmup: must be at most 1h, got 2h',
    ]);
  });
});
