// The iterations of a worker that have started and not finished: counted for maxInFlight and awaited at the end.

export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  track(iteration: Promise<unknown>): void {
    this.running.add(iteration);
    void iteration.finally(() => this.running.delete(iteration));
  }

  /** Resolves when all have finished or `timeoutMs` passed; returns how many are still running. */
  async settle(timeoutMs: number): Promise<number> {
    if (this.running.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
    });
    await Promise.race([Promise.allSettled([...this.running]), timeout]);
    clearTimeout(timer);
    return this.running.size;
  }
}
