// Shards together are the unsharded plan: every arrival in exactly one shard's worker, sequential values
// partitioned, VUs and connections divided without loss, streams forked per shard; and the flags' exact messages.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { sequentialSampler } from '../load/generators.js';
import { Random } from '../load/random.js';
import { createArrivalSchedule, workerArrivals } from '../load/schedule.js';
import type { LoadPlan, Plan } from '../scenario/plan.js';
import { parseShardFlag, parseShardsFlag, parseStartAt } from './shard-flags.js';
import { globalWorker, loadConnectionName, shareOf, shardPlan, workerRandom } from './shard-plan.js';

function plan(load: Partial<LoadPlan> & { model: 'open' | 'closed' }): Plan {
  const common = { durationMs: 3000, warmupMs: 1000, connections: 12, redisConnections: 4, workers: 4, gracefulStopMs: 1000 };
  const full: LoadPlan =
    load.model === 'open'
      ? { ...common, startRate: 150, stages: [{ durationMs: 3000, targetRate: 150 }], maxInFlight: 12, ...load } as LoadPlan
      : { ...common, vus: 12, thinkTime: { minMs: 0, maxMs: 0 }, ...load } as LoadPlan;
  return {
    name: 't', description: '', source: { file: 't.yaml', text: '' }, seed: 7,
    target: { kind: 'external', synchronousCommit: true, serverSettings: {}, allowNonEmpty: true },
    dataset: { users: 100, seed: 1, sessionsPerUser: 1, revokedShare: 0, agentShare: 0 },
    load: full, mix: [], thresholds: [],
  };
}

/** Every arrival index the workers of every shard take, as the open model steps through them. */
function shardedArrivals(totalRate: number, durationMs: number, warmupMs: number, shards: number, workersOf: (k: number) => number): number[] {
  const schedule = createArrivalSchedule({ startRate: totalRate, warmupMs, stages: [{ durationMs, targetRate: totalRate }] });
  const taken: number[] = [];
  for (let k = 0; k < shards; k++) {
    const workers = workersOf(k);
    for (let w = 0; w < workers; w++) {
      const g = globalWorker({ index: k, count: shards }, w, workers);
      for (const a of workerArrivals(schedule, g.index, g.count)) taken.push(a.index);
    }
  }
  return taken;
}

describe('shard plan', () => {
  it('the union of the shards\' schedules is the unsharded schedule, nothing lost or doubled', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 7, maxLength: 7 }),
        (rate, durationMs, shards, workers) => {
          const schedule = createArrivalSchedule({ startRate: rate, warmupMs: 0, stages: [{ durationMs, targetRate: rate }] });
          const taken = shardedArrivals(rate, durationMs, 0, shards, (k) => workers[k]!).sort((a, b) => a - b);
          expect(taken).toEqual(Array.from({ length: schedule.totalArrivals }, (_, n) => n));
        },
      ),
    );
  });

  it('one shard is the unsharded run: worker ids and counts unchanged', () => {
    expect(globalWorker({ index: 0, count: 1 }, 3, 4)).toEqual({ index: 3, count: 4 });
    expect(globalWorker(undefined, 3, 4)).toEqual({ index: 3, count: 4 });
    expect(globalWorker({ index: 2, count: 3 }, 1, 4)).toEqual({ index: 5, count: 12 });
  });

  it('sequential values are partitioned across shards and workers: one lap has every value once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 5, maxLength: 5 }), fc.integer({ min: 1, max: 40 }), (shards, workers, laps) => {
        const per = workers.slice(0, shards);
        const total = per.reduce((a, b) => a + b, 0);
        // values 1..size where size is a multiple of every global count: each sampler's lap is size/count values
        const size = shards * per.reduce((a, b) => a * b, 1) * laps;
        const seen: number[] = [];
        per.forEach((w, k) => {
          for (let i = 0; i < w; i++) {
            const g = globalWorker({ index: k, count: shards }, i, w);
            const next = sequentialSampler(1, size, g);
            for (let j = 0; j < size / g.count; j++) seen.push(next());
          }
        });
        expect(total).toBeGreaterThan(0);
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, v) => v + 1));
      }),
      { numRuns: 50 },
    );
  });

  it('divides connections, maxInFlight and virtual users without loss and marks the plan', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 9 }), (total, shards) => {
        fc.pre(total >= shards);
        const open = plan({ model: 'open', connections: total, maxInFlight: total, workers: Math.min(4, total), redisConnections: Math.min(4, total) });
        const closed = plan({ model: 'closed', connections: total, vus: total, workers: Math.min(4, total), redisConnections: Math.min(4, total) });
        let connections = 0;
        let vus = 0;
        for (let k = 0; k < shards; k++) {
          const o = shardPlan(open, { index: k, count: shards });
          const c = shardPlan(closed, { index: k, count: shards });
          connections += o.load.connections;
          vus += c.load.model === 'closed' ? c.load.vus : 0;
          expect(o.shard).toEqual({ index: k, count: shards });
          expect(o.load.workers).toBeLessThanOrEqual(o.load.connections);
          expect(o.load.redisConnections).toBeGreaterThanOrEqual(o.load.workers);
        }
        expect(connections).toBe(total);
        expect(vus).toBe(total);
      }),
    );
    expect([0, 1, 2].map((k) => shareOf(10, 3, k))).toEqual([4, 3, 3]);
  });

  it('refuses more shards than virtual users, naming the field', () => {
    expect(() => shardPlan(plan({ model: 'closed', vus: 2, connections: 2, workers: 2, redisConnections: 2 }), { index: 0, count: 3 })).toThrow(
      't.yaml load.vus: 2 cannot be divided over 3 shards: each shard needs at least one virtual user',
    );
  });

  it('divides a pooler\'s pool over the shards (each starts its own PgBouncer), and refuses fewer server connections than shards', () => {
    const pooled: Plan = { ...plan({ model: 'closed' }), target: { ...plan({ model: 'closed' }).target, kind: 'embedded', pooler: { kind: 'pgbouncer', poolSize: 10 } } };
    expect([0, 1, 2].map((k) => shardPlan(pooled, { index: k, count: 3 }).target.pooler?.poolSize)).toEqual([4, 3, 3]);
    expect(shardPlan(plan({ model: 'closed' }), { index: 0, count: 3 }).target.pooler).toBeUndefined();
    const tiny: Plan = { ...pooled, target: { ...pooled.target, pooler: { kind: 'pgbouncer', poolSize: 2 } } };
    expect(() => shardPlan(tiny, { index: 0, count: 3 })).toThrow("t.yaml target.poolerPoolSize: 2 cannot be divided over 3 shards: each shard's PgBouncer needs at least one server connection");
  });

  it('forks the parameter streams per shard: no two workers of any shards (or the unsharded run) draw the same numbers', () => {
    const draws = (r: { uint32(): number }): string => Array.from({ length: 4 }, () => r.uint32()).join(',');
    for (const seed of [1, 3, 7, 11, 21, 42, 2 ** 40 + 5]) {
      // Unsharded: the run's seed forked by worker, as before sharding existed (results stay reproducible).
      expect(draws(workerRandom(seed, undefined, 2))).toBe(draws(Random.seeded(seed).fork('worker-2')));
      for (let count = 1; count <= 8; count++) {
        const streams = new Map<string, string>();
        const add = (name: string, r: Random): void => {
          const d = draws(r);
          expect(streams.get(d), `${name} replays the draws of ${streams.get(d)} (seed ${seed})`).toBeUndefined();
          streams.set(d, name);
        };
        for (let w = 0; w < 4; w++) add(`unsharded worker ${w}`, workerRandom(seed, undefined, w));
        for (let k = 0; k < count; k++) for (let w = 0; w < 4; w++) add(`shard ${k}/${count} worker ${w}`, workerRandom(seed, { index: k, count }, w));
        // Forks of different roots differ too (a parameter's stream is forked from its worker's).
        const param = (k: number): string => draws(workerRandom(seed, { index: k, count }, 0).fork('0/0').fork('user'));
        expect(new Set(Array.from({ length: count }, (_, k) => param(k))).size).toBe(count);
      }
    }
  });

  it('refuses scenario events in a run of several shards (each would run them), naming the field', () => {
    const withEvents: Plan = { ...plan({ model: 'open' }), events: [{ name: 'backup', action: 'backup', mode: 'full', atMs: 1000, line: 14 }] };
    expect(() => shardPlan(withEvents, { index: 1, count: 3 })).toThrow(
      't.yaml:14 events: a run split over 3 shards cannot run scenario events: every shard would run "backup" and the others itself',
    );
    expect(shardPlan(withEvents, { index: 0, count: 1 }).events).toHaveLength(1);
  });

  it('names each shard\'s connections so the server can count them by shard', () => {
    expect(loadConnectionName(undefined, 3)).toBe('authbench-w3');
    expect(loadConnectionName({ index: 1, count: 3 }, 3)).toBe('authbench-s1-w3');
  });
});

describe('shard flags', () => {
  const message = (fn: () => unknown): string => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).exitCode).toBe(2);
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  it('reads K/N and refuses what is not a shard', () => {
    expect(parseShardFlag('2/3')).toEqual({ index: 2, count: 3 });
    expect(message(() => parseShardFlag('3/3'))).toBe('--shard: shard 3 of 3 does not exist: K counts from 0, so the last of 3 shards is 2/3');
    expect(message(() => parseShardFlag('x'))).toBe('--shard: expected K/N (shard K of N, K from 0), got "x"');
    expect(message(() => parseShardFlag('0/0'))).toBe('--shard: N must be 1..1024, got "0/0"');
    expect(message(() => parseShardsFlag('two'))).toBe('--shards: expected a whole number of shards 1..1024, got "two"');
  });

  it('reads --start-at as ISO 8601 or epoch ms and refuses an instant older than the warm-up', () => {
    const now = Date.parse('2026-12-01T23:30:00Z');
    expect(parseStartAt('2026-12-01T23:30:05Z', now, 1000)).toBe(now + 5000);
    expect(parseStartAt(String(now + 2000), now, 1000)).toBe(now + 2000);
    expect(parseStartAt('2026-12-01T23:29:59.500Z', now, 1000)).toBe(now - 500);
    expect(message(() => parseStartAt('2026-12-01T23:29:50Z', now, 5000))).toBe(
      '--start-at: 2026-12-01T23:29:50.000Z is 10.0 s in the past, more than the warm-up (5.0 s): this shard would miss part of the measured window',
    );
    expect(message(() => parseStartAt('tomorrow', now, 0))).toBe('--start-at: expected an ISO 8601 instant with a time zone or epoch milliseconds, got "tomorrow"');
    expect(message(() => parseStartAt('2026-12-01T23:30:00', now, 0))).toMatch(/^--start-at: expected an ISO 8601 instant with a time zone/);
  });
});
