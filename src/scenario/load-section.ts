// Validates the `load` section: the workload model (open: constant rate or stages; closed: virtual users),
// its durations, connections and workers, into a LoadPlan in ms and per-second rates.
import { autoWorkers, SCENARIO_DEFAULTS, SCENARIO_LIMITS } from './defaults.js';
import { describe, type Issues, type MapReader, readDuration, readEnum, readInteger, readMap, readRate } from './fields.js';
import type { LoadPlan, RateStage } from './plan.js';
import type { SourceNode } from './source-tree.js';
import { formatDuration, parseDuration } from './units.js';

const COMMON_KEYS = ['model', 'duration', 'warmup', 'connections', 'redisConnections', 'workers', 'gracefulStop'] as const;
const OPEN_KEYS = ['rate', 'stages', 'startRate', 'maxInFlight', 'poolTimeout'] as const;
const CLOSED_KEYS = ['vus', 'thinkTime'] as const;
export const LOAD_KEYS: readonly string[] = [...COMMON_KEYS, ...OPEN_KEYS, ...CLOSED_KEYS];
export const STAGE_KEYS: readonly string[] = ['duration', 'target'];

export function parseLoad(node: SourceNode | undefined, parentLine: number | undefined, issues: Issues, cores: number): LoadPlan | undefined {
  if (node === undefined) {
    issues.add('load', parentLine, 'required: the workload model, e.g. { model: open, rate: 2000/s, duration: 60s }');
    return undefined;
  }
  const map = readMap(node, 'load', issues, LOAD_KEYS, 'the load section (a map)');
  if (!map) return undefined;
  const before = issues.count;

  const modelNode = map.get('model');
  // Without `model`, `vus` (and no rate or stages) can only mean the closed model.
  const impliesClosed = map.has('vus') && !map.has('rate') && !map.has('stages');
  const model = modelNode ? readEnum(modelNode, 'load.model', issues, ['open', 'closed'] as const) : impliesClosed ? 'closed' : SCENARIO_DEFAULTS.load.model;
  if (model === undefined) return undefined;
  for (const key of model === 'open' ? CLOSED_KEYS : OPEN_KEYS) {
    if (map.has(key)) issues.add(map.child(key), map.keyLine(key), `only for model: ${model === 'open' ? 'closed' : 'open'}`);
  }

  const warmupMs = optional(map, 'warmup', (n, p) => readDuration(n, p, issues, { positive: false, maxMs: SCENARIO_LIMITS.maxWarmupMs })) ?? SCENARIO_DEFAULTS.load.warmupMs;
  const gracefulStopMs = optional(map, 'gracefulStop', (n, p) => readDuration(n, p, issues, { positive: false, maxMs: SCENARIO_LIMITS.maxGracefulStopMs })) ?? SCENARIO_DEFAULTS.load.gracefulStopMs;
  const vus = model === 'closed' ? readVus(map, issues) : undefined;
  const connections = optional(map, 'connections', (n, p) => readInteger(n, p, issues, { min: 1, max: SCENARIO_LIMITS.maxConnections })) ?? vus ?? SCENARIO_DEFAULTS.load.connections;
  if (vus !== undefined && map.has('connections') && connections < vus) {
    issues.add('load.connections', map.get('connections')?.line, `must be at least vus (${vus}): each virtual user owns a connection, got ${connections}`);
  }
  const workers = readWorkers(map, issues, cores, connections);
  const redisConnections = optional(map, 'redisConnections', (n, p) => readInteger(n, p, issues, { min: 1, max: SCENARIO_LIMITS.maxRedisConnections })) ?? workers;
  if (redisConnections < workers) {
    issues.add('load.redisConnections', map.get('redisConnections')?.line, `must be at least the number of workers (${workers}): each worker needs its own Redis connection, got ${redisConnections}`);
  }

  if (model === 'closed') {
    const durationMs = readRunDuration(map, issues, 'required for the closed model, e.g. duration: 60s');
    const thinkTime = optional(map, 'thinkTime', (n, p) => readThinkTime(n, p, issues)) ?? { minMs: SCENARIO_DEFAULTS.load.thinkTimeMs, maxMs: SCENARIO_DEFAULTS.load.thinkTimeMs };
    if (issues.count > before || durationMs === undefined || vus === undefined) return undefined;
    return { model, durationMs, warmupMs, connections, redisConnections, workers, gracefulStopMs, vus, thinkTime };
  }

  const schedule = readSchedule(map, issues);
  const maxInFlight = optional(map, 'maxInFlight', (n, p) => readInteger(n, p, issues, { min: 1, max: SCENARIO_LIMITS.maxInFlight })) ?? connections;
  const poolTimeoutMs = optional(map, 'poolTimeout', (n, p) => readDuration(n, p, issues, { positive: true, maxMs: SCENARIO_LIMITS.maxPoolTimeoutMs })) ?? SCENARIO_DEFAULTS.load.poolTimeoutMs;
  if (issues.count > before || schedule === undefined) return undefined;
  return { model, durationMs: schedule.durationMs, warmupMs, connections, redisConnections, workers, gracefulStopMs, startRate: schedule.startRate, stages: schedule.stages, maxInFlight, poolTimeoutMs };
}

function optional<T>(map: MapReader, key: string, read: (node: SourceNode, path: string) => T | undefined): T | undefined {
  const node = map.get(key);
  return node === undefined ? undefined : read(node, map.child(key));
}

function readVus(map: MapReader, issues: Issues): number | undefined {
  const node = map.get('vus');
  if (node === undefined) {
    issues.add('load.vus', map.node.line, 'required for the closed model: the number of virtual users, e.g. vus: 50');
    return undefined;
  }
  return readInteger(node, 'load.vus', issues, { min: 1, max: SCENARIO_LIMITS.maxVus });
}

function readWorkers(map: MapReader, issues: Issues, cores: number, connections: number): number {
  const node = map.get('workers');
  if (node === undefined || (node.kind === 'scalar' && node.value === 'auto')) return autoWorkers(cores, connections);
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    issues.add('load.workers', node.line, `expected auto or a whole number, got ${describe(node)}`);
    return 1;
  }
  const workers = readInteger(node, 'load.workers', issues, { min: 1, max: SCENARIO_LIMITS.maxWorkers });
  if (workers === undefined) return 1;
  if (workers > connections) {
    issues.add('load.workers', node.line, `must not be more than connections (${connections}): each worker owns at least one connection, got ${workers}`);
  }
  return workers;
}

function readRunDuration(map: MapReader, issues: Issues, missing: string): number | undefined {
  const node = map.get('duration');
  if (node === undefined) {
    issues.add('load.duration', map.node.line, missing);
    return undefined;
  }
  return readDuration(node, 'load.duration', issues, { positive: true, maxMs: SCENARIO_LIMITS.maxDurationMs });
}

/** `0ms`, `20ms`, or a range `10ms..50ms` (uniformly drawn per iteration). */
function readThinkTime(node: SourceNode, path: string, issues: Issues): { minMs: number; maxMs: number } | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string' && node.value.includes('..')) {
    const [low, high] = node.value.split('..').map((s) => s.trim());
    const minMs = parseDuration(low ?? '');
    const maxMs = parseDuration(high ?? '');
    if (minMs === null || maxMs === null || node.value.split('..').length !== 2) {
      issues.add(path, node.line, `expected a duration like 10ms or a range like 10ms..50ms, got ${describe(node)}`);
      return undefined;
    }
    if (minMs < 0 || maxMs > SCENARIO_LIMITS.maxThinkTimeMs || minMs > maxMs) {
      issues.add(path, node.line, `must be a range from 0s to ${formatDuration(SCENARIO_LIMITS.maxThinkTimeMs)} with the lower end first, got ${describe(node)}`);
      return undefined;
    }
    return { minMs, maxMs };
  }
  const ms = readDuration(node, path, issues, { positive: false, maxMs: SCENARIO_LIMITS.maxThinkTimeMs });
  return ms === undefined ? undefined : { minMs: ms, maxMs: ms };
}

interface Schedule {
  readonly startRate: number;
  readonly stages: readonly RateStage[];
  readonly durationMs: number;
}

/** Open model: `rate` + `duration` (one constant stage), or `stages` (+ optional `startRate`). */
function readSchedule(map: MapReader, issues: Issues): Schedule | undefined {
  const rateNode = map.get('rate');
  const stagesNode = map.get('stages');
  const maxPerSec = SCENARIO_LIMITS.maxRatePerSec;
  if (rateNode !== undefined && stagesNode !== undefined) {
    issues.add('load.stages', map.keyLine('stages'), 'use either rate (a constant rate) or stages (a ramp), not both');
    return undefined;
  }
  if (rateNode !== undefined) {
    if (map.has('startRate')) issues.add('load.startRate', map.keyLine('startRate'), 'only with stages (a constant rate starts at its rate)');
    const rate = readRate(rateNode, 'load.rate', issues, { allowZero: false, maxPerSec });
    const durationMs = readRunDuration(map, issues, 'required with load.rate, e.g. duration: 60s');
    if (rate === undefined || durationMs === undefined) return undefined;
    return { startRate: rate, stages: [{ durationMs, targetRate: rate }], durationMs };
  }
  if (stagesNode === undefined) {
    issues.add('load.rate', map.node.line, 'the open model needs rate (e.g. rate: 2000/s with duration: 60s) or stages');
    return undefined;
  }
  if (map.has('duration')) {
    issues.add('load.duration', map.keyLine('duration'), 'not allowed with stages: the run lasts as long as its stages together');
  }
  const startRateNode = map.get('startRate');
  const startRate = startRateNode === undefined ? SCENARIO_DEFAULTS.load.startRate : readRate(startRateNode, 'load.startRate', issues, { allowZero: true, maxPerSec });
  if (stagesNode.kind !== 'seq') {
    issues.add('load.stages', stagesNode.line, `expected a list of { duration, target }, got ${describe(stagesNode)}`);
    return undefined;
  }
  if (stagesNode.items.length === 0 || stagesNode.items.length > SCENARIO_LIMITS.maxStages) {
    issues.add('load.stages', stagesNode.line, `must have from 1 to ${SCENARIO_LIMITS.maxStages} stages, got ${stagesNode.items.length}`);
    return undefined;
  }
  const stages: RateStage[] = [];
  stagesNode.items.forEach((item, i) => {
    const path = `load.stages[${i}]`;
    const stage = readMap(item, path, issues, STAGE_KEYS, 'a stage { duration, target }');
    if (!stage) return;
    const durationNode = stage.get('duration');
    const targetNode = stage.get('target');
    if (durationNode === undefined) issues.add(`${path}.duration`, item.line, 'required, e.g. duration: 30s');
    if (targetNode === undefined) issues.add(`${path}.target`, item.line, 'required: the rate at the end of the stage, e.g. target: 2000/s');
    const durationMs = durationNode && readDuration(durationNode, `${path}.duration`, issues, { positive: true, maxMs: SCENARIO_LIMITS.maxDurationMs });
    const targetRate = targetNode && readRate(targetNode, `${path}.target`, issues, { allowZero: true, maxPerSec });
    if (durationMs !== undefined && targetRate !== undefined) stages.push({ durationMs, targetRate });
  });
  if (stages.length !== stagesNode.items.length || startRate === undefined) return undefined;
  const durationMs = stages.reduce((sum, s) => sum + s.durationMs, 0);
  if (durationMs > SCENARIO_LIMITS.maxDurationMs) {
    issues.add('load.stages', stagesNode.line, `the stages last ${formatDuration(durationMs)} together; must be at most ${formatDuration(SCENARIO_LIMITS.maxDurationMs)}`);
    return undefined;
  }
  if (startRate === 0 && stages.every((s) => s.targetRate === 0)) {
    issues.add('load.stages', stagesNode.line, 'every stage targets 0/s: nothing would run');
    return undefined;
  }
  return { startRate, stages, durationMs };
}
