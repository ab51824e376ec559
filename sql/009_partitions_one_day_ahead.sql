-- Fewer session partitions, so a login's locks fit PostgreSQL's 16 fast-path slots. PL/pgSQL runs the "new IP" risk
-- check in finish_login with a generic plan, and PostgreSQL 17 locks every partition of a generic plan before
-- run-time pruning: with the 9 day partitions + default that migration 004 made, a login took 22 relation locks, 6 of
-- them through the shared lock table. Partitions now exist from yesterday to tomorrow (what the risk check reads and
-- what a day's logins write) and are kept current by auth.ensure_partitions(1, 1) at every run's start (authbench run,
-- authbench provision) — in production, from a daily job. Only empty future partitions are dropped here.
SET LOCAL ROLE authbench_owner;

DO $$
DECLARE
  part  record;
  empty boolean;
BEGIN
  FOR part IN
    SELECT c.relname
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent IN ('auth.sessions'::regclass, 'auth.security_events'::regclass)
      AND c.relname ~ '_p[0-9]{8}$'
      AND to_date(right(c.relname, 8), 'YYYYMMDD') > (now() AT TIME ZONE 'UTC')::date + 1
  LOOP
    EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM auth.%I)', part.relname) INTO empty;
    IF empty THEN
      EXECUTE format('DROP TABLE auth.%I', part.relname);
    END IF;
  END LOOP;
END;
$$;
