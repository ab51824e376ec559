// The main thread's one monitoring connection during the load, shared by every sampler (connections, the series'
// counters, the wait events): each query waits for the one before it, so the client never runs two at once.
import type pg from 'pg';

/*
 * Why a queue here rather than pg's own: pg 8 queues a query issued while another runs but warns ("Calling
 * client.query() when the client is already executing a query is deprecated", printed on the user's stderr), and pg 9
 * will refuse it. Each sampler also keeps its own "previous sample still out" guard, so a frozen server leaves at most
 * one job per sampler waiting here, never a growing queue.
 */
export class MonitorConnection {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(readonly client: pg.Client) {}

  /** Runs `job` on the client once every job queued before it has finished (whether it succeeded or not). */
  run<T>(job: (client: pg.Client) => Promise<T>): Promise<T> {
    this.queued += 1;
    const result = this.tail.then(() => job(this.client));
    // The next job waits for this one's end, not for its success.
    this.tail = result.then(
      () => this.done(),
      () => this.done(),
    );
    return result;
  }

  /** Jobs queued or running now. */
  get pending(): number {
    return this.queued;
  }

  private done(): void {
    this.queued -= 1;
  }
}
