// Partition upkeep while a run is under way: every `everyMs` (hourly by default) one pass on its own short-lived
// admin connection, so a run that crosses UTC midnight or lasts for days keeps writing into day partitions.
import pg from 'pg';
import { runUpkeep, type Retention, type UpkeepReport } from '../authdb/maintenance.js';
import { pgClientConfig } from '../target/tls.js';

/** Hourly: tomorrow's partition always exists a day ahead, so one pass a day would do; an hour leaves room for failures. */
export const DEFAULT_UPKEEP_INTERVAL_MS = 3_600_000;

export interface UpkeepOptions {
  readonly pgUrl: string;
  readonly retention?: Retention;
  readonly everyMs?: number;
  /** Told of each pass (tests, logs). */
  readonly onPass?: (report: UpkeepReport) => void;
  /** A failed pass is reported, never thrown: the load goes on, and the next pass retries. */
  readonly onError?: (err: Error) => void;
}

export class PartitionUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly opts: UpkeepOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.pass());
    }, this.opts.everyMs ?? DEFAULT_UPKEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a pass in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async pass(): Promise<void> {
    const client = new pg.Client({ ...pgClientConfig(this.opts.pgUrl), application_name: 'authbench-upkeep', connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const report = await runUpkeep(client, this.opts.retention ? { retention: this.opts.retention } : {});
      this.opts.onPass?.(report);
    } catch (err) {
      this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    } finally {
      await client.end().catch(() => {});
    }
  }
}
