// Connection checks for any target: reach PostgreSQL and Redis, read their versions and settings, and turn
// driver errors into InfrastructureErrors with a stable code, the redacted URL and what to do about it.
import pg from 'pg';
import { Redis } from 'ioredis';
import { InfraCode, InfrastructureError } from '../errors.js';
import { REPORTED_POSTGRES_SETTINGS } from './settings.js';
import { pgClientConfig, pgFallbackSsl, redisTlsOptions } from './tls.js';
import { probeServer } from './pg-probe.js';
import { connectRedisReady } from './redis-ready.js';
import { hostPort, redactUrl } from './url.js';

export const MIN_POSTGRES_MAJOR = 17;
const CONNECT_TIMEOUT_MS = 5_000;

/** Major version of a `server_version` string ('17.10', '15.18 (Debian 15.18-0+deb12u1)', '18beta1'). */
export function postgresMajor(serverVersion: string): number {
  const match = /^(\d+)/.exec(serverVersion.trim());
  if (!match) throw new Error(`unrecognised PostgreSQL version "${serverVersion}"`);
  return Number(match[1]);
}

/** Throws pgTooOld when the server is older than PostgreSQL 17. */
export function assertSupportedVersion(serverVersion: string, url: string): void {
  if (postgresMajor(serverVersion) < MIN_POSTGRES_MAJOR) {
    throw new InfrastructureError(InfraCode.pgTooOld, `authbench needs PostgreSQL ${MIN_POSTGRES_MAJOR} or newer; ${redactUrl(url)} runs ${serverVersion.split(' ')[0]}.`, {
      hint: 'Upgrade the server, or let authbench start its own PostgreSQL 17 (--target embedded).',
    });
  }
}

/** Maps a node-postgres connect error to an InfrastructureError naming the redacted URL. */
export function classifyPostgresError(err: unknown, url: string): InfrastructureError {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const where = `${hostPort(url)} (${redactUrl(url)})`;
  const cause = err;
  if (e.code === '28P01' || (e.code === '28000' && !/no encryption/i.test(message))) {
    return new InfrastructureError(InfraCode.pgAuthFailed, `PostgreSQL at ${where} rejected the credentials: ${message}.`, {
      hint: 'Check the user name and password in --pg-url / DATABASE_URL.',
      cause,
    });
  }
  if (e.code === '28000' && /no encryption/i.test(message)) {
    return new InfrastructureError(InfraCode.pgTlsRequired, `PostgreSQL at ${where} requires TLS: ${message}.`, {
      hint: 'Add ?sslmode=require (or sslmode=verify-full with sslrootcert=...) to the URL.',
      cause,
    });
  }
  if (/does not support SSL/i.test(message)) {
    return new InfrastructureError(InfraCode.pgTlsRequired, `The URL asks for TLS but PostgreSQL at ${where} does not support it.`, {
      hint: 'Remove sslmode from the URL or use sslmode=disable.',
      cause,
    });
  }
  if (/certificate|SSL|TLS/i.test(message) || /^(ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|CERT_)/.test(e.code ?? '')) {
    return new InfrastructureError(InfraCode.pgTlsRequired, `TLS handshake with PostgreSQL at ${where} failed: ${message}.`, {
      hint: 'Use sslmode=verify-full with the server CA (sslrootcert=...), or sslmode=no-verify to skip certificate checks.',
      cause,
    });
  }
  if (e.code === '3D000') {
    return new InfrastructureError(InfraCode.pgDatabaseMissing, `PostgreSQL at ${where}: ${message}.`, {
      hint: 'Create the database first (createdb) or name an existing one in the URL path.',
      cause,
    });
  }
  return new InfrastructureError(InfraCode.pgUnreachable, `Cannot reach PostgreSQL at ${where}: ${message || e.code || 'connection failed'}.`, {
    hint: 'Check that the server is running and the host, port and firewall allow the connection.',
    cause,
  });
}

export interface PostgresFacts {
  serverVersion: string;
  settings: Record<string, string>;
}

/**
 * Opens a client with a connect timeout; errors are classified (pgUnreachable, pgAuthFailed, pgTlsRequired, ...).
 * `source` (`--pg-url`, `DATABASE_URL`) is named when the server does not answer as PostgreSQL.
 */
export async function connectPostgres(url: string, source?: string): Promise<pg.Client> {
  const config = pgClientConfig(url);
  try {
    return await openPostgres(config);
  } catch (err) {
    // libpq's second attempt for sslmode=prefer / allow (src/target/tls.ts).
    const fallback = pgFallbackSsl(url, err);
    if (fallback === undefined) throw await explainPostgresError(err, url, source);
    return await openPostgres({ ...config, ssl: fallback }).catch(async (second: unknown) => {
      throw await explainPostgresError(second, url, source);
    });
  }
}

/** Driver messages of a server that never finished the PostgreSQL handshake: worth asking what else is there. */
const NOT_A_HANDSHAKE = /timeout expired|unexpected|invalid/i;

/** classifyPostgresError, but a server that did not speak PostgreSQL is probed: a Redis port or a dead server. */
async function explainPostgresError(err: unknown, url: string, source = '--pg-url'): Promise<InfrastructureError> {
  const e = err as { code?: string; message?: string };
  if (e.code !== undefined || !NOT_A_HANDSHAKE.test(e.message ?? '')) return classifyPostgresError(err, url);
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[(.*)\]$/, '$1'); // [::1] → ::1 for node:net
    port = Number(parsed.port || 5432);
  } catch {
    return classifyPostgresError(err, url);
  }
  const answer = await probeServer(host, port);
  const where = `${hostPort(url)} (${redactUrl(url)})`;
  if (answer === 'redis' || answer === 'other') {
    const like = answer === 'redis' ? 'answers like a Redis server' : 'answers, but not with the PostgreSQL protocol';
    return new InfrastructureError(InfraCode.pgNotPostgres, `${where} is not a PostgreSQL server: it ${like}.`, {
      hint: `Check the host and port in ${source}; PostgreSQL usually listens on 5432 (a Redis URL belongs in --redis-url).`,
      cause: err,
    });
  }
  if (answer === 'silent' && /timeout expired/i.test(e.message ?? '')) {
    return new InfrastructureError(InfraCode.pgNoAnswer, `PostgreSQL at ${where} accepted the connection but did not answer within ${CONNECT_TIMEOUT_MS / 1000} s.`, {
      hint: `Check that ${source} names a PostgreSQL server that is up (not paused or overloaded), not another service on that port.`,
      cause: err,
    });
  }
  return classifyPostgresError(err, url);
}

async function openPostgres(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'authbench' });
  // An error after connect (server shutdown) must not crash the process; queries still reject.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}

/** Connects, checks the version is >= 17 and reads the settings that matter to results. */
export async function checkPostgres(url: string): Promise<PostgresFacts> {
  const client = await connectPostgres(url);
  try {
    return await readPostgresFacts(client, url);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function readPostgresFacts(client: pg.Client, url: string): Promise<PostgresFacts> {
  const version = await client.query<{ server_version: string }>('SHOW server_version');
  const serverVersion = version.rows[0]?.server_version ?? 'unknown';
  assertSupportedVersion(serverVersion, url);
  const rows = await client.query<{ name: string; setting: string; unit: string | null }>(
    'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
    [REPORTED_POSTGRES_SETTINGS],
  );
  return { serverVersion, settings: Object.fromEntries(rows.rows.map((r) => [r.name, r.setting])) };
}

/** Schemas authbench's migrations own by name (the migration-tracking schema); only its ledger tables there are authbench's. */
export const AUTHBENCH_SCHEMAS: readonly string[] = ['authbench'];
/** Role that owns authbench's data schema (`auth`, sql/001): a schema it owns is authbench's, whatever its name. */
export const AUTHBENCH_OWNER_ROLE = 'authbench_owner';

/**
 * Every user object of the database authbench does not own, as `kind schema.name`: tables, partitioned tables,
 * views, materialized views, sequences, foreign tables, functions and procedures, enum/domain/range/composite types,
 * in any schema but the system ones and those owned by authbench_owner (so someone else's `auth` schema counts),
 * leaving out extension members. In the `authbench` schema only authbench's own ledger tables are excused
 * (schema_migrations with its checksum column, dataset with its fingerprint column, backup_fence with its phase
 * column: src/backup/fence.ts); anything else there is the user's.
 */
const FOREIGN_OBJECTS_SQL = `
  WITH user_ns AS (
    SELECT n.oid, n.nspname FROM pg_namespace n
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
       AND n.nspowner IS DISTINCT FROM (SELECT oid FROM pg_roles WHERE rolname = $2)
  ),
  ledger(relname, marker) AS (VALUES ('schema_migrations', 'checksum'), ('dataset', 'fingerprint'), ('backup_fence', 'phase')),
  objects AS (
    SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'type' END AS kind,
           format('%I.%I', n.nspname, c.relname) AS name
      FROM pg_class c JOIN user_ns n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
       AND NOT (n.nspname = ANY($1::text[]) AND c.relkind = 'r' AND EXISTS (
             SELECT 1 FROM ledger l JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = l.marker AND NOT a.attisdropped
              WHERE l.relname = c.relname))
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
           format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p JOIN user_ns n ON n.oid = p.pronamespace
     WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT 'type', format('%I.%I', n.nspname, t.typname)
      FROM pg_type t JOIN user_ns n ON n.oid = t.typnamespace
     WHERE t.typtype IN ('e', 'd', 'r', 'm')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  )
  SELECT kind, name FROM objects ORDER BY name LIMIT 4`;

/**
 * Refuses to touch a database that holds objects authbench does not own (FOREIGN_OBJECTS_SQL), unless allowNonEmpty.
 * Throws InfrastructureError databaseNotEmpty (exit 3): the target, not the input, is wrong.
 */
export async function assertDatabaseUsable(client: pg.Client, allowNonEmpty: boolean, ownSchemas: readonly string[] = AUTHBENCH_SCHEMAS): Promise<void> {
  if (allowNonEmpty) return;
  const found = await client.query<{ kind: string; name: string }>(FOREIGN_OBJECTS_SQL, [ownSchemas, AUTHBENCH_OWNER_ROLE]);
  if (found.rows.length === 0) return;
  const names = found.rows.slice(0, 3).map((r) => `${r.kind} ${r.name}`).join(', ');
  const db = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db ?? '?';
  throw new InfrastructureError(
    InfraCode.databaseNotEmpty,
    `Database "${db}" already holds objects authbench does not own (${names}${found.rows.length > 3 ? ', ...' : ''}); authbench will not write into it.`,
    { hint: 'Point authbench at an empty database, or pass --allow-non-empty to let it add its own schema next to them.' },
  );
}

/** Opens a Redis client that fails fast (no retries, no offline queue); connect + PING + SELECT within CONNECT_TIMEOUT_MS. */
export async function connectRedis(url: string, source?: string): Promise<Redis> {
  const client = new Redis(url, {
    ...redisTlsOptions(url),
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // A failed TLS handshake only reaches the 'error' event; connect() then says "Connection is closed".
  let lastError: unknown;
  client.on('error', (err) => (lastError = err));
  try {
    await connectRedisReady(client, url, { timeoutMs: CONNECT_TIMEOUT_MS, ...(source === undefined ? {} : { source }) });
  } catch (err) {
    client.disconnect();
    if (err instanceof InfrastructureError) throw err;
    throw classifyRedisError(lastError ?? err, url);
  }
  return client;
}

export function classifyRedisError(err: unknown, url: string): InfrastructureError {
  const message = (err as Error).message ?? String(err);
  const where = `${hostPort(url)} (${redactUrl(url)})`;
  // ioredis' ReplyError carries the command: for AUTH, the password itself.
  const command = (err as { command?: { name?: string; args?: unknown[] } }).command;
  if (command?.name?.toLowerCase() === 'auth' && Array.isArray(command.args)) command.args = command.args.map(() => '***');
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return new InfrastructureError(InfraCode.redisAuthFailed, `Redis at ${where} rejected the credentials: ${message}.`, {
      hint: 'Check the password (redis://:password@host:6379) or user in --redis-url / REDIS_URL.',
      cause: err,
    });
  }
  if (/certificate|SSL|TLS/i.test(message) || /^(ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY|CERT_)/.test((err as { code?: string }).code ?? '')) {
    return new InfrastructureError(InfraCode.redisUnreachable, `TLS handshake with Redis at ${where} failed: ${message}.`, {
      hint: 'Name the CA that signed the server certificate: rediss://host:port?tls_ca=/path/to/ca.pem.',
      cause: err,
    });
  }
  return new InfrastructureError(InfraCode.redisUnreachable, `Cannot reach Redis at ${where}: ${message}.`, {
    hint: 'Check that redis-server is running and the URL is right (use rediss:// for TLS).',
    cause: err,
  });
}

/** Connects, PINGs, checks the database index, and returns redis_version. `source` (`--redis-url`) is named in errors. */
export async function checkRedis(url: string, source?: string): Promise<{ redisVersion: string }> {
  const client = await connectRedis(url, source);
  try {
    const info = await client.info('server');
    return { redisVersion: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  } catch (err) {
    throw classifyRedisError(err, url);
  } finally {
    client.disconnect();
  }
}
