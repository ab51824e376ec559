// Lets a model act just before the worker closes an interval, so the arrivals due in it are counted in it even when
// the event loop reaches the interval's flush before the arrivals' own timer: `scheduled` per interval is exact.

export class IntervalClose {
  private readonly hooks: ((endMs: number) => void)[] = [];

  /** `fn(endMs)` runs before each flush, with the closing interval's end (ms since the start). */
  onClose(fn: (endMs: number) => void): void {
    this.hooks.push(fn);
  }

  close(endMs: number): void {
    for (const fn of this.hooks) fn(endMs);
  }
}
