// Closes an interval at every boundary of the shared grid (src/metrics/intervals.ts: aligned to the common start,
// cut at the warm-up end), so the intervals of all workers cover the same wall-clock window and merge exactly.
import { intervalRange, type IntervalGrid, type IntervalRange } from '../metrics/intervals.js';
import { epochNowMs } from './clock.js';

export class IntervalTicker {
  private index = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly startAtMs: number,
    private readonly grid: IntervalGrid,
    /** The last boundary is not ticked: the worker closes the final interval itself after the drain. */
    private readonly totalMs: number,
    private readonly onTick: (range: IntervalRange) => void,
  ) {}

  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const range = intervalRange(this.grid, this.index);
    if (range.endMs >= this.totalMs) return;
    // Re-anchored on the clock every time: a late tick does not push the next one later.
    this.timer = setTimeout(() => {
      this.onTick(range);
      this.index++;
      this.schedule();
    }, Math.max(0, this.startAtMs + range.endMs - epochNowMs()));
  }

  /** Stops ticking; returns the interval still open, ending at `endMs` (ms since start). */
  finish(endMs: number): IntervalRange {
    this.stopped = true;
    clearTimeout(this.timer);
    const range = intervalRange(this.grid, this.index);
    return { ...range, endMs: Math.max(range.startMs, endMs) };
  }
}
