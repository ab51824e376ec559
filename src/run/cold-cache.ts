// Makes the Redis layer cold before the load (`target.cache: cold`): every key under authbench's prefix is deleted,
// as after a Redis restart without persistence. Other keys on an external server are never touched.
import { connectRedis } from '../authdb/redis/index.js';
import { defaultPrefix } from '../authdb/redis/keys.js';

export interface ColdCacheOptions {
  readonly log: (line: string) => void;
  /** Key prefix of the Redis layer; default `ab:` (the workers' layer). */
  readonly prefix?: string;
}

/** Deletes every key under the prefix (SCAN + UNLINK, never FLUSHDB) and returns how many there were. */
export async function makeCacheCold(redisUrl: string, opts: ColdCacheOptions): Promise<number> {
  const redis = await connectRedis(redisUrl, { connectionName: 'authbench-cold', commandTimeoutMs: 10_000 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${opts.prefix ?? defaultPrefix}*`, 'COUNT', 1000);
      if (found.length > 0) deleted += await redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  opts.log(`Cold cache: deleted ${deleted} authbench keys from Redis; nothing warmed.`);
  return deleted;
}
