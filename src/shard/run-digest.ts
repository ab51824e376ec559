// The digest of what every shard of one run must share: scenario text, seed, schedule, mix, thresholds, dataset.
// Fields a shard divides (connections, workers, VUs, maxInFlight) are left out, so all shards of a run agree on it.
import { createHash } from 'node:crypto';
import type { Plan } from '../scenario/plan.js';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function runDigest(plan: Plan): string {
  const { connections: _c, redisConnections: _r, workers: _w, ...load } = plan.load as Plan['load'] & { maxInFlight?: number; vus?: number };
  const { maxInFlight: _m, vus: _v, ...shared } = load as typeof load & { maxInFlight?: number; vus?: number };
  const subject = {
    name: plan.name,
    text: plan.source.text,
    seed: plan.seed,
    dataset: plan.dataset,
    load: shared,
    mix: plan.mix,
    thresholds: plan.thresholds.map((t) => ({ ...t, file: undefined, line: undefined })),
    shards: plan.shard?.count ?? 1,
  };
  return createHash('sha256').update(canonical(subject)).digest('hex');
}
