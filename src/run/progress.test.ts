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
  return { elapsedMs, totalMs: 70_000, warmup, point: { ...point, warmup }, p95SoFarMs: 4.567, errors: 2, dropped: 3 };
}

function sink(isTTY: boolean): { isTTY: boolean; written: string[]; write(chunk: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (chunk: string) => written.push(chunk) > 0 };
}

describe('progress', () => {
  it('formats elapsed/total, achieved vs target rate, P95 so far, errors, dropped and in flight', () => {
    expect(formatProgress(snapshot(12_000))).toBe('12s/70s  rate 1987/2000/s  p95 4.57 ms  errors 2  dropped 3  in flight 12');
    expect(formatProgress(snapshot(3_000, true))).toMatch(/^3s\/70s \(warm-up\)/);
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
