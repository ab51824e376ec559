// The first exchange with a Redis server, bounded in time: connect, PING, and the database index of the URL really
// selected. A server that accepts and never answers, or a `/99` the server does not have, fails here with exit 3.
import type { Redis } from 'ioredis';
import { InfraCode, InfrastructureError } from '../errors.js';
import { redactSecrets } from './redact.js';

export interface RedisReadyOptions {
  /** Connect + first command, in total (ms). */
  timeoutMs: number;
  /** Where the URL came from (`--redis-url`, `REDIS_URL`), named in the hint. */
  source?: string;
}

/** The database index a redis:// URL selects (its path), 0 when absent. */
export function redisDatabaseOf(url: string): number {
  try {
    const db = new URL(url).pathname.replace(/^\//, '');
    return /^\d+$/.test(db) ? Number(db) : 0;
  } catch {
    return 0;
  }
}

function where(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'} (${redactSecrets(url)})`;
  } catch {
    return redactSecrets(url);
  }
}

/** Resolves `work`, or rejects with `onTimeout()` after `ms`; the timer never keeps the process alive. */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connects `client` (created with lazyConnect), PINGs it and checks the URL's database index was selected, all
 * within `timeoutMs`. Errors other than the two below are rethrown as they came (the caller classifies them).
 */
export async function connectRedisReady(client: Redis, url: string, opts: RedisReadyOptions): Promise<void> {
  const flag = opts.source ?? '--redis-url';
  const seconds = `${(opts.timeoutMs / 1000).toFixed(opts.timeoutMs % 1000 === 0 ? 0 : 1)} s`;
  const silent = (): InfrastructureError =>
    new InfrastructureError(InfraCode.redisNoAnswer, `Redis at ${where(url)} accepted the connection but did not answer within ${seconds} (connect and PING).`, {
      hint: `Check that ${flag} names a Redis server that is up and not paused (or a TLS server with rediss://), not another service on that port.`,
    });
  await withDeadline(
    (async () => {
      await client.connect();
      await client.ping();
    })(),
    opts.timeoutMs,
    silent,
  ).catch((err: unknown) => {
    client.disconnect();
    throw err;
  });
  const db = redisDatabaseOf(url);
  if (db === 0) return;
  // ioredis sends SELECT on connect but only emits 'error' when it fails, and every command then runs in db 0.
  try {
    await withDeadline(client.select(db), opts.timeoutMs, silent);
  } catch (err) {
    if (err instanceof InfrastructureError) {
      client.disconnect();
      throw err;
    }
    const count = await withDeadline(client.config('GET', 'databases'), opts.timeoutMs, silent).then(
      (reply) => (Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined),
      () => undefined,
    );
    client.disconnect();
    const has = count === undefined ? '' : ` (it has ${count} databases: 0 to ${Number(count) - 1})`;
    throw new InfrastructureError(InfraCode.redisDatabase, `Redis at ${where(url)} has no database ${db}${has}: ${(err as Error).message}.`, {
      hint: `Name an existing database index in ${flag} (redis://host:6379/0), or raise the server's \`databases\` setting.`,
    });
  }
}
