// The per-second time series of the machine and the servers kept in results.json beside the latency intervals
// (same grid: point i covers the same [startMs, endMs) as intervals[i]). Documented field by field in docs/results.md.

/** Host CPU over one interval, shares 0..1 of all CPUs (/proc/stat), load average and pressure (/proc/pressure). */
export interface HostPoint {
  readonly user: number;
  readonly system: number;
  readonly iowait: number;
  readonly steal: number;
  readonly idle: number;
  /** 1-minute load average at the end of the interval. */
  readonly load1: number;
  /** Share of the interval some runnable task waited for a CPU (PSI cpu "some"); null without /proc/pressure. */
  readonly cpuPressure: number | null;
  /** Share of the interval some task waited for IO (PSI io "some"). */
  readonly ioPressure: number | null;
}

/** One generator thread over one interval, in cores (1 = one CPU busy the whole interval). */
export interface ThreadPoint {
  /** Running on a CPU. */
  readonly cpu: number;
  /** Runnable but waiting for a CPU (scheduler run queue): demand the machine could not serve. */
  readonly waitingForCpu: number;
}

/** Cumulative PostgreSQL counters turned into per-interval deltas. Absent fields: not available on that server. */
export interface PostgresStatsPoint {
  readonly walRecords?: number;
  readonly walBytes?: number;
  readonly walBuffersFull?: number;
  readonly walWrites?: number;
  /** WAL fsyncs (pg_stat_wal.wal_sync) and the time they took; the time needs track_wal_io_timing. */
  readonly walSyncs?: number;
  readonly walSyncTimeMs?: number;
  readonly walWriteTimeMs?: number;
  /** pg_stat_io summed over backend types and objects (times need track_io_timing). */
  readonly ioReads?: number;
  readonly ioWrites?: number;
  readonly ioFsyncs?: number;
  readonly ioReadTimeMs?: number;
  readonly ioWriteTimeMs?: number;
  /** pg_stat_checkpointer (PostgreSQL 17): checkpoints started, their write and sync time, buffers written. */
  readonly checkpoints?: number;
  readonly checkpointWriteTimeMs?: number;
  readonly checkpointSyncTimeMs?: number;
  readonly checkpointBuffersWritten?: number;
  /** Autovacuum workers running at the end of the interval. */
  readonly autovacuumWorkers?: number;
}

/**
 * Wait events of the load's backends (active or idle in a transaction), sampled many times a second. `byEvent` is the
 * average number of backends in each `type:event` over the interval's samples ("average active sessions"); `CPU` is a
 * backend with no wait event (running, or waiting for a CPU).
 */
export interface WaitPoint {
  readonly samples: number;
  /** Ticks of the interval at which the previous sample had not returned (a slow or frozen server): none was taken. */
  readonly skipped?: number;
  readonly byEvent: Readonly<Record<string, number>>;
}

export interface RedisPoint {
  readonly commandsPerSec: number;
  /** redis-server's own CPU (INFO used_cpu_user + used_cpu_sys), in cores. */
  readonly cpu: number;
}

export interface SeriesPoint {
  readonly startMs: number;
  readonly endMs: number;
  readonly host?: HostPoint;
  /** Generator threads by name: `main`, `authbench-w0`…, `other` (libuv and V8 helper threads together). */
  readonly threads?: Readonly<Record<string, ThreadPoint>>;
  /** CPU of the PostgreSQL process tree (postmaster and every backend, exited ones included), in cores. */
  readonly postgresCpu?: number;
  readonly postgres?: PostgresStatsPoint;
  readonly waits?: WaitPoint;
  readonly redis?: RedisPoint;
}

/** What was recorded and what could not be (each missing source says why). */
export interface RunSeries {
  readonly intervalMs: number;
  /** Wait-event samples per second aimed at. */
  readonly waitSampleHz: number;
  readonly points: readonly SeriesPoint[];
  /** Sources that were not recorded and why, e.g. { postgresCpu: 'the server does not run on this machine' }. */
  readonly unavailable: Readonly<Record<string, string>>;
}
