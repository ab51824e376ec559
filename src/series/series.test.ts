// The series' pure parts: /proc parsers, counter deltas, wait averaging and points built from boundary readings.
import { describe, expect, it } from 'vitest';
import { isLocalUrl } from './local-server.js';
import { pgStatsDelta, statsQuery } from './pg-stats.js';
import { cpuShares, parseLoad1, parsePidStat, parsePressureTotal, parseProcStat, parseSchedstat, readOwnThreads, type CpuTimes } from './proc.js';
import { parseRedisInfo } from './redis-info.js';
import { buildPoints, type Reading } from './series-recorder.js';
import { waitPoints } from './wait-sampler.js';

const cpu = (user: number, system: number, idle: number, iowait = 0, steal = 0): CpuTimes => ({ user, nice: 0, system, idle, iowait, irq: 0, softirq: 0, steal });

describe('/proc parsers', () => {
  it('reads the aggregate cpu line and turns two readings into shares', () => {
    const text = 'cpu  850506 3040 206021 672143 21040 0 13430 23597 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1';
    expect(parseProcStat(text)).toEqual({ user: 850506, nice: 3040, system: 206021, idle: 672143, iowait: 21040, irq: 0, softirq: 13430, steal: 23597 });
    expect(parseProcStat('intr 1')).toBeNull();
    const shares = cpuShares(cpu(100, 50, 1000, 10, 0), cpu(160, 70, 1100, 20, 10))!;
    expect(shares.user).toBeCloseTo(60 / 200);
    expect(shares.system).toBeCloseTo(20 / 200);
    expect(shares.idle).toBeCloseTo(100 / 200);
    expect(shares.iowait).toBeCloseTo(10 / 200);
    expect(shares.steal).toBeCloseTo(10 / 200);
    expect(cpuShares(cpu(1, 1, 1), cpu(1, 1, 1))).toBeNull();
  });

  it('reads a process stat whose name holds spaces and parentheses, schedstat, pressure and load', () => {
    const stat = '4242 (postgres: a (b) c) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 1 0 100 0 0';
    expect(parsePidStat(stat)).toEqual({ ppid: 4200, ownSec: 3, reapedChildrenSec: 0.5 });
    expect(parseSchedstat('233118272 723267212 99\n')).toEqual({ runSec: 0.233118272, waitSec: 0.723267212 });
    expect(parsePressureTotal('some avg10=8.84 avg60=7.70 avg300=8.59 total=3292740379\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0')).toBe(3292740379);
    expect(parseLoad1('2.43 1.48 1.71 7/152 14356')).toBe(2.43);
  });

  it('finds this process\'s main thread by its tid', () => {
    const threads = readOwnThreads();
    expect(threads).not.toBeNull();
    expect([...threads!.values()].filter((t) => t.name === 'main')).toHaveLength(1);
  });
});

describe('server counters', () => {
  it('asks each version only for the views it has', () => {
    expect(statsQuery(170004)).toMatch(/pg_stat_checkpointer[^]*autovacuum/);
    expect(statsQuery(170004)).toMatch(/wal_sync_time/);
    expect(statsQuery(160000)).not.toMatch(/pg_stat_checkpointer/);
    expect(statsQuery(150000)).not.toMatch(/pg_stat_io/);
    expect(statsQuery(180000)).not.toMatch(/wal_sync/);
  });

  it('takes deltas and leaves out a counter that went backwards (a reset)', () => {
    const a = { counters: { 'wal.wal_sync': 100, 'wal.wal_sync_time': 50.5, 'io.reads': 10, 'checkpointer.checkpoints': 3 }, autovacuumWorkers: 0, loadPids: [] };
    const b = { counters: { 'wal.wal_sync': 160, 'wal.wal_sync_time': 80.25, 'io.reads': 4, 'checkpointer.checkpoints': 4 }, autovacuumWorkers: 2, loadPids: [] };
    expect(pgStatsDelta(a, b)).toEqual({ walSyncs: 60, walSyncTimeMs: 29.75, checkpoints: 1, autovacuumWorkers: 2 });
  });

  it('reads Redis commands and CPU seconds from INFO', () => {
    const info = '# Server\r\nrun_id:abc123\r\n# Stats\r\ntotal_commands_processed:12345\r\n# CPU\r\nused_cpu_sys:1.500000\r\nused_cpu_user:2.250000\r\n';
    expect(parseRedisInfo(info)).toEqual({ commands: 12345, cpuSec: 3.75, runId: 'abc123' });
    expect(parseRedisInfo('# Server\r\n')).toBeNull();
  });

  it('averages wait samples per interval', () => {
    const points = waitPoints(new Map([[3, { samples: 4, counts: new Map([['CPU', 2], ['Lock:tuple', 8]]) }]]));
    expect(points.get(3)).toEqual({ samples: 4, byEvent: { 'Lock:tuple': 2, CPU: 0.5 } });
  });

  it('says how many ticks were skipped, and an interval of skipped ticks only has no averages', () => {
    const points = waitPoints(new Map([[0, { samples: 19, skipped: 1, counts: new Map([['CPU', 19]]) }], [1, { samples: 0, skipped: 20, counts: new Map() }]]));
    expect(points.get(0)).toEqual({ samples: 19, skipped: 1, byEvent: { CPU: 1 } });
    expect(points.get(1)).toEqual({ samples: 0, skipped: 20, byEvent: {} });
  });

  it('knows which URLs point at this machine', () => {
    expect(isLocalUrl('postgres://u:p@127.0.0.1:5432/db')).toBe(true);
    expect(isLocalUrl('postgres://u@localhost/db')).toBe(true);
    expect(isLocalUrl('postgres://u@[::1]:5432/db')).toBe(true);
    expect(isLocalUrl('postgres:///db?host=/var/run/postgresql')).toBe(true);
    expect(isLocalUrl('postgres://u@db.example.com/db')).toBe(false);
    expect(isLocalUrl('not a url')).toBe(false);
  });
});

describe('buildPoints', () => {
  const threads = (w0: number, main: number, helper: number) =>
    new Map([
      ['100', { name: 'main', runSec: main, waitSec: 0 }],
      ['101', { name: 'authbench-w0', runSec: w0, waitSec: w0 / 10 }],
      ['102', { name: 'node', runSec: helper, waitSec: 0 }],
      ['103', { name: 'node', runSec: helper, waitSec: 0 }],
    ]);
  const reading = (atMs: number, k: number): Reading => ({
    atMs,
    cpu: cpu(100 * k, 20 * k, 80 * k),
    load1: 1,
    cpuPressureUs: 100_000 * k,
    ioPressureUs: null,
    threads: threads(0.9 * k, 0.1 * k, 0.05 * k),
    postgresTreeSec: 0.5 * k,
    pg: { counters: { 'wal.wal_sync': 10 * k }, autovacuumWorkers: 0, loadPids: [] },
    redis: { commands: 1000 * k, cpuSec: 0.02 * k, runId: 'r', atMs },
  });

  it('makes point i from the readings at its two boundaries, on the intervals\' grid', () => {
    const readings = new Map([[0, reading(0, 0)], [1, reading(1000, 1)], [2, reading(2000, 2)], [3, reading(2500, 2.5)]]);
    const waits = new Map([[1, { samples: 20, byEvent: { CPU: 1 } }]]);
    const points = buildPoints(readings, waits, { warmupMs: 1000, intervalMs: 1000 });
    expect(points.map((p) => [p.startMs, p.endMs])).toEqual([[0, 1000], [1000, 2000], [2000, 2500]]);
    const [, second, last] = points;
    expect(second?.host).toMatchObject({ user: 0.5, system: 0.1, idle: 0.4, cpuPressure: 0.1, ioPressure: null });
    expect(second?.threads).toEqual({ main: { cpu: 0.1, waitingForCpu: 0 }, 'authbench-w0': { cpu: 0.9, waitingForCpu: 0.09 }, other: { cpu: 0.1, waitingForCpu: 0 } });
    expect(second?.postgresCpu).toBe(0.5);
    expect(second?.postgres).toEqual({ walSyncs: 10, autovacuumWorkers: 0 });
    expect(second?.redis).toEqual({ commandsPerSec: 1000, cpu: 0.02 });
    expect(second?.waits).toEqual({ samples: 20, byEvent: { CPU: 1 } });
    // The last, partial interval is divided by the half second it lasted.
    expect(last?.threads?.['authbench-w0']?.cpu).toBe(0.9);
    expect(last?.redis?.commandsPerSec).toBe(1000);
  });

  it('leaves a gap where a reading is missing and does not mix two Redis servers', () => {
    const r2 = { ...reading(2000, 2), redis: { commands: 5, cpuSec: 0, runId: 'other', atMs: 2000 } };
    const points = buildPoints(new Map([[0, reading(0, 0)], [2, reading(1000, 1)], [3, r2]]), new Map(), { warmupMs: 0, intervalMs: 1000 });
    expect(points.map((p) => p.startMs)).toEqual([2000]);
    expect(points[0]?.redis).toBeUndefined();
  });
});
