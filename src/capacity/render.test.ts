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

  it('names the resource at the knee from the first bad step\'s diagnosis, and its advice', () => {
    const diagnosis = {
      resource: 'database' as const, wait: 'Lock:transactionid', summary: 'The database: its backends spent 80 % of their time in Lock:transactionid in the seconds that went wrong.',
      evidence: [], advice: ['Spread the writes over more rows.'], seconds: 5, slowSeconds: 3,
    };
    const text = summarizeCapacity({ ...base, firstBad: { rate: 450, verdict: 'failed', reasons: ['sql p95 < 10ms measured 31ms'], diagnosis } });
    expect(text).toBe('Knee: 400/s held (within 5 %). 450/s did not hold: a threshold failed (sql p95 < 10ms measured 31ms). ' +
      'Limited by the database (Lock:transactionid): The database: its backends spent 80 % of their time in Lock:transactionid in the seconds that went wrong. Spread the writes over more rows.');
  });
});
