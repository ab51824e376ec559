// Samples what the load's backends are waiting for, many times a second, on the main thread's monitoring connection:
// the database's own answer to "where did the time go" (CPU, IO:WALSync, Lock, LWLock, …).
import { PreparedStatement } from '../authdb/prepared-statement.js';
import { epochNowMs } from '../load/clock.js';
import { intervalIndexAt, type IntervalGrid } from '../metrics/intervals.js';
import type { MonitorConnection } from '../server-evidence/monitor-connection.js';
import type { WaitPoint } from './types.js';

/**
 * 20 samples a second. Each sample counts every backend of the load, so a second's share of a wait class rests on
 * 20 × (backends in a transaction) observations; with the backends moving together (the worst case) a share of 50 %
 * is still known to ±11 % per second and ±3.5 % over the ten seconds a diagnosis usually reads. At about 0.3 ms of
 * server CPU per sample (docs/results.md, "What the series cost") the rate costs the server 0.6 % of one core.
 */
export const WAIT_SAMPLE_HZ = 20;

/*
 * The load's backends by pid (a list the series recorder refreshes once a second with its counters), read through the
 * per-backend accessor functions rather than the pg_stat_activity view: the view builds all of its ~30 columns for every
 * backend and joins two catalogs, ten times the server time of this. "In a transaction" (xact_start set) is the
 * view's state 'active' or 'idle in transaction'. One text row ("event=n,…"), read without pg's Query/Result objects.
 */
export const WAIT_STATEMENT = new PreparedStatement(
  'authbench-waits',
  `SELECT string_agg(event || '=' || n, ',') FROM (
     SELECT coalesce(pg_stat_get_backend_wait_event_type(b) || ':' || pg_stat_get_backend_wait_event(b), 'CPU') AS event, count(*) AS n
       FROM pg_stat_get_backend_idset() b
      WHERE pg_stat_get_backend_pid(b) = ANY ($1::int[]) AND pg_stat_get_backend_xact_start(b) IS NOT NULL
      GROUP BY 1) w`,
  1,
);

interface Bucket {
  samples: number;
  /** Ticks at which the previous sample had not returned yet, so none was taken. */
  skipped: number;
  counts: Map<string, number>;
}

export class WaitSampler {
  private readonly buckets = new Map<number, Bucket>();
  private timer: NodeJS.Timeout | undefined;
  private startAtMs = Number.NaN;
  private busy = false;
  /** `{pid,pid,…}`, the parameter of every sample; null until the first list arrives. */
  private pids: string | null = null;
  private lastError: string | undefined;

  constructor(
    private readonly monitor: MonitorConnection,
    private readonly grid: IntervalGrid,
    private readonly hz = WAIT_SAMPLE_HZ,
  ) {}

  start(startAtMs: number): void {
    this.startAtMs = startAtMs;
    this.timer = setInterval(() => this.tick(), Math.round(1000 / this.hz));
  }

  /** The load's backends from now on (built into the statement's parameter once, not per sample). */
  setLoadPids(pids: readonly number[]): void {
    this.pids = `{${pids.join(',')}}`;
  }

  private bucketAt(atMs: number): Bucket {
    const index = intervalIndexAt(this.grid, atMs);
    let bucket = this.buckets.get(index);
    if (!bucket) this.buckets.set(index, (bucket = { samples: 0, skipped: 0, counts: new Map() }));
    return bucket;
  }

  private tick(): void {
    const atMs = epochNowMs() - this.startAtMs;
    if (atMs < 0 || this.pids === null) return;
    // A slow or frozen server gets no second sample while the first is out: a gap, counted, not a queue.
    if (this.busy) {
      this.bucketAt(atMs).skipped += 1;
      return;
    }
    this.busy = true;
    const pids = this.pids;
    void this.monitor
      .run(async (client) => {
        // The instant the query goes out: it may have waited behind a once-a-second reading.
        const sentAtMs = epochNowMs() - this.startAtMs;
        const row = await WAIT_STATEMENT.firstRow(client, [pids]);
        this.record(sentAtMs, row?.[0] ?? null);
      })
      .catch((err: unknown) => {
        // A missed sample is a gap, not a failure of the run.
        this.lastError = (err as Error)?.message ?? String(err);
      })
      .finally(() => {
        this.busy = false;
      });
  }

  private record(atMs: number, text: string | null): void {
    const bucket = this.bucketAt(atMs);
    bucket.samples += 1;
    if (text === null) return;
    let from = 0;
    while (from < text.length) {
      let to = text.indexOf(',', from);
      if (to < 0) to = text.length;
      const eq = text.lastIndexOf('=', to);
      const event = text.slice(from, eq);
      bucket.counts.set(event, (bucket.counts.get(event) ?? 0) + Number(text.slice(eq + 1, to)));
      from = to + 1;
    }
  }

  /** Stops sampling (waiting at most `graceMs` for a sample in flight); the points by interval index. */
  async stop(graceMs = 2000): Promise<Map<number, WaitPoint>> {
    clearInterval(this.timer);
    const until = Date.now() + graceMs;
    while (this.busy && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    return waitPoints(this.buckets);
  }

  get error(): string | undefined {
    return this.lastError;
  }
}

export function waitPoints(buckets: ReadonlyMap<number, { samples: number; skipped?: number; counts: ReadonlyMap<string, number> }>): Map<number, WaitPoint> {
  const out = new Map<number, WaitPoint>();
  for (const [index, b] of buckets) {
    const byEvent: Record<string, number> = {};
    if (b.samples > 0) for (const [event, n] of [...b.counts].sort((x, y) => y[1] - x[1])) byEvent[event] = n / b.samples;
    out.set(index, { samples: b.samples, ...(b.skipped ? { skipped: b.skipped } : {}), byEvent });
  }
  return out;
}
