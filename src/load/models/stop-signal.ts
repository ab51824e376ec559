// Wakes every sleeping loop of a worker at once when the run stops, so a stop never waits out a think time.
// Sleeps use setTimeout above 1 ms and setImmediate below it: timers alone are too coarse for 1 ms arrival gaps.

export class StopSignal {
  private readonly waiters = new Set<() => void>();
  private fired = false;

  get stopped(): boolean {
    return this.fired;
  }

  trigger(): void {
    if (this.fired) return;
    this.fired = true;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Resolves after `ms`, or at once when the signal fires first. */
  sleep(ms: number): Promise<void> {
    if (this.fired) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(wake);
        resolve();
      };
      // setTimeout fires at or after its delay (never early), so round down: the loop re-checks the clock anyway.
      const handle = ms > 1 ? setTimeout(done, Math.floor(ms)) : setImmediate(done);
      const wake = (): void => {
        this.waiters.delete(wake);
        if (ms > 1) clearTimeout(handle as NodeJS.Timeout);
        else clearImmediate(handle as NodeJS.Immediate);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}
