// Wakes every sleeping loop of a worker at once when the run stops, so a stop never waits out a think time.
// Sleeps use setTimeout, and setImmediate only inside a caller-given spin window (timers have 1 ms granularity).

export class StopSignal {
  private readonly waiters = new Set<() => void>();
  private fired = false;

  get stopped(): boolean {
    return this.fired;
  }

  /** Calls `listener` once when the signal fires (at once if it already has). */
  onStop(listener: () => void): void {
    if (this.fired) {
      listener();
      return;
    }
    const once = (): void => {
      this.waiters.delete(once);
      listener();
    };
    this.waiters.add(once);
  }

  trigger(): void {
    if (this.fired) return;
    this.fired = true;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /**
   * Resolves after `ms`, or at once when the signal fires first. Within `spinMs` of the deadline it yields with
   * setImmediate (precise, but each turn costs CPU) instead of a timer.
   */
  sleep(ms: number, spinMs = 1): Promise<void> {
    if (this.fired) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.waiters.delete(wake);
        resolve();
      };
      // setTimeout fires at or after its delay (never early), so round down: the loop re-checks the clock anyway.
      const timer = ms > spinMs;
      const handle = timer ? setTimeout(done, Math.floor(ms)) : setImmediate(done);
      const wake = (): void => {
        this.waiters.delete(wake);
        if (timer) clearTimeout(handle as NodeJS.Timeout);
        else clearImmediate(handle as NodeJS.Immediate);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}
