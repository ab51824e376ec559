// The pure parts of fault accounting: merging the workers' outage logs into the results' faults, and the
// reconnect backoff's bounds.
import { describe, expect, it } from 'vitest';
import { RECONNECT_BACKOFF, reconnectDelayMs } from '../../src/load/connection-slots.js';
import { summarizeFaults } from '../../src/run/recovery.js';

const start = 1_000_000;

describe('summarizeFaults', () => {
  it('is absent when no worker saw a fault', () => {
    expect(summarizeFaults([], start)).toBeUndefined();
  });

  it('merges overlapping worker outages into one fault that ends when the last worker reconnected', () => {
    const summary = summarizeFaults(
      [
        { firstErrorAtMs: start + 2100, recoveredAtMs: start + 3300, connectionErrors: 40 },
        { firstErrorAtMs: start + 2000, recoveredAtMs: start + 3100, connectionErrors: 35 },
        { firstErrorAtMs: start + 7000, recoveredAtMs: start + 7020, connectionErrors: 1 },
      ],
      start,
    );
    expect(summary?.faults).toEqual([
      { firstErrorMs: 2000, recoveredMs: 3300, downtimeMs: 1300, connectionErrors: 75, workers: 2 },
      { firstErrorMs: 7000, recoveredMs: 7020, downtimeMs: 20, connectionErrors: 1, workers: 1 },
    ]);
  });

  it('reports a fault the run ended in as not recovered', () => {
    const summary = summarizeFaults(
      [
        { firstErrorAtMs: start + 500, recoveredAtMs: null, connectionErrors: 9 },
        { firstErrorAtMs: start + 900, recoveredAtMs: start + 950, connectionErrors: 2 },
      ],
      start,
    );
    expect(summary?.faults).toEqual([{ firstErrorMs: 500, recoveredMs: null, downtimeMs: null, connectionErrors: 11, workers: 2 }]);
  });
});

describe('reconnectDelayMs', () => {
  it('doubles from the first step to the cap, each delay jittered to 50–100 % of its step', () => {
    expect(reconnectDelayMs(1, () => 1)).toBe(RECONNECT_BACKOFF.firstMs);
    expect(reconnectDelayMs(1, () => 0)).toBe(RECONNECT_BACKOFF.firstMs / 2);
    expect(reconnectDelayMs(2, () => 1)).toBe(RECONNECT_BACKOFF.firstMs * 2);
    expect(reconnectDelayMs(30, () => 1)).toBe(RECONNECT_BACKOFF.maxMs);
    expect(reconnectDelayMs(30, () => 0)).toBe(RECONNECT_BACKOFF.maxMs / 2);
  });
});
