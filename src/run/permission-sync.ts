// The permission design on the run's path: LISTEN for the role-change pg_notify (auth.notify_permissions_changed),
// invalidate that user's cached mask in Redis, tell the workers the new answer; and REFRESH the materialized snapshot
// CONCURRENTLY on a schedule, as a service keeping auth.user_permission_masks current would.
import pg from 'pg';
import { refreshPermissionSnapshot } from '../authdb/queries.js';
import { connectRedis, createRedisLayer, isUnavailable, type RedisLayer } from '../authdb/redis/index.js';
import { PermissionChangeAnnouncer } from '../load/permission-changes.js';
import { pgClientConfig } from '../target/tls.js';
import type { Redis } from 'ioredis';

export const PERMISSION_CHANNEL = 'authbench_permissions_changed';
/** The snapshot serves bulk warming only (checks read live masks), so once a minute is plenty. */
export const DEFAULT_SNAPSHOT_REFRESH_MS = 60_000;

export interface PermissionSyncStats {
  notifications: number;
  /** Invalidations Redis did not take at once (queued and replayed by the layer on reconnect). */
  invalidationsQueued: number;
  snapshotRefreshes: number;
  failures: number;
}

export class PermissionSync {
  readonly stats: PermissionSyncStats = { notifications: 0, invalidationsQueued: 0, snapshotRefreshes: 0, failures: 0 };
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly announcer = new PermissionChangeAnnouncer();

  private constructor(
    private readonly client: pg.Client,
    private readonly redis: Redis,
    private readonly layer: RedisLayer,
    private readonly onError: (err: Error) => void,
  ) {}

  static async start(opts: { pgUrl: string; redisUrl: string; refreshEveryMs?: number; onError: (err: Error) => void }): Promise<PermissionSync> {
    const client = new pg.Client({ ...pgClientConfig(opts.pgUrl), application_name: 'authbench-permission-sync', connectionTimeoutMillis: 10_000 });
    client.on('error', () => {}); // a server restart mid-run: the failures are counted, the load goes on
    await client.connect();
    const redis = await connectRedis(opts.redisUrl, { connectionName: 'authbench-permission-sync', commandTimeoutMs: 10_000 }).catch(async (err: unknown) => {
      await client.end().catch(() => {});
      throw err;
    });
    const sync = new PermissionSync(client, redis, createRedisLayer(redis), opts.onError);
    client.on('notification', (msg) => {
      if (msg.channel !== PERMISSION_CHANNEL || !msg.payload) return;
      const userId = msg.payload;
      sync.stats.notifications++;
      sync.enqueue(() => sync.invalidate(userId));
    });
    await client.query(`LISTEN ${PERMISSION_CHANNEL}`);
    sync.timer = setInterval(() => sync.enqueue(() => sync.refreshSnapshot()), opts.refreshEveryMs ?? DEFAULT_SNAPSHOT_REFRESH_MS);
    sync.timer.unref();
    return sync;
  }

  /** Stops listening and refreshing after the work already queued. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.chain;
    await this.client.end().catch(() => {});
    this.layer.dispose();
    this.redis.disconnect();
    this.announcer.close();
  }

  /** One at a time, in notification order: a later change of the same user is announced after an earlier one. */
  private enqueue(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((err: unknown) => {
      this.stats.failures++;
      this.onError(err instanceof Error ? err : new Error(String(err)));
    });
  }

  private async invalidate(userId: string): Promise<void> {
    const result = await this.layer.invalidateUsers([userId]);
    if (isUnavailable(result)) this.stats.invalidationsQueued++;
    // Read after the commit that notified: the user's mask now (or later, when another notification follows).
    const { rows } = await this.client.query<{ mask: string }>('SELECT mask FROM auth.user_permission_mask($1)', [userId]);
    this.announcer.announce({ userId, mask: rows[0]?.mask ?? '0' });
  }

  private async refreshSnapshot(): Promise<void> {
    await refreshPermissionSnapshot(this.client);
    this.stats.snapshotRefreshes++;
  }
}
