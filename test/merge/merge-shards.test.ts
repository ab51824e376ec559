// The merge, pure: the merged histogram of every operation and interval equals one histogram fed every shard's
// samples (property test), counts are the shards' sums, and missing, aborted and clock-skewed shards are INVALID.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HlogEntry } from '../../src/metrics/aggregator.js';
import { clampUs, createHistogram, decode, encode, maxUs, summarize, type Histogram } from '../../src/metrics/histogram.js';
import { mergeShards, type ShardInput } from '../../src/merge/merge-shards.js';
import type { IntervalOperation, IntervalPoint, OperationResult, PoolerEvidence, RunResults } from '../../src/results/types.js';
import { parseThreshold } from '../../src/thresholds/index.js';
import type { Threshold } from '../../src/thresholds/types.js';
import { buildRunResults } from '../report/fixtures.js';
import { schemaProblems } from '../support/results-schema.js';

const START = Date.parse('2026-12-01T23:30:00Z');
const threshold: Threshold = { ...(parseThreshold('p95 < 25ms', { kind: 'operation', operation: 'auth.login' }, { file: 's.yaml', line: 1, path: 'thresholds.auth.login' }) as Threshold), minSamples: 10 };

/** Samples (µs) of one shard: per interval (1 s each, the first is warm-up), per key. */
type ShardSamples = readonly (readonly { key: string; us: number }[])[];

function histogramOf(values: readonly number[]): Histogram {
  const h = createHistogram(64);
  for (const v of values) h.recordValue(clampUs(v));
  return h;
}

/** A shard's results.json and .hlog as a run that recorded exactly `samples` would write them. */
function shardOf(index: number, count: number, samples: ShardSamples, opts: { offsetMs?: number; status?: RunResults['status'] } = {}): ShardInput {
  const base = buildRunResults('pass');
  const keys = ['auth.login', 'auth.login/db'];
  const measured = samples.slice(1).flat();
  const operations: OperationResult[] = keys.map((key) => {
    const values = measured.filter((s) => s.key === key).map((s) => s.us);
    const h = histogramOf(values);
    return { key, operation: 'auth.login', ...(key.includes('/') ? { phase: 'db' } : {}), count: values.length, errors: values.length > 3 ? { timeout: 1 } : {}, outcomes: { ok: values.length }, throughputPerSec: 0, latency: summarize(h), service: summarize(h), latencyHistogram: encode(h), serviceHistogram: encode(h) };
  });
  const hlog: HlogEntry[] = [];
  const intervals: IntervalPoint[] = samples.map((interval, i) => {
    const ops: Record<string, IntervalOperation> = {};
    for (const key of keys) {
      const values = interval.filter((s) => s.key === key).map((s) => s.us);
      if (values.length === 0) continue;
      const h = histogramOf(values);
      hlog.push({ tag: key, startMs: i * 1000, endMs: (i + 1) * 1000, maxUs: maxUs(h), histogram: encode(h) });
      const sum = summarize(h);
      ops[key] = { count: values.length, errors: {}, p50Ms: sum.p50Ms, p95Ms: sum.p95Ms, p99Ms: sum.p99Ms, maxMs: sum.maxMs };
    }
    return { startMs: i * 1000, endMs: (i + 1) * 1000, warmup: i === 0, targetRate: interval.length, achievedRate: interval.length, dropped: 0, inFlight: 0, operations: ops, eventLoopLagMaxMs: 1 };
  });
  const scheduled = measured.length;
  const status = opts.status ?? 'completed';
  const results: RunResults = {
    ...base,
    status,
    measuredWindow: { startMs: 1000, endMs: samples.length * 1000 },
    load: { ...base.load, warmupMs: 1000, durationMs: (samples.length - 1) * 1000, connections: 4, workers: 2 },
    operations,
    intervals,
    generator: { ...base.generator, scheduled, started: scheduled, dropped: 0, late: 0, valid: true, invalidReasons: [] },
    server: index === 0 ? base.server : null,
    thresholds: [],
    verdict: status === 'completed' ? 'PASS' : 'ABORTED',
    shard: { index, count, runDigest: 'd', startAtMs: START, loadStartMs: START, clock: { offsetMs: opts.offsetMs ?? 0.5 * index, rttMs: 0.3, samples: 8 }, thresholds: [threshold], latenessBoundMs: 10, intervalMs: 1000 },
    artifacts: { hlog: 'latency.hlog' },
  };
  return { dir: `shard-${index}`, results, hlog };
}

const sample = fc.record({ key: fc.constantFrom('auth.login', 'auth.login/db'), us: fc.integer({ min: 1, max: 5_000_000 }) });
const shardSamples = fc.array(fc.array(sample, { maxLength: 30 }), { minLength: 3, maxLength: 3 });

describe('merge of shards', () => {
  it('the merged histogram equals one histogram fed every shard\'s samples, per operation and per interval', () => {
    fc.assert(
      fc.property(fc.array(shardSamples, { minLength: 1, maxLength: 3 }), (all) => {
        const merged = mergeShards(all.map((s, k) => shardOf(k, all.length, s)), all.length);
        for (const op of merged.results.operations) {
          const every = histogramOf(all.flatMap((s) => s.slice(1).flat().filter((x) => x.key === op.key).map((x) => x.us)));
          const got = decode(op.latencyHistogram);
          expect(got.totalCount).toBe(every.totalCount);
          expect(summarize(got)).toEqual(summarize(every));
          expect(got.getValueAtPercentile(95)).toBe(every.getValueAtPercentile(95));
          // Same buckets, same counts: the encodings are equal.
          expect(encode(got)).toBe(encode(every));
          expect(op.count).toBe(all.reduce((a, s) => a + s.slice(1).flat().filter((x) => x.key === op.key).length, 0));
        }
        for (const e of merged.hlog) {
          const i = e.startMs / 1000;
          const every = histogramOf(all.flatMap((s) => s[i]!.filter((x) => x.key === e.tag).map((x) => x.us)));
          expect(summarize(decode(e.histogram))).toEqual(summarize(every));
          expect(merged.results.intervals[i]!.operations[e.tag]!.p99Ms).toBe(summarize(every).p99Ms);
        }
        expect(merged.results.generator.scheduled).toBe(all.reduce((a, s) => a + s.slice(1).flat().length, 0));
      }),
      { numRuns: 8 },
    );
  }, 60_000);

  it('sums counts, errors and outcomes, takes the server evidence once, and judges the thresholds once', () => {
    const samples: ShardSamples = [[{ key: 'auth.login', us: 1000 }], Array.from({ length: 10 }, () => ({ key: 'auth.login', us: 2000 })), [{ key: 'auth.login', us: 3000 }]];
    const shards = [0, 1, 2].map((k) => shardOf(k, 3, samples));
    const merged = mergeShards(shards, 3).results;
    const login = merged.operations.find((o) => o.key === 'auth.login')!;
    expect(login.count).toBe(33);
    expect(login.errors).toEqual({ timeout: 3 });
    expect(login.outcomes).toEqual({ ok: 33 });
    expect(merged.server).toEqual(shards[0]!.results!.server);
    expect(merged.merge?.serverEvidenceFrom).toBe(0);
    expect(merged.load.connections).toBe(12);
    expect(merged.thresholds).toHaveLength(1);
    expect(merged.thresholds[0]!.samples).toBe(33);
    expect(merged.verdict).toBe('PASS');
    expect(merged.shard).toBeUndefined();
    expect(merged.merge?.clockSpreadMs).toBe(1);
  });

  it('sums the pool wait (queued arrivals, pool timeouts) per interval and for the run, and keeps it absent in older shards', () => {
    const samples: ShardSamples = [[{ key: 'auth.login', us: 1000 }], [{ key: 'auth.login', us: 2000 }], [{ key: 'auth.login', us: 3000 }]];
    const waited = (k: number): ShardInput => {
      const s = shardOf(k, 3, samples);
      const r = s.results!;
      return {
        ...s,
        results: {
          ...r,
          intervals: r.intervals.map((p, i) => ({ ...p, queued: k + i, poolTimeouts: i === 2 ? k : 0 })),
          generator: { ...r.generator, queued: 10 * (k + 1), poolTimeouts: k },
        },
      };
    };
    const merged = mergeShards([0, 1, 2].map(waited), 3).results;
    expect(merged.generator.queued).toBe(60);
    expect(merged.generator.poolTimeouts).toBe(3);
    expect(merged.intervals.map((p) => p.queued)).toEqual([3, 6, 9]);
    expect(merged.intervals.map((p) => p.poolTimeouts)).toEqual([0, 0, 3]);
    const older = mergeShards([0, 1, 2].map((k) => shardOf(k, 3, samples)), 3).results;
    expect(older.generator.queued).toBeUndefined();
    expect(older.intervals[1]!.poolTimeouts).toBeUndefined();
  });

  it('adds the shards\' client counts at the pooler per interval and judges connections(client) on the merged peak', () => {
    const samples: ShardSamples = [[{ key: 'auth.login', us: 1000 }], Array.from({ length: 10 }, () => ({ key: 'auth.login', us: 2000 })), Array.from({ length: 10 }, () => ({ key: 'auth.login', us: 2000 }))];
    // Each shard counted only its own clients (warm-up, then two measured intervals); the warm-up's 9s are not measured.
    const clients = [[9, 4, 5], [9, 3, 6], [9, 5, 4]];
    const connections = (source: string): Threshold => ({ ...(parseThreshold(source, { kind: 'run' }, { file: 's.yaml', line: 2, path: 'thresholds.run' }) as Threshold), minSamples: 1 });
    const pooled = (k: number, pooler: Partial<PoolerEvidence> = {}): ShardInput => {
      const s = shardOf(k, 3, samples);
      const r = s.results!;
      const server = buildRunResults('pass').server!;
      return {
        ...s,
        results: {
          ...r,
          intervals: r.intervals.map((p, i) => ({ ...p, poolerClients: clients[k]![i]! })),
          server: { ...server, pooler: { kind: 'pgbouncer', poolSize: 4, mode: 'transaction', serverTransport: 'unix-socket', clientConnectionsPeak: Math.max(...clients[k]!.slice(1)), clientsWaitingPeak: k, serverConnectionsPeak: 4 - k, clientSamples: 2, ...pooler } },
          shard: { ...r.shard!, thresholds: [connections('connections(client) >= 15')] },
        },
      };
    };
    const merged = mergeShards([0, 1, 2].map((k) => pooled(k)), 3).results;
    expect(merged.intervals.map((p) => p.poolerClients)).toEqual([27, 12, 15]);
    // Each shard's PgBouncer had its share of the pool: the pools and their peaks add up (the peaks as upper bounds).
    expect(merged.server?.pooler).toEqual({ kind: 'pgbouncer', poolSize: 12, mode: 'transaction', serverTransport: 'unix-socket', clientConnectionsPeak: 15, clientsWaitingPeak: 3, serverConnectionsPeak: 9, clientSamples: 2 });
    expect(merged.thresholds.map((t) => [t.source, t.status, t.measured])).toEqual([['connections(client) >= 15', 'PASS', 15]]);
    expect(schemaProblems('results', merged)).toEqual([]);

    // One shard's peak alone (6) or the sum of the shards' peaks (5 + 6 + 5 = 16) would judge another number.
    const above = mergeShards([0, 1, 2].map((k) => { const s = pooled(k); return { ...s, results: { ...s.results!, shard: { ...s.results!.shard!, thresholds: [connections('connections(client) >= 16')] } } }; }), 3).results;
    expect(above.thresholds[0]).toMatchObject({ status: 'FAIL', measured: 15 });

    // A shard whose pooler was never read leaves the count incomplete: INCONCLUSIVE, naming the shard.
    const unread = mergeShards([pooled(0), pooled(1, { clientSamples: 0, samplingError: 'connect ECONNREFUSED' }), pooled(2)], 3).results;
    expect(unread.server?.pooler).toMatchObject({ clientSamples: 0, samplingError: 'shard 1: connect ECONNREFUSED' });
    expect(unread.thresholds[0]).toMatchObject({ status: 'INCONCLUSIVE' });
  });

  it('diagnoses the merged run, not one shard\'s (a shard judges no thresholds, so it always "passes")', () => {
    const slow: ShardSamples = [[{ key: 'auth.login', us: 60_000 }], Array.from({ length: 10 }, () => ({ key: 'auth.login', us: 60_000 })), [{ key: 'auth.login', us: 60_000 }]];
    const shards = [0, 1, 2].map((k) => shardOf(k, 3, slow));
    expect(shards[0]!.results!.diagnosis?.resource).toBe('none');
    const merged = mergeShards(shards, 3).results;
    expect(merged.verdict).toBe('FAIL');
    expect(merged.diagnosis).toBeDefined();
    expect(merged.diagnosis!.resource).not.toBe('none');
    expect(merged.series).toEqual(shards[0]!.results!.series);
    const fast: ShardSamples = [[{ key: 'auth.login', us: 1000 }], Array.from({ length: 10 }, () => ({ key: 'auth.login', us: 1000 })), [{ key: 'auth.login', us: 1000 }]];
    expect(mergeShards([0, 1, 2].map((k) => shardOf(k, 3, fast)), 3).results.diagnosis!.resource).toBe('none');
  });

  it('a missing shard, an aborted shard and skewed clocks make the merged run INVALID, naming the shard', () => {
    const samples: ShardSamples = [[], [{ key: 'auth.login', us: 1000 }], [{ key: 'auth.login', us: 1000 }]];
    const missing = mergeShards([shardOf(0, 3, samples), shardOf(2, 3, samples), { dir: 'out/shard-1', hlog: [] }], 3).results;
    expect(missing.verdict).toBe('INVALID');
    expect(missing.generator.invalidReasons[0]).toBe('shard 1 of 3 missing (no results.json in out/shard-1: killed or still running?): the merged run lacks its share of the load');
    expect(missing.merge?.shards[1]).toMatchObject({ index: 1, status: 'missing' });

    const aborted = mergeShards([shardOf(0, 2, samples), shardOf(1, 2, samples, { status: 'aborted' })], 2).results;
    expect(aborted.verdict).toBe('INVALID');
    expect(aborted.generator.invalidReasons).toContain('shard 1 was aborted');

    const skewed = mergeShards([shardOf(0, 2, samples, { offsetMs: -3 }), shardOf(1, 2, samples, { offsetMs: 40 })], 2).results;
    expect(skewed.verdict).toBe('INVALID');
    expect(skewed.generator.invalidReasons[0]).toBe(
      "the shards' clocks differ by 43.0 ms against the database server (shard 0 -3.0 ms, shard 1 +40.0 ms), more than the lateness bound (10 ms): their common start and 1 s intervals do not line up; synchronise the machines' clocks (NTP)",
    );
    expect(skewed.merge?.clockSpreadMs).toBe(43);
  });
});
