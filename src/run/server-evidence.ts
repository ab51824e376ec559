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

interface RedisCounters {
  hits: number;
  misses: number;
  commands: number;
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

async function readRedis(redis: Redis | null): Promise<RedisCounters | null> {
  if (!redis) return null;
  try {
    const info = await redis.info('stats');
    return { hits: infoField(info, 'keyspace_hits'), misses: infoField(info, 'keyspace_misses'), commands: infoField(info, 'total_commands_processed') };
  } catch {
    return null;
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

export function serverEvidence(before: ServerSnapshot, after: ServerSnapshot, peaks: ConnectionPeaks): ServerEvidence {
  const hit = after.database.blocksHit - before.database.blocksHit;
  const read = after.database.blocksRead - before.database.blocksRead;
  let redis: ServerEvidence['redis'] = null;
  if (before.redis && after.redis) {
    const hits = after.redis.hits - before.redis.hits;
    const misses = after.redis.misses - before.redis.misses;
    redis = { keyspaceHits: hits, keyspaceMisses: misses, hitRatio: hits + misses > 0 ? hits / (hits + misses) : null, commandsProcessed: after.redis.commands - before.redis.commands };
  }
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
