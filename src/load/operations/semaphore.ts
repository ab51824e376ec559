// Bounds how many password hashes run at once in a worker: Argon2id is CPU- and memory-bound, and more
// concurrent hashes than cores only queue inside libuv while hiding where the time went.

export class Semaphore {
  private readonly waiting: (() => void)[] = [];
  private available: number;

  constructor(permits: number) {
    this.available = Math.max(1, permits);
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.available > 0) this.available--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.available++;
    }
  }
}
