// Table tests of the diagnosis on hand-made series: each case is the evidence of one kind of limit and the resource
// (and wait) it must be named as, with the figure the text must carry.
import { describe, expect, it } from 'vitest';
import type { GeneratorHealth, IntervalPoint, RunVerdict } from '../results/types.js';
import type { SeriesPoint } from '../series/types.js';
import { averageWaits, diagnose, waitClassOf, type DiagnosisInput } from './diagnose.js';

const SECONDS = 6;

const healthy: GeneratorHealth = {
  scheduled: 6000, started: 6000, dropped: 0, late: 0, latenessBoundMs: 10, scheduleLagP99Ms: 1, scheduleLagMaxMs: 3,
  eventLoopLagP99Ms: 2, eventLoopLagMaxMs: 4, valid: true, invalidReasons: [],
};

interface Case {
  verdict?: RunVerdict;
  model?: 'open' | 'closed';
  generator?: Partial<GeneratorHealth>;
  /** Per second: p95 of the operation, client in flight. */
  p95?: (i: number) => number;
  inFlight?: number;
  /** Arrivals that waited for a free connection, per second. */
  queued?: number;
  point: (i: number) => Omit<SeriesPoint, 'startMs' | 'endMs'>;
}

function input(c: Case): DiagnosisInput {
  const intervals: IntervalPoint[] = [];
  const points: SeriesPoint[] = [];
  for (let i = 0; i < SECONDS; i += 1) {
    const startMs = i * 1000;
    const p95 = c.p95?.(i) ?? 30;
    intervals.push({
      startMs, endMs: startMs + 1000, warmup: i === 0, achievedRate: 1000, dropped: 0, queued: c.queued ?? 0, inFlight: c.inFlight ?? 4, eventLoopLagMaxMs: 1,
      operations: { sql: { count: 1000, errors: {}, p50Ms: p95 / 2, p95Ms: p95, p99Ms: p95 * 1.2, maxMs: p95 * 2 } },
    });
    points.push({ startMs, endMs: startMs + 1000, ...c.point(i) });
  }
  return {
    verdict: c.verdict ?? 'FAIL',
    status: 'completed',
    intervals,
    generator: { ...healthy, ...c.generator },
    measuredWindow: { startMs: 1000, endMs: SECONDS * 1000 },
    thresholds: [],
    load: { model: c.model ?? 'open', connections: 8, workers: 1 },
    environment: { cpus: 2 },
    series: { intervalMs: 1000, waitSampleHz: 20, points, unavailable: {} },
  };
}

const idleHost = { user: 0.3, system: 0.1, iowait: 0, steal: 0, idle: 0.6, load1: 1, cpuPressure: 0, ioPressure: 0 };
const busyHost = { ...idleHost, user: 0.8, system: 0.17, idle: 0.03 };
const threads = (w0: number, waiting = 0) => ({ main: { cpu: 0.05, waitingForCpu: 0 }, 'authbench-w0': { cpu: w0, waitingForCpu: waiting } });
const waits = (byEvent: Record<string, number>) => ({ samples: 20, byEvent });

describe('diagnose', () => {
  it.each<[string, Case, string, string | undefined, RegExp]>([
    [
      'a sleeping statement: database time in Timeout:PgSleep, even on a busy machine',
      { point: () => ({ host: busyHost, threads: threads(0.2), waits: waits({ 'Timeout:PgSleep': 3, CPU: 0.1 }) }) },
      'database', 'Timeout:PgSleep', /97 % of their time in Timeout:PgSleep/,
    ],
    [
      'a crowded machine where every thread waits for a CPU, but the time is on the server: still the database',
      { inFlight: 3, generator: { eventLoopLagP99Ms: 130 }, point: () => ({ host: { ...busyHost, idle: 0 }, threads: threads(0.05, 0.86), waits: waits({ 'Timeout:PgSleep': 1.7 }) }) },
      'database', 'Timeout:PgSleep', /100 % of their time in Timeout:PgSleep/,
    ],
    [
      'a hot row: lock waits',
      { model: 'closed', point: () => ({ host: idleHost, threads: threads(0.2), waits: waits({ 'Lock:transactionid': 5, 'Timeout:PgSleep': 1 }) }) },
      'database', 'Lock:transactionid', /83 % of their time in Lock:transactionid/,
    ],
    [
      'a worker thread with no time to spare, the server idle: the generator',
      { verdict: 'INVALID', generator: { valid: false, late: 900, dropped: 10 }, point: () => ({ host: idleHost, threads: threads(0.95), waits: waits({ CPU: 0.3 }) }) },
      'generator', undefined, /authbench-w0 was busy 95 %/,
    ],
    [
      'a worker thread starved by a full machine is still the generator, and says the machine is shared',
      { verdict: 'INVALID', generator: { valid: false, late: 0, dropped: 900 }, point: () => ({ host: busyHost, threads: threads(0.2, 0.78), waits: waits({}) }) },
      'generator', undefined, /waiting for one 78 %/,
    ],
    [
      'answers waiting while the server idles, the event loop late: the generator',
      { verdict: 'INVALID', inFlight: 40, generator: { valid: false, late: 800, eventLoopLagP99Ms: 60 }, point: () => ({ host: idleHost, threads: threads(0.6), waits: waits({ CPU: 2, 'Client:ClientRead': 10 }) }) },
      'generator', undefined, /40\.0 in flight on the client, 2\.0 backends working/,
    ],
    [
      'backends on CPU on a machine with no idle CPU: the machine shared by all',
      { point: () => ({ host: busyHost, threads: threads(0.5), postgresCpu: 1.2, redis: { commandsPerSec: 100, cpu: 0.05 }, waits: waits({ CPU: 6 }) }) },
      'host-cpu', undefined, /97 % busy/,
    ],
    [
      'WAL fsyncs that stall in the slow seconds: the disk',
      {
        p95: (i) => (i % 2 === 0 ? 80 : 10),
        point: (i) => ({ host: { ...idleHost, iowait: 0.12 }, threads: threads(0.3), waits: waits({ 'IO:WALSync': 4, CPU: 1 }), postgres: { walSyncs: 100, walSyncTimeMs: i % 2 === 0 ? 2000 : 100 } }),
      },
      'disk', 'IO:WALSync', /20 ms per sync/,
    ],
    [
      'every connection busy on CPU with the machine idle: the connection pool',
      { inFlight: 8, generator: { valid: false, dropped: 800 }, verdict: 'INVALID', point: () => ({ host: { ...idleHost, idle: 0.5 }, threads: threads(0.3), waits: waits({ CPU: 7.5 }) }) },
      'connection-pool', undefined, /all 8 connections were busy/,
    ],
    [
      'arrivals waiting for a connection while the backends run on an idle machine: the connection pool',
      { inFlight: 6, queued: 300, point: () => ({ host: { ...idleHost, idle: 0.45 }, threads: threads(0.3), waits: waits({ CPU: 6 }) }) },
      'connection-pool', undefined, /waited for one of the 8 connections in 100 %[^]*1500 arrivals waited for a free connection/,
    ],
    [
      'backends on CPU with CPU to spare and no full pool: database CPU',
      { inFlight: 3, point: () => ({ host: idleHost, threads: threads(0.3), waits: waits({ CPU: 3, 'LWLock:WALWrite': 0.2 }) }) },
      'database', 'CPU', /on CPU/,
    ],
  ])('%s', (_name, c, resource, wait, text) => {
    const d = diagnose(input(c));
    expect(d.resource).toBe(resource);
    expect(d.wait).toBe(wait);
    expect(`${d.summary}\n${d.evidence.join('\n')}`).toMatch(text);
    expect(d.advice.length).toBeGreaterThan(0);
    expect(d.seconds).toBe(SECONDS - 1);
  });

  it('says nothing ran out on a passing run, and cannot say without a series', () => {
    const pass = diagnose(input({ verdict: 'PASS', point: () => ({ host: idleHost, threads: threads(0.3), waits: waits({ CPU: 1 }) }) }));
    expect(pass.resource).toBe('none');
    expect(pass.summary).toMatch(/60 % idle/);
    const { series: _unused, ...without } = input({ point: () => ({}) });
    expect(diagnose(without).resource).toBe('unknown');
    expect(diagnose(without).advice[0]).toMatch(/--no-server-series/);
  });

  it('says how many wait samples were skipped because the server had not answered', () => {
    const d = diagnose(input({ point: () => ({ host: idleHost, threads: threads(0.2), waits: { samples: 15, skipped: 5, byEvent: { 'Lock:tuple': 4 } } }) }));
    expect(d.wait).toBe('Lock:tuple');
    expect(d.evidence.join('\n')).toMatch(/\(75 samples, 25 skipped while the server had not answered the previous one\)/);
  });

  it('reads waits in the slow seconds only, weighted by samples', () => {
    const avg = averageWaits([
      { startMs: 0, endMs: 1000, waits: { samples: 10, byEvent: { CPU: 1 } } },
      { startMs: 1000, endMs: 2000, waits: { samples: 30, byEvent: { CPU: 3, 'Lock:tuple': 1 } } },
    ]);
    expect(avg.samples).toBe(40);
    expect(avg.skipped).toBe(0);
    expect(avg.byEvent.get('CPU')).toBe(2.5);
    expect(avg.byEvent.get('Lock:tuple')).toBe(0.75);
    expect(waitClassOf('Lock:tuple')).toBe('Lock');
    expect(waitClassOf('CPU')).toBe('CPU');
  });
});
