// Keeps invalidating writes (revocations, permission changes) that failed while Redis was unreachable and
// replays them on reconnect, so a cache that survived the outage cannot serve what the database has since revoked.
import type { Redis } from 'ioredis';
import { isUnavailableError } from './availability.js';
import type { KeySpace } from './keys.js';

export type InvalidationWrite = (redis: Redis) => Promise<unknown>;

export interface InvalidationReplay {
  add(write: InvalidationWrite): void;
  /** Writes waiting for Redis to come back. */
  pending(): number;
  /** Replays now (also runs on every 'ready'); resolves when the queue is drained or Redis fails again. */
  flush(): Promise<void>;
  dispose(): void;
}

/**
 * Beyond `maxPending` writes the queue stops growing and, on reconnect, every cached session and permission mask
 * under the prefix is deleted instead: the caches refill from the database, which holds the truth.
 */
export function createInvalidationReplay(redis: Redis, keys: KeySpace, maxPending = 100_000): InvalidationReplay {
  let queue: InvalidationWrite[] = [];
  let overflowed = false;
  let flushing: Promise<void> | undefined;

  async function purgeCaches(): Promise<void> {
    for (const pattern of [`${keys.prefix}sess:*`, `${keys.prefix}perm:*`]) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (found.length > 0) await redis.unlink(...found);
        cursor = next;
      } while (cursor !== '0');
    }
  }

  async function drain(): Promise<void> {
    try {
      if (overflowed) {
        await purgeCaches();
        overflowed = false;
        queue = [];
        return;
      }
      while (queue.length > 0) {
        const batch = queue;
        queue = [];
        const results = await Promise.allSettled(batch.map((write) => write(redis)));
        const failed = batch.filter((_, i) => results[i]?.status === 'rejected');
        if (failed.length > 0) {
          queue = failed.concat(queue);
          const reason = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
          // A server-side error on replay would repeat forever; only connection failures are retried.
          if (!isUnavailableError(reason)) queue = queue.slice(failed.length);
          return;
        }
      }
    } catch {
      // Redis went away again; the next 'ready' retries.
    }
  }

  const onReady = (): void => {
    void replay.flush();
  };
  redis.on('ready', onReady);

  const replay: InvalidationReplay = {
    add(write) {
      if (overflowed) return;
      if (queue.length >= maxPending) {
        overflowed = true;
        queue = [];
        return;
      }
      queue.push(write);
    },
    pending: () => (overflowed ? Number.POSITIVE_INFINITY : queue.length),
    flush() {
      if (queue.length === 0 && !overflowed) return Promise.resolve();
      flushing ??= drain().finally(() => (flushing = undefined));
      return flushing;
    },
    dispose() {
      redis.off('ready', onReady);
    },
  };
  return replay;
}
