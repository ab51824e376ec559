-- Monitoring views for the run report and `authbench doctor`: top statements, connections by state, cache hit
-- ratio, relation sizes. security_invoker: each caller sees what its own privileges allow (pg_monitor sees all).
CREATE SCHEMA monitor AUTHORIZATION authbench_owner;
SET LOCAL ROLE authbench_owner;
REVOKE ALL ON SCHEMA monitor FROM PUBLIC;
GRANT USAGE ON SCHEMA monitor TO pg_monitor;

-- The statements of this database by total execution time.
CREATE VIEW monitor.top_statements WITH (security_invoker = true) AS
SELECT s.queryid,
       s.calls,
       round(s.total_exec_time::numeric, 3)  AS total_exec_ms,
       round(s.mean_exec_time::numeric, 4)   AS mean_exec_ms,
       round(s.stddev_exec_time::numeric, 4) AS stddev_exec_ms,
       s.rows,
       s.shared_blks_hit,
       s.shared_blks_read,
       s.wal_bytes,
       left(regexp_replace(s.query, '\s+', ' ', 'g'), 300) AS query
FROM public.pg_stat_statements s
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
ORDER BY s.total_exec_time DESC
LIMIT 50;

CREATE VIEW monitor.connections_by_state WITH (security_invoker = true) AS
SELECT coalesce(a.datname, '') AS database,
       coalesce(a.usename, '') AS username,
       a.backend_type,
       coalesce(a.state, '')   AS state,
       coalesce(a.wait_event_type, '') AS wait_event_type,
       count(*)::integer       AS connections
FROM pg_stat_activity a
GROUP BY 1, 2, 3, 4, 5
ORDER BY connections DESC;

-- Share of block reads served from shared buffers, for this database and for the auth tables and indexes.
CREATE VIEW monitor.cache_hit_ratio WITH (security_invoker = true) AS
SELECT 'database' AS scope,
       d.blks_hit, d.blks_read,
       round(d.blks_hit::numeric / nullif(d.blks_hit + d.blks_read, 0), 5) AS ratio
FROM pg_stat_database d WHERE d.datname = current_database()
UNION ALL
SELECT 'auth tables', sum(t.heap_blks_hit)::bigint, sum(t.heap_blks_read)::bigint,
       round(sum(t.heap_blks_hit) / nullif(sum(t.heap_blks_hit) + sum(t.heap_blks_read), 0), 5)
FROM pg_statio_all_tables t WHERE t.schemaname = 'auth'
UNION ALL
SELECT 'auth indexes', sum(i.idx_blks_hit)::bigint, sum(i.idx_blks_read)::bigint,
       round(sum(i.idx_blks_hit) / nullif(sum(i.idx_blks_hit) + sum(i.idx_blks_read), 0), 5)
FROM pg_statio_all_indexes i WHERE i.schemaname = 'auth';

-- Size of every auth relation; partitions are listed with their parent so growth per day is visible.
CREATE VIEW monitor.relation_sizes WITH (security_invoker = true) AS
SELECT n.nspname AS schema_name,
       c.relname AS relation,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'i' THEN 'index'
                      WHEN 'I' THEN 'partitioned index' WHEN 'm' THEN 'materialized view' ELSE c.relkind::text END AS kind,
       parent.relname AS parent,
       c.reltuples::bigint AS estimated_rows,
       pg_total_relation_size(c.oid) AS total_bytes,
       pg_relation_size(c.oid)       AS main_bytes,
       CASE WHEN c.relkind IN ('r', 'm') THEN pg_indexes_size(c.oid) END AS index_bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
LEFT JOIN pg_class parent ON parent.oid = i.inhparent
WHERE n.nspname = 'auth' AND c.relkind IN ('r', 'p', 'i', 'I', 'm')
ORDER BY pg_total_relation_size(c.oid) DESC;

GRANT SELECT ON ALL TABLES IN SCHEMA monitor TO pg_monitor;
