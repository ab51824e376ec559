-- Partition upkeep with an explicit reference instant: ensure_partitions and drop_expired_partitions take `as_of`
-- (default now()), so upkeep can be proven for a day weeks ahead without moving the server's clock, and a retention
-- policy (auth.set_retention) that caps session lifetimes at the session retention, so dropping a partition past it
-- never removes a live session. authbench runs these at provision, before each run and hourly during a run.
SET LOCAL ROLE authbench_owner;

DROP FUNCTION auth.ensure_partitions(integer, integer);
DROP FUNCTION auth.drop_expired_partitions();

-- Creates the missing day partitions of sessions (by jti range) and security_events (by occurred_at) from days_back
-- before as_of's UTC day to days_ahead after it. Idempotent and safe to call concurrently.
CREATE FUNCTION auth.ensure_partitions(days_ahead integer DEFAULT 1, days_back integer DEFAULT 1, as_of timestamptz DEFAULT now())
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
DECLARE
  day_start timestamptz;
  day_end   timestamptz;
  suffix    text;
BEGIN
  FOR i IN -days_back .. days_ahead LOOP
    day_start := (date_trunc('day', as_of AT TIME ZONE 'UTC') + make_interval(days => i)) AT TIME ZONE 'UTC';
    day_end   := day_start + interval '1 day';
    suffix    := to_char(day_start AT TIME ZONE 'UTC', 'YYYYMMDD');
    IF to_regclass('auth.sessions_p' || suffix) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE auth.%I PARTITION OF auth.sessions FOR VALUES FROM (%L) TO (%L) WITH (fillfactor = 90)',
                       'sessions_p' || suffix, auth.uuidv7_floor(day_start), auth.uuidv7_floor(day_end));
        RETURN NEXT 'auth.sessions_p' || suffix;
      EXCEPTION WHEN duplicate_table OR unique_violation THEN NULL; -- a concurrent caller made it
      END;
    END IF;
    IF to_regclass('auth.security_events_p' || suffix) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE TABLE auth.%I PARTITION OF auth.security_events FOR VALUES FROM (%L) TO (%L)',
                       'security_events_p' || suffix, day_start, day_end);
        RETURN NEXT 'auth.security_events_p' || suffix;
      EXCEPTION WHEN duplicate_table OR unique_violation THEN NULL;
      END;
    END IF;
  END LOOP;
END;
$$;

-- Drops session partitions whose day ended more than max_session_lifetime before as_of (every row in them is
-- expired, access and refresh) and audit partitions past audit_retention; purges expired rows that landed in the
-- sessions default partition. Returns what it dropped.
CREATE FUNCTION auth.drop_expired_partitions(as_of timestamptz DEFAULT now()) RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
DECLARE
  s       auth.settings;
  part    record;
  day_end timestamptz;
BEGIN
  SELECT * INTO STRICT s FROM auth.settings;
  FOR part IN
    SELECT c.relname, p.relname AS parent
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent
    WHERE i.inhparent IN ('auth.sessions'::regclass, 'auth.security_events'::regclass)
      AND c.relname ~ '_p[0-9]{8}$'
    ORDER BY c.relname
  LOOP
    day_end := (to_date(right(part.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') + interval '1 day';
    IF (part.parent = 'sessions' AND day_end + s.max_session_lifetime < as_of)
       OR (part.parent = 'security_events' AND day_end + s.audit_retention < as_of) THEN
      EXECUTE format('DROP TABLE auth.%I', part.relname);
      RETURN NEXT 'auth.' || part.relname;
    END IF;
  END LOOP;
  DELETE FROM auth.sessions_default WHERE greatest(expires_at, refresh_expires_at) < as_of;
END;
$$;

-- The retention policy: sessions (which also caps every session's and refresh token's life, so a session partition
-- past it holds only expired rows) and audit events. NULL keeps the current value.
CREATE FUNCTION auth.set_retention(p_sessions interval, p_audit interval) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
  UPDATE auth.settings
     SET max_session_lifetime = coalesce(justify_hours(p_sessions), max_session_lifetime),
         audit_retention      = coalesce(justify_hours(p_audit), audit_retention);
$$;
