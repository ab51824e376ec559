// One shard's share of a plan: the open model's arrivals by global worker id, the closed model's virtual users and
// every connection count (a pooler's pool too) divided, parameter streams forked per shard. Pure; N shards together are the whole plan.
import { InvalidInputError } from '../errors.js';
import { Random } from '../load/random.js';
import type { Plan, ShardOf } from '../scenario/plan.js';

/** `total` spread over `parts`: equal shares, the remainder to the first ones (as the pool spreads workers). */
export function shareOf(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/**
 * Worker `worker` of `workers` in shard K of N is global worker K + N·worker of N·workers. The open model takes
 * arrivals n ≡ id (mod count), so shard K gets every n ≡ K (mod N) and splits them over its own workers; the shards
 * need not have equal worker counts (each is a residue class of N on its own). Unsharded it is (worker, workers).
 */
export function globalWorker(shard: ShardOf | undefined, worker: number, workers: number): { readonly index: number; readonly count: number } {
  if (!shard) return { index: worker, count: workers };
  return { index: shard.index + shard.count * worker, count: shard.count * workers };
}

/** The stream name a shard's random streams fork from: shards never replay each other's draws. */
export function shardStreamName(shard: ShardOf): string {
  return `shard-${shard.index}/${shard.count}`;
}

/**
 * The root of worker `workerId`'s random streams (parameters, mix picks, think times fork from it). A shard forks
 * `shard-K/N` first, so shards never replay each other's draws; unsharded it is the run's seed forked by worker.
 */
export function workerRandom(seed: number, shard: ShardOf | undefined, workerId: number): Random {
  const root = Random.seeded(seed);
  return (shard ? root.fork(shardStreamName(shard)) : root).fork(`worker-${workerId}`);
}

/** application_name of a load connection: `authbench-w3`, or `authbench-s1-w3` in shard 1, so server counts split by shard. */
export function loadConnectionName(shard: ShardOf | undefined, worker: number): string {
  return shard ? `authbench-s${shard.index}-w${worker}` : `authbench-w${worker}`;
}

/** Shard `shard` of `plan`; throws InvalidInputError (exit 2) when the plan has too little to divide. */
export function shardPlan(plan: Plan, shard: ShardOf): Plan {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new InvalidInputError([{ path: '--shard', message: `shard ${index} of ${count} does not exist: K must be 0..N-1` }], { code: 'AB_ERR_USAGE' });
  }
  const events = plan.events ?? [];
  if (events.length > 0 && count > 1) {
    // Each shard would run every event (N backups, N restarts), and the merge has no event windows to judge `op@event` on.
    const first = events[0]!;
    throw new InvalidInputError(
      [{ file: plan.source.file, ...(first.line !== undefined ? { line: first.line } : {}), path: 'events', message: `a run split over ${count} shards cannot run scenario events: every shard would run "${first.name}" and the others itself` }],
      { hint: 'Run a scenario with events: as one process (without --shard/--shards), or remove its events: for the sharded run.' },
    );
  }
  const load = plan.load;
  const slots = load.model === 'open' ? load.connections : load.vus;
  if (slots < count) {
    const field = load.model === 'open' ? 'load.connections' : 'load.vus';
    throw new InvalidInputError(
      [{ file: plan.source.file, path: field, message: `${slots} cannot be divided over ${count} shards: each shard needs at least one ${load.model === 'open' ? 'connection' : 'virtual user'}` }],
      { hint: `Use at most ${slots} shards, or raise ${field}.` },
    );
  }
  const pooler = plan.target.pooler;
  if (pooler && pooler.poolSize < count) {
    throw new InvalidInputError(
      [{ file: plan.source.file, path: 'target.poolerPoolSize', message: `${pooler.poolSize} cannot be divided over ${count} shards: each shard's PgBouncer needs at least one server connection` }],
      { hint: `Use at most ${pooler.poolSize} shards, or raise target.poolerPoolSize.` },
    );
  }
  const connections = shareOf(load.connections, count, index);
  const workers = Math.min(load.workers, connections);
  // Each worker needs its own Redis connection (the parser's rule), whatever the division leaves.
  const common = { connections, workers, redisConnections: Math.max(workers, shareOf(load.redisConnections, count, index)) };
  const sharded =
    load.model === 'open'
      ? { ...load, ...common, maxInFlight: Math.max(1, shareOf(load.maxInFlight, count, index)) }
      : { ...load, ...common, vus: shareOf(load.vus, count, index) };
  // Each shard starts its own PgBouncer (target.pooler) with its share of the pool: the shards' backends add up to the plan's.
  const target = pooler ? Object.freeze({ ...plan.target, pooler: Object.freeze({ ...pooler, poolSize: shareOf(pooler.poolSize, count, index) }) }) : plan.target;
  return Object.freeze({ ...plan, target, load: Object.freeze(sharded), shard: Object.freeze({ index, count }) });
}
