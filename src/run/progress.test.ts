// Live progress: one rewritten line per second on a TTY, a plain line every 5 s elsewhere, with the figures a user watches.
import { describe, expect, it } from 'vitest';
import type { IntervalPoint } from '../results/types.js';
import { formatProgress, ProgressLine, type ProgressSnapshot } from './progress.js';

const point: IntervalPoint = {
  startMs: 11_000,
  endMs: 12_000,
  warmup: false,
  targetRate: 2000,
  achievedRate: 1987.4,
  dropped: 3,
  inFlight: 12,
  operations: {},
  eventLoopLagMaxMs: 1,
};

function snapshot(elapsedMs: number, warmup = false): ProgressSnapshot {
  return {
    elapsedMs, totalMs: 70_000, warmup, warmupMs: 10_000, point: { ...point, warmup }, inFlightMax: 17,
    p95SoFarMs: warmup ? null : 4.567, errors: warmup ? 0 : 2, dropped: warmup ? 0 : 3,
  };
}

function sink(isTTY: boolean): { isTTY: boolean; written: string[]; write(chunk: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (chunk: string) => written.push(chunk) > 0 };
}

describe('progress', () => {
  it('says served/offered, and which figures are the last interval\'s and which the measured window\'s so far', () => {
    expect(formatProgress(snapshot(12_000))).toBe(
      '12s/70s  last 1s: served/offered 1987/2000/s, in flight ≤ 17, dropped 3  ·  so far: p95 4.57 ms, errors 2, dropped 3',
    );
  });

  it('shows the warm-up\'s drops and its peak in flight, and "—" rather than a p95 of 0.00 ms before measuring', () => {
    const warm = { ...snapshot(3_000, true), point: { ...point, warmup: true, startMs: 2_000, endMs: 3_000, dropped: 1362 } };
    const line = formatProgress(warm);
    expect(line).toBe('3s/70s warm-up  last 1s: served/offered 1987/2000/s, in flight ≤ 17, dropped 1362  ·  so far: — (measured from 10s)');
    expect(line).not.toContain('0.00 ms');
  });

  it('says how many arrivals of the last second waited for a connection, and gave up at the pool timeout, when some did', () => {
    const busy = { ...snapshot(12_000), point: { ...point, queued: 640, poolTimeouts: 12 } };
    expect(formatProgress(busy)).toContain('in flight ≤ 17, waited for a connection 640, pool timeouts 12, dropped 3');
  });

  it('closed model: served only (nothing is offered on a schedule)', () => {
    const { targetRate: _none, ...closed } = point;
    expect(formatProgress({ ...snapshot(12_000), point: closed })).toMatch(/^12s\/70s {2}last 1s: served 1987\/s, in flight ≤ 17, dropped 3 {2}· /);
  });

  it('rewrites one line on a TTY and ends it once', () => {
    const out = sink(true);
    const line = new ProgressLine(out);
    for (let s = 1; s <= 3; s++) line.update(snapshot(s * 1000));
    line.done();
    expect(out.written).toHaveLength(4);
    for (const chunk of out.written.slice(0, 3)) expect(chunk.startsWith('\r\x1b[2K')).toBe(true);
    expect(out.written[3]).toBe('\n');
  });

  it('writes a plain line every 5 s when not a TTY (CI logs), never escape codes', () => {
    const out = sink(false);
    const line = new ProgressLine(out);
    for (let s = 1; s <= 12; s++) line.update(snapshot(s * 1000));
    line.done();
    expect(out.written.map((l) => l.split(' ')[0])).toEqual(['1s/70s', '6s/70s', '11s/70s']);
    for (const chunk of out.written) expect(chunk).not.toContain('\x1b');
  });
});
