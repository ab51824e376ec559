// Live progress while the load runs: on a TTY one line rewritten each second; elsewhere (CI logs) a plain line
// every few seconds. Shows elapsed/total, achieved vs target rate, P95 so far, errors and dropped arrivals.
import type { IntervalPoint } from '../results/types.js';

export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly totalMs: number;
  readonly warmup: boolean;
  readonly point: IntervalPoint;
  readonly p95SoFarMs: number;
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

export function formatProgress(p: ProgressSnapshot): string {
  const target = p.point.targetRate !== undefined ? `/${rate(p.point.targetRate)}` : '';
  return [
    `${seconds(p.elapsedMs)}/${seconds(p.totalMs)}${p.warmup ? ' (warm-up)' : ''}`,
    `rate ${rate(p.point.achievedRate)}${target}/s`,
    `p95 ${p.p95SoFarMs.toFixed(2)} ms`,
    `errors ${p.errors}`,
    `dropped ${p.dropped}`,
    `in flight ${p.point.inFlight}`,
  ].join('  ');
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
