// PostgreSQL's cumulative statistics read once an interval (pg_stat_wal, pg_stat_io, pg_stat_checkpointer, autovacuum
// workers) and turned into per-interval deltas. Backends flush these counters at most once a second, so a delta may
// hold a neighbour's share: read them per few seconds, not per exact second.
import type pg from 'pg';
import type { PostgresStatsPoint } from './types.js';

type Counters = Readonly<Record<string, number | null>>;

/** The one query for this server version (pg_stat_io is PostgreSQL 16+, pg_stat_checkpointer 17+; 18 moved WAL syncs). */
export function statsQuery(versionNum: number): string {
  const parts: string[] = [];
  if (versionNum >= 140000) {
    parts.push(versionNum >= 180000
      ? `(SELECT row_to_json(w) FROM (SELECT wal_records, wal_bytes::float8 AS wal_bytes, wal_buffers_full FROM pg_stat_wal) w) AS wal`
      : `(SELECT row_to_json(w) FROM (SELECT wal_records, wal_bytes::float8 AS wal_bytes, wal_buffers_full, wal_write, wal_sync, wal_write_time, wal_sync_time FROM pg_stat_wal) w) AS wal`);
  }
  if (versionNum >= 160000) {
    parts.push(`(SELECT row_to_json(i) FROM (SELECT sum(reads)::float8 AS reads, sum(writes)::float8 AS writes, sum(fsyncs)::float8 AS fsyncs,
      sum(read_time) AS read_time, sum(write_time) AS write_time FROM pg_stat_io) i) AS io`);
  }
  if (versionNum >= 170000) {
    parts.push(`(SELECT row_to_json(c) FROM (SELECT num_timed + num_requested AS checkpoints, write_time, sync_time, buffers_written FROM pg_stat_checkpointer) c) AS checkpointer`);
  }
  // One pass over the backends' status for both: the autovacuum workers, and the load's backends the wait sampler watches.
  parts.push(`(SELECT row_to_json(b) FROM (SELECT count(*) FILTER (WHERE a.backend_type = 'autovacuum worker')::int AS autovacuum,
      coalesce(array_agg(a.pid) FILTER (WHERE a.backend_type = 'client backend' AND a.application_name ~ '^authbench-(s[0-9]+-)?w[0-9]+$'), '{}') AS load_pids
      FROM pg_stat_get_activity(NULL) a) b) AS backends`);
  return `SELECT ${parts.join(',\n ')}`;
}

export interface PgStatsReading {
  readonly counters: Counters;
  readonly autovacuumWorkers: number;
  /** The load's backends (application_name `authbench-w<N>` or `authbench-s<K>-w<N>`) at the reading. */
  readonly loadPids: readonly number[];
}

/**
 * One round trip, prepared once per connection (planning it cost the server more than running it). Outside a
 * transaction each statement takes a fresh snapshot of the cumulative statistics (stats_fetch_consistency caches them
 * only until the transaction ends), so no pg_stat_clear_snapshot() is needed first.
 */
export async function readPgStats(client: pg.Client, query: string): Promise<PgStatsReading> {
  const { rows } = await client.query<{ wal?: Counters | null; io?: Counters | null; checkpointer?: Counters | null; backends: { autovacuum: number; load_pids: number[] } | null }>({
    name: 'authbench-pg-stats',
    text: query,
  });
  const r = rows[0];
  const counters: Record<string, number | null> = {};
  for (const [prefix, group] of [['wal', r?.wal], ['io', r?.io], ['checkpointer', r?.checkpointer]] as const) {
    for (const [k, v] of Object.entries(group ?? {})) counters[`${prefix}.${k}`] = v === null ? null : Number(v);
  }
  return { counters, autovacuumWorkers: Number(r?.backends?.autovacuum ?? 0), loadPids: (r?.backends?.load_pids ?? []).map(Number) };
}

const FIELDS: readonly (readonly [keyof PostgresStatsPoint, string])[] = [
  ['walRecords', 'wal.wal_records'],
  ['walBytes', 'wal.wal_bytes'],
  ['walBuffersFull', 'wal.wal_buffers_full'],
  ['walWrites', 'wal.wal_write'],
  ['walSyncs', 'wal.wal_sync'],
  ['walWriteTimeMs', 'wal.wal_write_time'],
  ['walSyncTimeMs', 'wal.wal_sync_time'],
  ['ioReads', 'io.reads'],
  ['ioWrites', 'io.writes'],
  ['ioFsyncs', 'io.fsyncs'],
  ['ioReadTimeMs', 'io.read_time'],
  ['ioWriteTimeMs', 'io.write_time'],
  ['checkpoints', 'checkpointer.checkpoints'],
  ['checkpointWriteTimeMs', 'checkpointer.write_time'],
  ['checkpointSyncTimeMs', 'checkpointer.sync_time'],
  ['checkpointBuffersWritten', 'checkpointer.buffers_written'],
];

/** Deltas of the counters both readings have; a counter that went backwards (a stats reset) is left out. */
export function pgStatsDelta(a: PgStatsReading, b: PgStatsReading): PostgresStatsPoint {
  const out: Record<string, number> = {};
  for (const [field, key] of FIELDS) {
    const x = a.counters[key];
    const y = b.counters[key];
    if (typeof x !== 'number' || typeof y !== 'number' || y < x) continue;
    out[field] = Math.round((y - x) * 1000) / 1000;
  }
  out.autovacuumWorkers = b.autovacuumWorkers;
  return out;
}
