-- Sessions (one row per issued JWT) and the append-only security event log, both partitioned by day so
-- expiry is DROP TABLE of old partitions, never a DELETE storm. Default partitions catch anything out of range.
SET LOCAL ROLE authbench_owner;

-- UUIDv7: the first 48 bits are Unix milliseconds, so jti order is issue-time order. That lets sessions be
-- range-partitioned by jti itself (a lookup by jti prunes to one partition) and keeps PK inserts at the
-- right edge of the btree (few full-page writes, unlike random v4 uuids).
-- No SET clause: it would stop inlining and make each call plan a SQL function (~8x slower on the login path);
-- the body uses only pg_catalog, which is always searched first.
CREATE FUNCTION auth.uuidv7(ts timestamptz DEFAULT clock_timestamp()) RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid;
$$;

-- Smallest UUIDv7 of a millisecond: the partition bound for a day. STABLE, not IMMUTABLE: extract() from a
-- timestamptz is STABLE, and a function marked stricter than its body is never inlined.
CREATE FUNCTION auth.uuidv7_floor(ts timestamptz) RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(substring(int8send(floor(extract(epoch FROM ts) * 1000)::bigint) FROM 3) || '\x00000000000000000000'::bytea, 'hex')::uuid;
$$;

-- No FK to users: a FK check takes FOR KEY SHARE on the user's row on every login, dirtying the users heap
-- (and creating multixacts under concurrent logins of one user). Rows age out by partition drop instead.
CREATE TABLE auth.sessions (
  jti                uuid        NOT NULL,
  user_id            bigint      NOT NULL,
  issued_at          timestamptz NOT NULL DEFAULT now(),
  expires_at         timestamptz NOT NULL,
  revoked_at         timestamptz,
  ip                 inet,
  user_agent         text,
  -- sha256 of the refresh token; the token itself is "<jti>.<secret>", so it is found by jti (no extra index).
  refresh_token_hash bytea,
  refresh_expires_at timestamptz,
  -- Set when the refresh token was rotated: presenting it again is a replay.
  replaced_by        uuid,
  -- Serves validate_session, refresh and logout (one probe in one partition).
  PRIMARY KEY (jti)
) PARTITION BY RANGE (jti);
-- Serves revoke-all (log out everywhere) and the "new IP" risk signal at login.
CREATE INDEX sessions_user_id_idx ON auth.sessions (user_id);
CREATE TABLE auth.sessions_default PARTITION OF auth.sessions DEFAULT;

-- Append-only audit log. No indexes: the hottest write of the system appends here, and nothing on the hot path
-- reads it (risk signals come from credentials and sessions). Day partitions give time-range pruning for forensics.
-- No FK to users for the same reason as sessions, and because audit must outlive deleted users.
CREATE TABLE auth.security_events (
  occurred_at timestamptz NOT NULL DEFAULT now(),
  event_type  text        NOT NULL,
  user_id     bigint,
  ip          inet,
  risk_score  smallint    NOT NULL DEFAULT 0,
  session_jti uuid,
  details     jsonb
) PARTITION BY RANGE (occurred_at);
CREATE TABLE auth.security_events_default PARTITION OF auth.security_events DEFAULT;

CREATE FUNCTION auth.reject_audit_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'auth.security_events is append-only (% rejected)', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'Old events are removed only by dropping whole partitions (auth.drop_expired_partitions).';
END;
$$;
-- Row triggers are cloned to every partition, so direct writes to a partition are rejected too.
CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE ON auth.security_events
  FOR EACH ROW EXECUTE FUNCTION auth.reject_audit_change();
CREATE TRIGGER security_events_no_truncate BEFORE TRUNCATE ON auth.security_events
  FOR EACH STATEMENT EXECUTE FUNCTION auth.reject_audit_change();
REVOKE UPDATE, DELETE, TRUNCATE ON auth.security_events FROM PUBLIC, authbench_owner;

-- Creates the day partitions of sessions (by jti range) and security_events (by occurred_at) from
-- days_back before today (UTC) to days_ahead after it. Idempotent and safe to call concurrently.
CREATE FUNCTION auth.ensure_partitions(days_ahead integer DEFAULT 7, days_back integer DEFAULT 1)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
DECLARE
  day_start timestamptz;
  day_end   timestamptz;
  suffix    text;
BEGIN
  FOR i IN -days_back .. days_ahead LOOP
    day_start := (date_trunc('day', now() AT TIME ZONE 'UTC') + make_interval(days => i)) AT TIME ZONE 'UTC';
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

-- Drops session partitions whose every row is past max_session_lifetime and audit partitions past
-- audit_retention; purges expired rows that landed in the sessions default partition. Returns what it dropped.
CREATE FUNCTION auth.drop_expired_partitions() RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
DECLARE
  s    auth.settings;
  part record;
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
  LOOP
    day_end := (to_date(right(part.relname, 8), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') + interval '1 day';
    IF (part.parent = 'sessions' AND day_end + s.max_session_lifetime < now())
       OR (part.parent = 'security_events' AND day_end + s.audit_retention < now()) THEN
      EXECUTE format('DROP TABLE auth.%I', part.relname);
      RETURN NEXT 'auth.' || part.relname;
    END IF;
  END LOOP;
  DELETE FROM auth.sessions_default WHERE greatest(expires_at, refresh_expires_at) < now();
END;
$$;

SELECT count(*) FROM auth.ensure_partitions();
