// Command-line flags that override a scenario file (`--duration --warmup --rate --connections --workers --seed --cache`), applied to
// the frozen Plan once, before anything runs. Each flag is read by the same reader, with the same units and limits, as the
// file's field; every bad flag is reported at once, with its name (exit 2).
import { InvalidInputError } from '../errors.js';
import { SCENARIO_LIMITS } from '../scenario/defaults.js';
import { Issues, readDuration, readEnum, readInteger, readRate } from '../scenario/fields.js';
import type { CacheState, LoadPlan, Plan } from '../scenario/plan.js';
import type { SourceNode } from '../scenario/source-tree.js';
import { formatRate } from '../scenario/units.js';

export interface PlanOverrides {
  /** `30s`, `2m`: a unit is required, as in the file. */
  readonly duration?: string;
  /** `5s`, `0s`: the warm-up before the measured window (a unit is required, as in the file). */
  readonly warmup?: string;
  /** `2000/s` (a unit is required, as in the file), or a number per second from code (capacity steps). */
  readonly rate?: string | number;
  readonly connections?: number;
  readonly workers?: number;
  readonly seed?: number;
  /** Redis at the start of the load: `warm` or `cold` (target.cache). */
  readonly cache?: string;
}

/** A flag's value as the file readers see a value (a scalar without a line). */
function scalar(value: string | number): SourceNode {
  return { kind: 'scalar', value };
}

function readRateFlag(value: string | number | undefined, issues: Issues): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return readRate(scalar(value), '--rate', issues, { allowZero: false, maxPerSec: SCENARIO_LIMITS.maxRatePerSec });
  if (!Number.isFinite(value) || value <= 0 || value > SCENARIO_LIMITS.maxRatePerSec) {
    issues.add('--rate', undefined, `must be more than 0/s and at most ${formatRate(SCENARIO_LIMITS.maxRatePerSec)}, got ${value}/s`);
    return undefined;
  }
  return value;
}

/** Stretches or shrinks the stages to a new measured duration, keeping their proportions. */
function withDuration(load: LoadPlan, durationMs: number): LoadPlan {
  if (load.model === 'closed') return { ...load, durationMs };
  const scale = durationMs / load.durationMs;
  return { ...load, durationMs, stages: load.stages.map((s) => ({ ...s, durationMs: s.durationMs * scale })) };
}

export function applyOverrides(plan: Plan, flags: PlanOverrides): Plan {
  const issues = new Issues(undefined);
  const L = SCENARIO_LIMITS;
  const closed = plan.load.model === 'closed';
  const durationMs = flags.duration === undefined ? undefined : readDuration(scalar(flags.duration), '--duration', issues, { positive: true, maxMs: L.maxDurationMs });
  const warmupMs = flags.warmup === undefined ? undefined : readDuration(scalar(flags.warmup), '--warmup', issues, { positive: false, maxMs: L.maxWarmupMs });
  const rate = readRateFlag(flags.rate, issues);
  if (rate !== undefined && closed) issues.add('--rate', undefined, 'applies to the open model only; this scenario is closed (use --connections for its VUs)');
  const integer = (value: number | undefined, flag: string, min: number, max: number): number | undefined =>
    value === undefined ? undefined : readInteger(scalar(value), flag, issues, { min, max });
  const connections = integer(flags.connections, '--connections', 1, closed ? L.maxVus : L.maxConnections);
  const workers = integer(flags.workers, '--workers', 1, L.maxWorkers);
  integer(flags.seed, '--seed', 0, L.maxSeed);
  if (flags.cache !== undefined) readEnum(scalar(flags.cache), '--cache', issues, ['warm', 'cold'] as const);
  const slots = connections ?? (plan.load.model === 'open' ? plan.load.connections : plan.load.vus);
  if (workers !== undefined && connections !== undefined && workers > slots) {
    issues.add('--workers', undefined, `must not be more than --connections (${slots}): each worker owns at least one connection, got ${workers}`);
  } else if (workers !== undefined && workers > slots) {
    issues.add('--workers', undefined, `must not be more than the scenario's ${closed ? 'load.vus' : 'load.connections'} (${slots}): each worker owns at least one connection, got ${workers}; raise --connections too`);
  }
  if (issues.count > 0) throw new InvalidInputError(issues.list);

  const setByFlag: Record<string, string> = { ...plan.setByFlag };
  let load: LoadPlan = plan.load;
  if (durationMs !== undefined) {
    load = withDuration(load, durationMs);
    setByFlag['load.duration'] = '--duration';
  }
  if (warmupMs !== undefined) {
    load = { ...load, warmupMs };
    setByFlag['load.warmup'] = '--warmup';
  }
  if (rate !== undefined && load.model === 'open') {
    // A fixed rate: the whole run (warm-up included) at it, as one stage.
    load = { ...load, startRate: rate, stages: [{ durationMs: load.durationMs, targetRate: rate }] };
    setByFlag['load.rate'] = '--rate';
  }
  if (connections !== undefined) {
    load =
      load.model === 'open'
        ? // maxInFlight follows connections unless the file set it apart from them
          { ...load, connections, maxInFlight: load.maxInFlight === load.connections ? connections : load.maxInFlight }
        : { ...load, connections, vus: connections };
    setByFlag['load.connections'] = '--connections';
    setByFlag['load.vus'] = '--connections';
  }
  if (workers !== undefined) setByFlag['load.workers'] = '--workers';
  // Fewer connections than the file's workers: as many workers as connections (what the pool would run anyway), so
  // that what is printed and recorded is what runs.
  const threads = workers ?? Math.min(load.workers, slots);
  if (threads !== load.workers) load = { ...load, workers: threads, redisConnections: Math.max(load.redisConnections, threads) };
  const cache: CacheState | undefined = flags.cache === 'warm' || flags.cache === 'cold' ? flags.cache : undefined;
  if (cache) setByFlag['target.cache'] = '--cache';
  if (flags.seed !== undefined) setByFlag.seed = '--seed';
  const target = cache ? { ...plan.target, cache } : plan.target;
  const changed = Object.keys(setByFlag).length > 0;
  return { ...plan, target, load, ...(flags.seed !== undefined ? { seed: flags.seed } : {}), ...(changed ? { setByFlag } : {}) };
}
