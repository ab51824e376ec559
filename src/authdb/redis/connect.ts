// Creates the ioredis client the layer expects: fails fast while Redis is down, reconnects in the background.
// The first connection failing is an InfrastructureError (exit 3) with the URL's password redacted.
import { Redis, type RedisOptions } from 'ioredis';
import { InfraCode, InfrastructureError } from '../../errors.js';
// A leaf module (node:fs + errors only): the one place URLs become TLS options, shared with the target checks.
import { redisTlsOptions } from '../../target/tls.js';
import { redactSecrets } from '../../target/redact.js';
import { connectRedisReady } from '../../target/redis-ready.js';

export interface ConnectRedisOptions {
  /** Give up on a TCP connect after this long (ms). Default 2000. */
  connectTimeoutMs?: number;
  /** A command without a reply after this long resolves as `unavailable` (ms). Default 500: 20x the P95 target. */
  commandTimeoutMs?: number;
  /** Ceiling of the background reconnect back-off (ms). Default 500. */
  maxReconnectDelayMs?: number;
  /** Called with every client 'error' event (connection refused, reset); default ignores them because checks count them. */
  onError?: (err: Error) => void;
  /** Connection name shown by CLIENT LIST. */
  connectionName?: string;
}

/** ioredis options for a hot path that must not queue behind a dead server. */
export function fastFailOptions(opts: ConnectRedisOptions = {}): RedisOptions {
  const maxDelay = opts.maxReconnectDelayMs ?? 500;
  return {
    // Commands issued while disconnected reject at once instead of waiting for a reconnect.
    enableOfflineQueue: false,
    // A command in flight when the connection drops is not re-sent: the caller has already fallen back.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: opts.connectTimeoutMs ?? 2_000,
    commandTimeout: opts.commandTimeoutMs ?? 500,
    // Never stop trying: the server may come back mid-run.
    retryStrategy: (attempt) => Math.min(attempt * 50, maxDelay),
    lazyConnect: true,
    // No auto-pipelining: on the login path commands rarely share a tick, and a Pipeline with its promises per batch
    // cost the client more CPU than the writes it saved (`npm run bench -- --only redis-client`, docs/benchmarks.md).
    ...(opts.connectionName ? { connectionName: opts.connectionName } : {}),
  };
}

/** `unix:///path/redis.sock` → the socket path (what the embedded target gives the load workers); else undefined. */
export function unixSocketPath(url: string): string | undefined {
  return url.startsWith('unix:///') ? decodeURIComponent(url.slice('unix://'.length)) : undefined;
}

/** Opens a client on `url` and waits for the first connection; throws InfrastructureError if it fails. */
export async function connectRedis(url: string, opts: ConnectRedisOptions = {}): Promise<Redis> {
  const socket = unixSocketPath(url);
  const client = socket ? new Redis({ ...fastFailOptions(opts), path: socket }) : new Redis(url, { ...fastFailOptions(opts), ...redisTlsOptions(url) });
  const onError = opts.onError ?? (() => {});
  // A failed TLS handshake only reaches the 'error' event; connect() then says "Connection is closed".
  let lastError: Error | undefined;
  // Without a listener ioredis prints every reconnect failure to stderr.
  client.on('error', (err: Error) => {
    lastError = err;
    onError(err);
  });
  try {
    // Bounded: a server that accepts and never answers must not hang the run; a missing /db index is an error.
    await connectRedisReady(client, url, { timeoutMs: (opts.connectTimeoutMs ?? 2_000) + (opts.commandTimeoutMs ?? 500) });
    return client;
  } catch (err) {
    client.disconnect();
    if (err instanceof InfrastructureError) throw err;
    // ioredis' ReplyError carries the command: for AUTH, the password itself.
    const command = (err as { command?: { name?: string; args?: unknown[] } }).command;
    if (command?.name?.toLowerCase() === 'auth' && Array.isArray(command.args)) command.args = command.args.map(() => '***');
    throw new InfrastructureError(
      InfraCode.redisUnreachable,
      `Redis at ${redactRedisUrl(url)} is unreachable: ${(lastError ?? (err as Error)).message}.`,
      { hint: 'Check that redis-server is running and the URL (host, port, password) is right.', cause: err },
    );
  }
}

/** The URL with any password replaced by `***`, for messages and files: the one rule of src/target/redact.ts. */
export function redactRedisUrl(url: string): string {
  return redactSecrets(url);
}
