// Warms the Redis caches before the load, so the measured window sees the steady state the scenario describes
// (e.g. session.validate's cacheHitRatio), not a cold start. Only for plans that use the auth schema.
import type { Plan } from '../scenario/plan.js';
import type { PreparedTarget } from './target-stage.js';

export interface WarmOptions {
  readonly log: (line: string) => void;
}

export async function warmCaches(_plan: Plan, _prepared: PreparedTarget, _opts: WarmOptions): Promise<void> {
  // Filled in with the auth operations: which users' sessions and permission masks are cached.
}
