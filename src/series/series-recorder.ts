// Records the run's per-interval series of the machine and the servers (types.ts) on the latency intervals' grid:
// one reading at every interval boundary (host and thread CPU from /proc, PostgreSQL and Redis counters) plus the
// wait-event sampler, turned into per-interval points when the load ends. Runs on the main thread, never a worker's.
import type { Redis } from 'ioredis';
import { epochNowMs } from '../load/clock.js';
import { intervalRange, type IntervalGrid } from '../metrics/intervals.js';
import type { MonitorConnection } from '../server-evidence/monitor-connection.js';
import { pgStatsDelta, readPgStats, statsQuery, type PgStatsReading } from './pg-stats.js';
import {
  cpuShares,
  parentNamed,
  parseLoad1,
  parsePressureTotal,
  parseProcStat,
  readOwnThreads,
  readProcessTreeSec,
  readText,
  type CpuTimes,
  type ThreadTimes,
} from './proc.js';
import { readRedisCpu, type RedisCpuReading } from './redis-info.js';
import type { RunSeries, SeriesPoint, ThreadPoint } from './types.js';
import { WAIT_SAMPLE_HZ, WaitSampler } from './wait-sampler.js';

export interface Reading {
  /** ms since the load start when the /proc files were read. */
  readonly atMs: number;
  readonly cpu: CpuTimes | null;
  readonly load1: number | null;
  readonly cpuPressureUs: number | null;
  readonly ioPressureUs: number | null;
  readonly threads: Map<string, ThreadTimes> | null;
  readonly postgresTreeSec: number | null;
  pg: PgStatsReading | null;
  redis: (RedisCpuReading & { atMs: number }) | null;
}

export interface SeriesRecorderOptions {
  /** The monitoring connection, shared with the connection sampler: one query at a time. */
  readonly monitor: MonitorConnection;
  /** Null when Redis could not be reached before the load. */
  readonly redis: Redis | null;
  readonly grid: IntervalGrid;
  /** PostgreSQL runs on this machine (embedded target, or an external URL to this host): its process tree is read. */
  readonly postgresIsLocal: boolean;
}

export class SeriesRecorder {
  private readonly readings = new Map<number, Reading>();
  private readonly unavailable: Record<string, string> = {};
  private readonly waits: WaitSampler;
  private timer: NodeJS.Timeout | undefined;
  private startAtMs = Number.NaN;
  private pending = 0;
  private stopped = false;

  private constructor(
    private readonly options: SeriesRecorderOptions,
    private readonly statsSql: string | null,
    private readonly postmasterPid: number | null,
  ) {
    this.waits = new WaitSampler(options.monitor, options.grid);
  }

  /** Finds the server's version and, when it is local, its postmaster; never fails the run (a missing source is noted). */
  static async open(options: SeriesRecorderOptions): Promise<SeriesRecorder> {
    let statsSql: string | null = null;
    let postmaster: number | null = null;
    const notes: Record<string, string> = {};
    try {
      const { rows } = await options.monitor.run((client) => client.query<{ v: number; pid: number }>(`SELECT current_setting('server_version_num')::int AS v, pg_backend_pid() AS pid`));
      statsSql = statsQuery(rows[0]?.v ?? 0);
      if (options.postgresIsLocal) postmaster = parentNamed(rows[0]?.pid ?? 0, 'postgres');
      if (postmaster === null) notes.postgresCpu = options.postgresIsLocal ? 'the PostgreSQL processes were not found on this machine' : 'PostgreSQL does not run on this machine';
    } catch (err) {
      notes.postgres = `could not read the server version: ${(err as Error).message}`;
    }
    if (!options.redis) notes.redis = 'Redis was not reachable before the load';
    const recorder = new SeriesRecorder(options, statsSql, postmaster);
    Object.assign(recorder.unavailable, notes);
    if (readText('/proc/stat') === null) recorder.unavailable.host = '/proc/stat is not readable (not Linux?)';
    if (readText('/proc/pressure/cpu') === null) recorder.unavailable.pressure = '/proc/pressure is not available (kernel without PSI)';
    return recorder;
  }

  /** `startAtMs`: the load's start instant (epoch ms), possibly still ahead. */
  start(startAtMs: number): void {
    this.startAtMs = startAtMs;
    this.waits.start(startAtMs);
    this.schedule(0);
  }

  private schedule(boundary: number): void {
    if (this.stopped) return;
    const atMs = boundary === 0 ? 0 : intervalRange(this.options.grid, boundary - 1).endMs;
    const delay = Math.max(0, this.startAtMs + atMs - epochNowMs());
    this.timer = setTimeout(() => {
      this.read(boundary);
      this.schedule(boundary + 1);
    }, delay);
  }

  /** The /proc part now (synchronous, cheap); the servers' counters as they answer, one query in flight each at most. */
  private read(boundary: number): void {
    const reading: Reading = {
      atMs: epochNowMs() - this.startAtMs,
      cpu: parseProcStat(readText('/proc/stat') ?? ''),
      load1: parseLoad1(readText('/proc/loadavg') ?? ''),
      cpuPressureUs: parsePressureTotal(readText('/proc/pressure/cpu') ?? ''),
      ioPressureUs: parsePressureTotal(readText('/proc/pressure/io') ?? ''),
      threads: readOwnThreads(),
      postgresTreeSec: this.postmasterPid === null ? null : readProcessTreeSec(this.postmasterPid),
      pg: null,
      redis: null,
    };
    this.readings.set(boundary, reading);
    // A server that has not answered the previous reading is not asked again: gaps, not a queue.
    if (this.pending > 0) return;
    this.pending += 1;
    void (async () => {
      try {
        const statsSql = this.statsSql;
        if (statsSql) {
          reading.pg = await this.options.monitor.run((client) => readPgStats(client, statsSql)).catch((err: Error) => {
            this.unavailable.postgresStats = err.message;
            return null;
          });
          // The wait sampler watches the backends the load has now (a reconnected one joins within a second).
          if (reading.pg) this.waits.setLoadPids(reading.pg.loadPids);
        }
        if (this.options.redis) {
          const r = await readRedisCpu(this.options.redis);
          reading.redis = r ? { ...r, atMs: epochNowMs() - this.startAtMs } : null;
        }
      } finally {
        this.pending -= 1;
      }
    })();
  }

  /** Stops recording: a last reading closes the current (partial) interval; the series in interval order. */
  async stop(graceMs = 2000): Promise<RunSeries> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (Number.isFinite(this.startAtMs) && epochNowMs() > this.startAtMs) {
      const next = Math.max(-1, ...this.readings.keys()) + 1;
      this.read(next);
    }
    const until = Date.now() + graceMs;
    while (this.pending > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    const waits = await this.waits.stop(graceMs);
    if (this.waits.error) this.unavailable.waits = `some samples failed: ${this.waits.error}`;
    const points = buildPoints(this.readings, waits, this.options.grid);
    return { intervalMs: this.options.grid.intervalMs, waitSampleHz: WAIT_SAMPLE_HZ, points, unavailable: { ...this.unavailable } };
  }
}

const LOAD_WORKER = /^authbench-w\d+$/;

/** Per-thread cores between two readings; threads other than main and the load workers are summed as `other`. */
function threadPoints(a: Map<string, ThreadTimes>, b: Map<string, ThreadTimes>, seconds: number): Record<string, ThreadPoint> {
  const out: Record<string, { cpu: number; waitingForCpu: number }> = {};
  for (const [tid, after] of b) {
    const before = a.get(tid);
    if (!before) continue;
    const name = after.name === 'main' || LOAD_WORKER.test(after.name) ? after.name : 'other';
    const slot = (out[name] ??= { cpu: 0, waitingForCpu: 0 });
    slot.cpu += Math.max(0, after.runSec - before.runSec) / seconds;
    slot.waitingForCpu += Math.max(0, after.waitSec - before.waitSec) / seconds;
  }
  for (const v of Object.values(out)) {
    v.cpu = round3(v.cpu);
    v.waitingForCpu = round3(v.waitingForCpu);
  }
  return out;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Point i from the readings at its start (boundary i) and its end (boundary i + 1). */
export function buildPoints(readings: ReadonlyMap<number, Reading>, waits: ReadonlyMap<number, SeriesPoint['waits'] & object>, grid: IntervalGrid): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  const last = Math.max(-1, ...readings.keys());
  for (let i = 0; i < last; i += 1) {
    const a = readings.get(i);
    const b = readings.get(i + 1);
    const range = intervalRange(grid, i);
    const wait = waits.get(i);
    if (!a || !b) {
      if (wait) points.push({ startMs: range.startMs, endMs: range.endMs, waits: wait });
      continue;
    }
    const seconds = Math.max(0.001, (b.atMs - a.atMs) / 1000);
    const point: { -readonly [K in keyof SeriesPoint]: SeriesPoint[K] } = { startMs: range.startMs, endMs: Math.min(range.endMs, Math.round(b.atMs)) };
    const shares = a.cpu && b.cpu ? cpuShares(a.cpu, b.cpu) : null;
    if (shares) {
      const pressure = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : round3(Math.max(0, y - x) / 1e6 / seconds));
      point.host = {
        user: round3(shares.user),
        system: round3(shares.system),
        iowait: round3(shares.iowait),
        steal: round3(shares.steal),
        idle: round3(shares.idle),
        load1: b.load1 ?? 0,
        cpuPressure: pressure(a.cpuPressureUs, b.cpuPressureUs),
        ioPressure: pressure(a.ioPressureUs, b.ioPressureUs),
      };
    }
    if (a.threads && b.threads) point.threads = threadPoints(a.threads, b.threads, seconds);
    if (a.postgresTreeSec !== null && b.postgresTreeSec !== null) point.postgresCpu = round3(Math.max(0, b.postgresTreeSec - a.postgresTreeSec) / seconds);
    if (a.pg && b.pg) point.postgres = pgStatsDelta(a.pg, b.pg);
    if (a.redis && b.redis && a.redis.runId === b.redis.runId) {
      const redisSeconds = Math.max(0.001, (b.redis.atMs - a.redis.atMs) / 1000);
      point.redis = {
        commandsPerSec: Math.round(Math.max(0, b.redis.commands - a.redis.commands) / redisSeconds),
        cpu: round3(Math.max(0, b.redis.cpuSec - a.redis.cpuSec) / redisSeconds),
      };
    }
    if (wait) point.waits = wait;
    points.push(point);
  }
  return points;
}
