// Hand-built plans for load-engine tests: the smallest valid Plan for an open or closed `sql` / `redis` run.
import type { LoadPlan, MixEntry, Plan } from '../../src/scenario/plan.js';

export interface TestLoad {
  model?: 'open' | 'closed';
  rate?: number;
  durationMs?: number;
  warmupMs?: number;
  connections?: number;
  workers?: number;
  vus?: number;
  maxInFlight?: number;
  poolTimeoutMs?: number;
  thinkTime?: { minMs: number; maxMs: number };
  gracefulStopMs?: number;
}

export function testLoad(opts: TestLoad = {}): LoadPlan {
  const common = {
    durationMs: opts.durationMs ?? 2000,
    warmupMs: opts.warmupMs ?? 0,
    connections: opts.connections ?? 4,
    redisConnections: 1,
    workers: opts.workers ?? 2,
    gracefulStopMs: opts.gracefulStopMs ?? 2000,
  };
  if (opts.model === 'closed') {
    return { ...common, model: 'closed', vus: opts.vus ?? common.connections, thinkTime: opts.thinkTime ?? { minMs: 0, maxMs: 0 } };
  }
  const rate = opts.rate ?? 100;
  return {
    ...common,
    model: 'open',
    startRate: rate,
    stages: [{ durationMs: common.durationMs, targetRate: rate }],
    maxInFlight: opts.maxInFlight ?? common.connections,
    poolTimeoutMs: opts.poolTimeoutMs ?? 5000,
  };
}

export const selectOne: MixEntry = { name: 'select-1', weight: 1, steps: [{ op: 'sql', params: {}, options: { query: 'SELECT 1', params: [], prepared: true } }] };

export function testPlan(load: LoadPlan, mix: readonly MixEntry[] = [selectOne], name = 'test'): Plan {
  return {
    name,
    description: 'load engine test',
    source: { file: `${name}.yaml`, text: '' },
    seed: 42,
    target: { kind: 'external', synchronousCommit: true, serverSettings: {}, allowNonEmpty: true },
    dataset: { users: 100, seed: 1, sessionsPerUser: 1, revokedShare: 0.05, agentShare: 0.02 },
    load,
    mix,
    thresholds: [],
  };
}
