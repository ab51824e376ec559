// Command-line flags that override a scenario file (`--duration --rate --connections --workers --seed --cache`), applied to
// the frozen Plan once, before anything runs. Every bad flag is reported at once, with its name (exit 2).
import { InvalidInputError, type InputIssue } from '../errors.js';
import type { CacheState, LoadPlan, Plan } from '../scenario/plan.js';
import { parseDuration, parseRate } from '../scenario/units.js';

export interface PlanOverrides {
  readonly duration?: string;
  /** `2000/s`, or a bare number meaning per second. */
  readonly rate?: string | number;
  readonly connections?: number;
  readonly workers?: number;
  readonly seed?: number;
  /** Redis at the start of the load: `warm` or `cold` (target.cache). */
  readonly cache?: string;
}

function positiveInteger(value: number | undefined, flag: string, issues: InputIssue[]): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1) {
    issues.push({ path: flag, message: `must be a whole number ≥ 1, got ${value}` });
    return undefined;
  }
  return value;
}

function readRate(value: string | number | undefined, issues: InputIssue[]): number | undefined {
  if (value === undefined) return undefined;
  const rate = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : parseRate(value);
  if (rate === null || !Number.isFinite(rate) || rate <= 0) {
    issues.push({ path: '--rate', message: `must be a rate like 2000/s (or a number per second) above 0, got ${String(value)}` });
    return undefined;
  }
  return rate;
}

/** Stretches or shrinks the stages to a new measured duration, keeping their proportions. */
function withDuration(load: LoadPlan, durationMs: number): LoadPlan {
  if (load.model === 'closed') return { ...load, durationMs };
  const scale = durationMs / load.durationMs;
  return { ...load, durationMs, stages: load.stages.map((s) => ({ ...s, durationMs: s.durationMs * scale })) };
}

export function applyOverrides(plan: Plan, flags: PlanOverrides): Plan {
  const issues: InputIssue[] = [];
  let durationMs: number | undefined;
  if (flags.duration !== undefined) {
    const ms = parseDuration(flags.duration);
    if (ms === null || ms <= 0) issues.push({ path: '--duration', message: `must be a duration like 30s or 2m above 0, got ${flags.duration}` });
    else durationMs = ms;
  }
  const rate = readRate(flags.rate, issues);
  if (rate !== undefined && plan.load.model === 'closed') issues.push({ path: '--rate', message: 'applies to the open model only; this scenario is closed (use --connections for its VUs)' });
  const connections = positiveInteger(flags.connections, '--connections', issues);
  const workers = positiveInteger(flags.workers, '--workers', issues);
  if (flags.seed !== undefined && (!Number.isSafeInteger(flags.seed) || flags.seed < 0)) issues.push({ path: '--seed', message: `must be a whole number ≥ 0, got ${flags.seed}` });
  if (flags.cache !== undefined && flags.cache !== 'warm' && flags.cache !== 'cold') issues.push({ path: '--cache', message: `must be warm or cold, got ${flags.cache}` });
  if (issues.length > 0) throw new InvalidInputError(issues);

  let load: LoadPlan = plan.load;
  if (durationMs !== undefined) load = withDuration(load, durationMs);
  if (rate !== undefined && load.model === 'open') {
    // A fixed rate: the whole run (warm-up included) at it, as one stage.
    load = { ...load, startRate: rate, stages: [{ durationMs: load.durationMs, targetRate: rate }] };
  }
  if (connections !== undefined) {
    load =
      load.model === 'open'
        ? // maxInFlight follows connections unless the file set it apart from them
          { ...load, connections, maxInFlight: load.maxInFlight === load.connections ? connections : load.maxInFlight }
        : { ...load, connections, vus: connections };
  }
  if (workers !== undefined) load = { ...load, workers };
  const cache: CacheState | undefined = flags.cache === 'warm' || flags.cache === 'cold' ? flags.cache : undefined;
  const target = cache ? { ...plan.target, cache } : plan.target;
  return { ...plan, target, load, ...(flags.seed !== undefined ? { seed: flags.seed } : {}) };
}
