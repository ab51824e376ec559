// The pure parts of fault accounting: merging the workers' outage logs (PostgreSQL and Redis) into the results'
// faults, the Redis evidence across a failed or restarted server, the outage log, and the reconnect backoff's bounds.
import { describe, expect, it } from 'vitest';
import { RECONNECT_BACKOFF, reconnectDelayMs } from '../../src/load/connection-slots.js';
import { OutageLog } from '../../src/authdb/redis/availability.js';
import { summarizeFaults } from '../../src/run/recovery.js';
import { redisEvidence } from '../../src/server-evidence/server-evidence.js';

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

describe('summarizeFaults with Redis outages', () => {
  it('merges the workers\' Redis outages apart from PostgreSQL\'s, and keeps `faults` (empty) for old readers', () => {
    const summary = summarizeFaults([], start, [
      { firstUnavailableAtMs: start + 2500, recoveredAtMs: start + 3600, unavailable: 90 },
      { firstUnavailableAtMs: start + 2480, recoveredAtMs: start + 3550, unavailable: 100 },
      { firstUnavailableAtMs: start + 5000, recoveredAtMs: null, unavailable: 3 },
    ]);
    expect(summary).toEqual({
      faults: [],
      redisFaults: [
        { firstErrorMs: 2480, recoveredMs: 3600, downtimeMs: 1120, unavailableChecks: 190, workers: 2 },
        { firstErrorMs: 5000, recoveredMs: null, downtimeMs: null, unavailableChecks: 3, workers: 1 },
      ],
    });
  });

  it('has no redisFaults when Redis never failed', () => {
    expect(summarizeFaults([{ firstErrorAtMs: start + 10, recoveredAtMs: start + 20, connectionErrors: 1 }], start, [])).toEqual({
      faults: [{ firstErrorMs: 10, recoveredMs: 20, downtimeMs: 10, connectionErrors: 1, workers: 1 }],
    });
  });
});

describe('redisEvidence', () => {
  const reading = (atMs: number, commands: number, runId = 'a', uptimeMs = 3_600_000) => ({ hits: commands / 2, misses: commands / 4, commands, runId, uptimeMs, atMs });

  it('is the plain delta when one server answered throughout', () => {
    expect(redisEvidence(reading(0, 100), [reading(1000, 300)], reading(2000, 500))).toEqual({ keyspaceHits: 200, keyspaceMisses: 100, hitRatio: 200 / 300, commandsProcessed: 400 });
  });

  it('keeps what a server counted up to its last reading when it is gone at the end', () => {
    expect(redisEvidence(reading(0, 100), [reading(1000, 300), reading(2000, 420)], null)).toMatchObject({ commandsProcessed: 320, gaps: { serverChanges: 0, lostAtEnd: true } });
  });

  it('adds a restarted server from 0, and a long-running replacement from its first reading', () => {
    // Server b started 500 ms before its first reading, inside the window: all it counted belongs to the run.
    expect(redisEvidence(reading(0, 100), [reading(1000, 300), reading(3000, 50, 'b', 500)], reading(4000, 150, 'b', 1500))).toMatchObject({
      commandsProcessed: 200 + 150,
      gaps: { serverChanges: 1, lostAtEnd: false },
    });
    // Server c has been up for an hour (a failover to an old replica): only what it counted after its first reading.
    expect(redisEvidence(reading(0, 100), [reading(1000, 300), reading(3000, 9000, 'c')], reading(4000, 9100, 'c'))).toMatchObject({ commandsProcessed: 200 + 100 });
  });

  it('is null when Redis could not be read before the load', () => {
    expect(redisEvidence(null, [reading(1000, 300)], reading(2000, 500))).toBeNull();
  });
});

describe('OutageLog', () => {
  it('opens an outage at the first unavailable answer and closes it at the first answer after it', () => {
    let now = 0;
    const log = new OutageLog(() => now);
    log.answered();
    now = 10;
    log.unavailable();
    now = 20;
    log.unavailable();
    now = 30;
    log.answered();
    now = 40;
    log.answered();
    now = 50;
    log.unavailable();
    expect(log.outages()).toEqual([
      { firstUnavailableAtMs: 10, recoveredAtMs: 30, unavailable: 2 },
      { firstUnavailableAtMs: 50, recoveredAtMs: null, unavailable: 1 },
    ]);
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
