// What the servers themselves say about the run window: pg_stat_statements and pg_stat_database deltas,
// peak connections (sampled by ConnectionSampler), and the Redis INFO delta. Read on the main thread's own
// admin connection, never on a worker's.
import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { ServerEvidence, StatementActivity } from '../results/types.js';
import type { ConnectionPeaks } from './connection-sampler.js';

interface StatementRow {
  queryid: string;
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
}

interface DatabaseCounters {
  commits: number;
  rollbacks: number;
  blocksHit: number;
  blocksRead: number;
}

/** One INFO reading. `runId` tells servers apart: a restarted redis-server counts from 0 again. */
export interface RedisCounters {
  readonly hits: number;
  readonly misses: number;
  readonly commands: number;
  readonly runId: string;
  readonly uptimeMs: number;
  /** When it was read, epoch ms. */
  readonly atMs: number;
}

export interface ServerSnapshot {
  readonly statements: ReadonlyMap<string, StatementRow> | null;
  readonly database: DatabaseCounters;
  readonly redis: RedisCounters | null;
}

/** Statements kept in results: the ones that took the most server time in the window. */
const TOP_STATEMENTS = 20;

async function readStatements(client: pg.Client): Promise<Map<string, StatementRow> | null> {
  try {
    const { rows } = await client.query<{ queryid: string; query: string; calls: string; total_ms: number; rows: string }>(
      `SELECT queryid::text AS queryid, query, calls::text AS calls, total_exec_time AS total_ms, rows::text AS rows
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return new Map(rows.map((r) => [r.queryid, { queryid: r.queryid, query: r.query, calls: Number(r.calls), totalMs: r.total_ms, rows: Number(r.rows) }]));
  } catch {
    // The extension is not installed in this database (a plain `sql` run on a user's database): no statement evidence.
    return null;
  }
}

async function readDatabase(client: pg.Client): Promise<DatabaseCounters> {
  // A new snapshot of the cumulative statistics, not the one cached for this transaction.
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ commits: string; rollbacks: string; hit: string; read: string }>(
    `SELECT xact_commit::text AS commits, xact_rollback::text AS rollbacks, blks_hit::text AS hit, blks_read::text AS read
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const r = rows[0];
  return { commits: Number(r?.commits ?? 0), rollbacks: Number(r?.rollbacks ?? 0), blocksHit: Number(r?.hit ?? 0), blocksRead: Number(r?.read ?? 0) };
}

function infoField(info: string, name: string): number {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

/** A reading that takes longer than this counts as failed: a hung (SIGSTOPped) Redis must not hold the run. */
const REDIS_READ_TIMEOUT_MS = 1000;

export async function readRedis(redis: Redis | null): Promise<RedisCounters | null> {
  if (!redis) return null;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('INFO timed out')), REDIS_READ_TIMEOUT_MS)));
    // Sections `server` (run_id, uptime) and `stats`, as one default INFO: a multi-section INFO needs Redis 7.
    const info = await Promise.race([redis.info(), timeout]);
    const runId = /^run_id:(\w+)/m.exec(info)?.[1] ?? '';
    return {
      hits: infoField(info, 'keyspace_hits'),
      misses: infoField(info, 'keyspace_misses'),
      commands: infoField(info, 'total_commands_processed'),
      runId,
      uptimeMs: infoField(info, 'uptime_in_seconds') * 1000,
      atMs: Date.now(),
    };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

export async function takeServerSnapshot(client: pg.Client, redis: Redis | null): Promise<ServerSnapshot> {
  const [statements, database, redisCounters] = [await readStatements(client), await readDatabase(client), await readRedis(redis)];
  return { statements, database, redis: redisCounters };
}

function statementDeltas(before: ServerSnapshot['statements'], after: ServerSnapshot['statements']): StatementActivity[] {
  if (!after) return [];
  const deltas: StatementActivity[] = [];
  for (const [id, a] of after) {
    const b = before?.get(id);
    const calls = a.calls - (b?.calls ?? 0);
    if (calls <= 0) continue;
    const totalMs = a.totalMs - (b?.totalMs ?? 0);
    deltas.push({ query: a.query, calls, totalMs, meanMs: totalMs / calls, rows: a.rows - (b?.rows ?? 0) });
  }
  return deltas.sort((x, y) => y.totalMs - x.totalMs).slice(0, TOP_STATEMENTS);
}

/**
 * The Redis INFO delta over the window from the readings in time order: the snapshot before the load, the readings
 * taken during it (`RedisSampler`), the snapshot after (null: Redis was unreachable then). Consecutive readings of one
 * server add up (last − first); a server that replaced it mid-run (new run_id) counts from its own start (0) when it
 * started inside the window, else from its first reading. What a failed server counted after its last reading is lost.
 * Null when Redis could not be read before the load.
 */
export function redisEvidence(before: RedisCounters | null, during: readonly RedisCounters[], after: RedisCounters | null): ServerEvidence['redis'] {
  if (!before) return null;
  const readings = [before, ...during, ...(after ? [after] : [])];
  let hits = 0;
  let misses = 0;
  let commands = 0;
  let serverChanges = 0;
  let first: Pick<RedisCounters, 'hits' | 'misses' | 'commands' | 'runId'> = before;
  let last = before;
  const close = (): void => {
    hits += last.hits - first.hits;
    misses += last.misses - first.misses;
    commands += last.commands - first.commands;
  };
  for (const r of readings.slice(1)) {
    if (r.runId !== last.runId) {
      close();
      serverChanges += 1;
      const startedInWindow = r.uptimeMs <= r.atMs - before.atMs;
      first = startedInWindow ? { hits: 0, misses: 0, commands: 0, runId: r.runId } : r;
    }
    last = r;
  }
  close();
  const lostAtEnd = after === null;
  return {
    keyspaceHits: hits,
    keyspaceMisses: misses,
    hitRatio: hits + misses > 0 ? hits / (hits + misses) : null,
    commandsProcessed: commands,
    ...(serverChanges > 0 || lostAtEnd ? { gaps: { serverChanges, lostAtEnd } } : {}),
  };
}

export function serverEvidence(before: ServerSnapshot, after: ServerSnapshot, peaks: ConnectionPeaks, redisReadings: readonly RedisCounters[] = []): ServerEvidence {
  const hit = after.database.blocksHit - before.database.blocksHit;
  const read = after.database.blocksRead - before.database.blocksRead;
  const redis = redisEvidence(before.redis, redisReadings, after.redis);
  return {
    connectionsPeak: peaks.connections,
    activeConnectionsPeak: peaks.active,
    connectionSamples: peaks.samples,
    ...(peaks.error !== undefined ? { connectionSamplingError: peaks.error } : {}),
    statements: statementDeltas(before.statements, after.statements),
    bufferHitRatio: hit + read > 0 ? hit / (hit + read) : null,
    commits: after.database.commits - before.database.commits,
    rollbacks: after.database.rollbacks - before.database.rollbacks,
    redis,
  };
}
