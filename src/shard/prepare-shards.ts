// `authbench prepare FILE`: what every shard of a run would otherwise do N times, done once — provision (connect),
// migrate, seed (or reuse by fingerprint) and warm (or empty) the caches. Shards then only check the fingerprint.
import { makeCacheCold } from '../run/cold-cache.js';
import { prepareTarget, targetSpecOf } from '../run/target-stage.js';
import { warmCaches } from '../run/warm-stage.js';
import type { Plan } from '../scenario/plan.js';
import type { TargetSpec } from '../target/types.js';

export interface PrepareResult {
  readonly fingerprint: string;
  readonly reused: boolean;
}

export async function prepareForShards(plan: Plan, overrides: Partial<TargetSpec>, log: (line: string) => void, signal?: AbortSignal): Promise<PrepareResult> {
  const prepared = await prepareTarget(plan, targetSpecOf(plan, overrides), { log, ...(signal ? { signal } : {}) });
  try {
    if (plan.target.cache === 'cold') await makeCacheCold(prepared.target.redisUrl, { log });
    else if (prepared.schema) await warmCaches(plan, prepared, { log });
    log(prepared.schema ? `Prepared dataset ${prepared.seeded.fingerprint.slice(0, 12)}: shards of ${plan.source.file} can start.` : 'Nothing to seed for this scenario: shards can start.');
    return { fingerprint: prepared.seeded.fingerprint, reused: prepared.seeded.reused };
  } finally {
    await prepared.target[Symbol.asyncDispose]();
  }
}
