-- Cluster-wide roles (idempotent and race-tolerant: many databases in one cluster may apply this at once),
-- the `auth` schema owned by a NOLOGIN owner, and pg_stat_statements for the monitoring views.

DO $$
BEGIN
  -- A preloaded library is required for the view to return rows; fail here with a clear message, not at run time.
  IF current_setting('shared_preload_libraries') !~ '(^|[\s,])"?pg_stat_statements"?($|[\s,])' THEN
    RAISE EXCEPTION 'pg_stat_statements is not in shared_preload_libraries'
      USING HINT = 'Add shared_preload_libraries = ''pg_stat_statements'' to postgresql.conf and restart the server (the embedded and docker targets do this).';
  END IF;
END $$;

CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

DO $$
DECLARE
  role_sql text;
BEGIN
  FOREACH role_sql IN ARRAY ARRAY[
    'CREATE ROLE authbench_owner NOLOGIN',
    'CREATE ROLE authbench_app LOGIN NOINHERIT'
  ] LOOP
    BEGIN
      EXECUTE role_sql;
    -- Concurrent CREATE ROLE from another database raises unique_violation on pg_authid, not duplicate_object.
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END LOOP;
END $$;

CREATE SCHEMA IF NOT EXISTS auth AUTHORIZATION authbench_owner;
REVOKE ALL ON SCHEMA auth FROM PUBLIC;
GRANT USAGE ON SCHEMA auth TO authbench_app;

-- Functions are executable by PUBLIC by default; the app role gets EXECUTE on the API functions one by one.
-- (Not "IN SCHEMA": per-schema default privileges can only add to the built-in defaults, never remove.
-- Default privileges live in this database's catalog, so this is per database, not cluster-wide.)
ALTER DEFAULT PRIVILEGES FOR ROLE authbench_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
