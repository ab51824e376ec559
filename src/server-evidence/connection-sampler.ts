// Samples the server's connection count once a second from pg_stat_activity, on the main thread's monitoring
// connection (shared with the series, one query at a time: monitor-connection.ts), so "> 750 concurrent connections" is the server's own count, not the generator's claim.
// Only the load's own connections count (application_name `authbench-w<N>`, `authbench-s<K>-w<N>` in shard K: not setup, warm or monitor
// connections, nor other clients of an external server), and only those doing work: running a statement or
// in a transaction now, or having started one since the previous sample. An idle pool proves nothing.
import { epochNowMs } from '../load/clock.js';
import type { MonitorConnection } from './monitor-connection.js';

export interface ConnectionSample {
  /** ms since the load start. */
  readonly atMs: number;
  /** Load connections (the workers' iteration slots) that were working within the last sampling period. */
  readonly connections: number;
  /** Load connections running a statement at that instant. */
  readonly active: number;
}

const SAMPLE_EVERY_MS = 1000;

/** Prepared once per connection: planning this view query cost the server more than running it. */
export const CONNECTIONS_QUERY = {
  name: 'authbench-connections',
  text: `SELECT count(*) FILTER (WHERE state <> 'idle' OR query_start >= now() - $1::interval)::text AS total,
                count(*) FILTER (WHERE state = 'active')::text AS active
           FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
            AND application_name ~ '^authbench-(s[0-9]+-)?w[0-9]+$'`,
  values: [`${SAMPLE_EVERY_MS} milliseconds`],
};

export class ConnectionSampler {
  private readonly samples: ConnectionSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startAtMs = Number.NaN;
  private busy = false;
  private lastError: string | undefined;

  constructor(private readonly monitor: MonitorConnection) {}

  /** Starts sampling; `startAtMs` (epoch ms) anchors the samples to the load's clock. */
  start(startAtMs: number): void {
    this.startAtMs = startAtMs;
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    void this.sample();
  }

  private async sample(): Promise<void> {
    // A slow server must not stack up sampling queries on the one monitoring connection.
    if (this.busy) return;
    this.busy = true;
    try {
      const { rows } = await this.monitor.run((client) => client.query<{ total: string; active: string }>(CONNECTIONS_QUERY));
      const r = rows[0];
      this.samples.push({ atMs: epochNowMs() - this.startAtMs, connections: Number(r?.total ?? 0), active: Number(r?.active ?? 0) });
    } catch (err) {
      // A missed sample is a gap in the series, not a failure of the run; the reason is kept for the verdicts.
      this.lastError = (err as Error)?.message ?? String(err);
    } finally {
      this.busy = false;
    }
  }

  /** The peaks of the samples taken at or after `fromMs` (ms since the load start) so far: live, during the load. */
  peaks(fromMs: number): ConnectionPeaks {
    return peaksOf(this.samples, fromMs, this.lastError);
  }

  async stop(): Promise<readonly ConnectionSample[]> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    return this.samples;
  }

  /** Why the last sample that failed did (undefined when none did). */
  get error(): string | undefined {
    return this.lastError;
  }
}

/** Highest counts over the samples from `fromMs` on; `samples` 0 means never measured, not a peak of 0. */
export interface ConnectionPeaks {
  readonly connections: number;
  readonly active: number;
  readonly samples: number;
  /** The sampler's last failure, when a sample failed. */
  readonly error?: string;
}

export function peaksOf(samples: readonly ConnectionSample[], fromMs: number, error?: string): ConnectionPeaks {
  let connections = 0;
  let active = 0;
  let count = 0;
  for (const s of samples) {
    if (s.atMs < fromMs) continue;
    count += 1;
    connections = Math.max(connections, s.connections);
    active = Math.max(active, s.active);
  }
  return { connections, active, samples: count, ...(error !== undefined ? { error } : {}) };
}
