// The iterations of a worker that have started and not finished: counted for maxInFlight and awaited at the end.
// A counter, not a set of promises: the open model's hot path must not allocate a promise per arrival to track it.

export class InFlight {
  #count = 0;
  #idle: (() => void)[] = [];

  get size(): number {
    return this.#count;
  }

  /** One more iteration running; pair with `end()`. */
  begin(): void {
    this.#count++;
  }

  end(): void {
    if (--this.#count > 0) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const wake of waiters) wake();
  }

  /** Counts `work` (e.g. a virtual user's loop) until it settles. */
  track(work: Promise<unknown>): void {
    this.begin();
    void work.finally(() => this.end());
  }

  /** Resolves when all have finished or `timeoutMs` passed; returns how many are still running. */
  async settle(timeoutMs: number): Promise<number> {
    if (this.#count === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#idle.push(resolve);
      timer = setTimeout(resolve, Math.max(0, timeoutMs));
    });
    clearTimeout(timer);
    return this.#count;
  }
}
