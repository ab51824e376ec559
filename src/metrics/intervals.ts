// Interval boundaries shared by workers and the main thread: pure arithmetic on ms since load start.
// Warm-up intervals are cut at the warm-up end, so no interval straddles the start of the measured window.

export const DEFAULT_INTERVAL_MS = 1000;

export interface IntervalGrid {
  readonly warmupMs: number;
  readonly intervalMs: number;
}

export interface IntervalRange {
  readonly index: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly warmup: boolean;
}

function check(grid: IntervalGrid): void {
  if (!(grid.intervalMs > 0) || !Number.isFinite(grid.intervalMs)) throw new RangeError(`intervalMs must be a positive number, got ${grid.intervalMs}`);
  if (!(grid.warmupMs >= 0) || !Number.isFinite(grid.warmupMs)) throw new RangeError(`warmupMs must be ≥ 0, got ${grid.warmupMs}`);
}

/** Number of warm-up intervals (the last one may be shorter than intervalMs). */
export function warmupIntervalCount(grid: IntervalGrid): number {
  check(grid);
  return Math.ceil(grid.warmupMs / grid.intervalMs);
}

/** The index of the interval containing `tMs` (half-open intervals [start, end)). */
export function intervalIndexAt(grid: IntervalGrid, tMs: number): number {
  const warmupCount = warmupIntervalCount(grid);
  if (tMs < grid.warmupMs) return Math.max(0, Math.floor(tMs / grid.intervalMs));
  return warmupCount + Math.floor((tMs - grid.warmupMs) / grid.intervalMs);
}

/** Start and end (ms since load start) of interval `index`. */
export function intervalRange(grid: IntervalGrid, index: number): IntervalRange {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`interval index must be a non-negative integer, got ${index}`);
  const warmupCount = warmupIntervalCount(grid);
  if (index < warmupCount) {
    const startMs = index * grid.intervalMs;
    return { index, startMs, endMs: Math.min(startMs + grid.intervalMs, grid.warmupMs), warmup: true };
  }
  const startMs = grid.warmupMs + (index - warmupCount) * grid.intervalMs;
  return { index, startMs, endMs: startMs + grid.intervalMs, warmup: false };
}
