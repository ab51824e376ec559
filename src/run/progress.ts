// Live progress while the load runs: on a TTY one line rewritten each second; elsewhere (CI logs) a plain line
// every few seconds. The figures of the last second (served/offered, peak in flight, drops — warm-up ones too) apart
// from the measured window's so far (P95, errors, drops).
import type { IntervalPoint } from '../results/types.js';

export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly warmup: boolean;
  /** When the measured window starts (the warm-up's length), ms since the load started. */
  readonly warmupMs: number;
  /** The last interval: its served and offered rates and its drops, warm-up or not. */
  readonly point: IntervalPoint;
  /** The most iterations in flight at once during the last interval. */
  readonly inFlightMax: number;
  /** P95 of the measured window so far; null before its first sample. */
  readonly p95SoFarMs: number | null;
  /** Measured window so far. */
  readonly errors: number;
  readonly dropped: number;
}

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

/** Plain lines every this many seconds when not on a TTY. */
const PLAIN_EVERY_MS = 5_000;

const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;
const rate = (r: number): string => (r >= 100 ? r.toFixed(0) : r.toFixed(1));

/**
 * `12s/70s  last 1s: served/offered 1987/2000/s, in flight ≤ 12, dropped 3  ·  so far: p95 4.57 ms, errors 2, dropped 3`.
 * In the warm-up the measured figures do not exist yet: `so far: — (measured from 10s)`, never `p95 0.00 ms`.
 */
export function formatProgress(p: ProgressSnapshot): string {
  const served = p.point.targetRate !== undefined ? `served/offered ${rate(p.point.achievedRate)}/${rate(p.point.targetRate)}/s` : `served ${rate(p.point.achievedRate)}/s`;
  const seconds_ = Math.max(0, p.point.endMs - p.point.startMs) / 1000;
  // Arrivals that had to wait for a connection (their wait is in their latency), shown only when some did.
  const waited = (p.point.queued ?? 0) > 0 ? `, waited for a connection ${p.point.queued}` : '';
  const gaveUp = (p.point.poolTimeouts ?? 0) > 0 ? `, pool timeouts ${p.point.poolTimeouts}` : '';
  const interval = `last ${Number(seconds_.toFixed(1))}s: ${served}, in flight ≤ ${p.inFlightMax}${waited}${gaveUp}, dropped ${p.point.dropped}`;
  const soFar = p.warmup || p.p95SoFarMs === null
    ? `so far: — (measured from ${seconds(p.warmupMs)})`
    : `so far: p95 ${p.p95SoFarMs.toFixed(2)} ms, errors ${p.errors}, dropped ${p.dropped}`;
  return `${seconds(p.elapsedMs)}/${seconds(p.totalMs)}${p.warmup ? ' warm-up' : ''}  ${interval}  ·  ${soFar}`;
}

export class ProgressLine {
  private lastPlainMs = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  update(p: ProgressSnapshot): void {
    const line = formatProgress(p);
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (p.elapsedMs - this.lastPlainMs >= PLAIN_EVERY_MS) {
      this.stream.write(`${line}\n`);
      this.lastPlainMs = p.elapsedMs;
    }
  }

  /** Ends the rewritten line so later output starts on a fresh one. */
  done(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
