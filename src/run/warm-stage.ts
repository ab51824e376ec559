// Warms the Redis caches before the load so the measured window sees the steady state the scenario describes: the
// caches the plan's operations ask for (`warms` in their files): the warm share of seeded sessions with the denylist
// of revoked ones (as logouts would have written it), and the warm share of users' permission masks.
import pg from 'pg';
import { pgClientConfig } from '../target/tls.js';
import { readPermissionMaskSnapshot, refreshPermissionSnapshot } from '../authdb/queries.js';
import type { PermissionGrant } from '../authdb/redis/index.js';
import { connectRedis, createRedisLayer, type CachedSession } from '../authdb/redis/index.js';
import { SeededDataset } from '../dataset/seeded-dataset.js';
import { isWarmPermissionUser, isWarmSession } from '../dataset/warm-set.js';
import { findOperation, type WarmRequest } from '../load/operations/index.js';
import type { Plan } from '../scenario/plan.js';
import type { PreparedTarget } from './target-stage.js';

export interface WarmOptions {
  readonly log: (line: string) => void;
}

/** The share of `cache` the first step that wants it warmed asks for (its operation's file says how), or undefined. */
function warmRatioOf(plan: Plan, cache: WarmRequest['cache']): number | undefined {
  for (const entry of plan.mix) {
    for (const step of entry.steps) {
      const warms = findOperation(step.op)?.warms;
      if (warms?.cache === cache) return warms.ratio(step.options);
    }
  }
  return undefined;
}

const DENYLIST_BATCH = 500;
const SNAPSHOT_PAGE = 10_000;

/** Every row of auth.user_permission_masks (keyset pages); users without a row hold no permission. */
async function readSnapshot(client: pg.Client): Promise<Map<string, PermissionGrant>> {
  const masks = new Map<string, PermissionGrant>();
  let after = '0';
  for (;;) {
    const page = await readPermissionMaskSnapshot(client, after, SNAPSHOT_PAGE);
    for (const row of page) masks.set(row.userId, { mask: row.mask, validUntilMs: row.validUntil?.getTime() ?? null });
    if (page.length < SNAPSHOT_PAGE) return masks;
    after = page[page.length - 1]!.userId;
  }
}

export async function warmCaches(plan: Plan, prepared: PreparedTarget, opts: WarmOptions): Promise<void> {
  const sessionRatio = warmRatioOf(plan, 'sessions');
  const permissionRatio = warmRatioOf(plan, 'permissions');
  if (sessionRatio === undefined && permissionRatio === undefined) return;
  const dataset = new SeededDataset(prepared.dataset);
  const seed = dataset.spec.seed;
  const redis = await connectRedis(prepared.target.redisUrl, { connectionName: 'authbench-warm', commandTimeoutMs: 10_000 });
  const layer = createRedisLayer(redis);
  try {
    if (sessionRatio !== undefined) {
      const warm: CachedSession[] = [];
      const revoked: { jti: string; expiresAtMs: number }[] = [];
      for (let i = 0; i < dataset.users; i++) {
        dataset.sessions(i).forEach((s, k) => {
          if (s.state === 'active' && isWarmSession(seed, i, k, sessionRatio)) warm.push({ jti: s.jti, userId: dataset.userId(i), expiresAtMs: s.expiresAtMs });
          else if (s.state === 'revoked') revoked.push({ jti: s.jti, expiresAtMs: s.expiresAtMs });
        });
      }
      const report = await layer.warmSessions(warm);
      for (let k = 0; k < revoked.length; k += DENYLIST_BATCH) {
        await Promise.all(revoked.slice(k, k + DENYLIST_BATCH).map((r) => layer.revokeToken(r.jti, r.expiresAtMs)));
      }
      opts.log(`Warmed ${report.cached} sessions (${(sessionRatio * 100).toFixed(0)} % of active ones) and denylisted ${revoked.length} revoked tokens.`);
    }
    if (permissionRatio !== undefined) {
      const users: string[] = [];
      for (let i = 0; i < dataset.users; i++) if (isWarmPermissionUser(seed, i, permissionRatio)) users.push(dataset.userId(i));
      const client = new pg.Client({ ...pgClientConfig(prepared.target.pgUrl), application_name: 'authbench-warm', connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        // As designed: the bulk fill reads the materialized snapshot (refreshed concurrently first, so it is current);
        // checks during the load read live masks on a miss, and role changes invalidate through LISTEN (permission-sync.ts).
        await refreshPermissionSnapshot(client);
        const snapshot = await readSnapshot(client);
        const report = await layer.warmPermissions(users, async (ids) => new Map(ids.flatMap((id) => (snapshot.has(id) ? [[id, snapshot.get(id)!] as const] : []))));
        opts.log(`Warmed the permission masks of ${report.cached} users (${(permissionRatio * 100).toFixed(0)} %).`);
      } finally {
        await client.end().catch(() => {});
      }
    }
  } finally {
    layer.dispose();
    redis.disconnect();
  }
}
