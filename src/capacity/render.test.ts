import { describe, expect, it } from 'vitest';
import type { CapacityResults } from '../results/capacity.js';
import { summarizeCapacity } from './render.js';

const base: Omit<CapacityResults, 'summary'> = {
  schemaVersion: 1,
  kind: 'authbench-capacity',
  scenario: { name: 's', file: 's.yaml', description: '' },
  startedAt: '2026-12-01T00:00:00.000Z',
  endedAt: '2026-12-01T00:01:00.000Z',
  search: { start: 100, max: 800, precision: 0.05, growth: 2, stepDurationMs: 1000, stepWarmupMs: 0, connections: 4, workers: 1 },
  thresholds: [],
  ignoredThresholds: [],
  steps: [],
  knee: 400,
  firstBad: null,
  end: 'precision',
};

describe('summarizeCapacity', () => {
  it('marks a search on a server that may lose commits as non-durable', () => {
    expect(summarizeCapacity(base)).not.toMatch(/NON-DURABLE/);
    expect(summarizeCapacity({ ...base, nonDurable: ['fsync=off'] })).toMatch(/^Knee: .* held \(within 5 %\)\. NON-DURABLE server \(fsync=off\): /);
  });
});
