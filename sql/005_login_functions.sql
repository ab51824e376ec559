-- The login and session functions the load generator calls: one round trip each, SECURITY DEFINER with a pinned
-- search_path, PL/pgSQL so each session caches its plans (PG17 SQL functions re-plan every call).
SET LOCAL ROLE authbench_owner;

-- Begin login: the user's id, Argon2id PHC hash and state, by username or email (no writes; the caller verifies
-- the password). '@' picks the index, so exactly one unique-index probe. Zero rows: unknown login.
CREATE FUNCTION auth.begin_login(p_login text)
RETURNS TABLE (user_id bigint, password_hash text, status text, locked_until timestamptz, failed_attempts integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  IF strpos(p_login, '@') > 0 THEN
    RETURN QUERY
      SELECT u.id, c.password_hash, u.status, c.locked_until, c.failed_attempts
      FROM auth.users u JOIN auth.credentials c ON c.user_id = u.id
      WHERE lower(u.email) = lower(p_login);
  ELSE
    RETURN QUERY
      SELECT u.id, c.password_hash, u.status, c.locked_until, c.failed_attempts
      FROM auth.users u JOIN auth.credentials c ON c.user_id = u.id
      WHERE lower(u.username) = lower(p_login);
  END IF;
END;
$$;

-- Risk score 0..100 of a login attempt, from signals already at hand (no extra tables):
-- recent failures (+10 each, up to 50), an IP new for this user in the last day (+30), a locked account (+40),
-- not active (+20).
-- Not SECURITY DEFINER and no SET clause (saves a GUC save/restore per login): it is only called from the
-- definer functions below, whose search_path is pinned, and names every object with its schema.
CREATE FUNCTION auth.login_risk_score(p_user_id bigint, p_ip inet, p_failed_attempts integer, p_locked boolean, p_active boolean)
RETURNS smallint
LANGUAGE plpgsql STABLE AS $$
DECLARE
  score  integer := least(coalesce(p_failed_attempts, 0) * 10, 50);
  v_from uuid;
  v_to   uuid;
BEGIN
  IF p_locked THEN score := score + 40; END IF;
  IF NOT p_active THEN score := score + 20; END IF;
  IF p_ip IS NOT NULL THEN
    -- "New" = not seen in the user's sessions of the last day. The jti bounds (variables, so plan parameters)
    -- prune the scan to today's and yesterday's partitions instead of probing every partition's user_id index.
    v_from := auth.uuidv7_floor(now() - interval '1 day');
    v_to := auth.uuidv7_floor(now() + interval '1 minute');
    IF NOT EXISTS (SELECT 1 FROM auth.sessions s
                   WHERE s.user_id = p_user_id AND s.ip = p_ip AND s.jti >= v_from AND s.jti < v_to) THEN
      score := score + 30;
    END IF;
  END IF;
  RETURN least(score, 100);
END;
$$;

-- Finish login: records the verified outcome. Exactly one security event per call.
-- Outcomes: success | failure | locked (rejected, account locked) | disabled (status not active) | unknown_user.
-- Failures are counted under the credentials row lock (UPDATE ... WHERE not locked), so the lock is set by
-- exactly the Nth failure in the window however many arrive concurrently; attempts while locked are not counted.
-- The success path writes credentials only when there are failures to reset: usually one session + one event.
CREATE FUNCTION auth.finish_login(
  p_user_id bigint,
  p_password_ok boolean,
  p_ip inet DEFAULT NULL,
  p_user_agent text DEFAULT NULL,
  p_refresh_token_hash bytea DEFAULT NULL,
  p_session_ttl interval DEFAULT NULL
)
RETURNS TABLE (outcome text, jti uuid, expires_at timestamptz, refresh_expires_at timestamptz,
               locked boolean, locked_until timestamptz, failed_attempts integer, risk_score smallint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
DECLARE
  cfg       auth.settings;
  v_now     timestamptz := now();
  v_status  text;
  v_fails   integer;
  v_locked  timestamptz;
  v_event   text;
  v_jti     uuid;
  v_exp     timestamptz;
  v_rexp    timestamptz;
  v_risk    smallint;
BEGIN
  SELECT * INTO STRICT cfg FROM auth.settings;
  SELECT u.status, c.failed_attempts, c.locked_until INTO v_status, v_fails, v_locked
  FROM auth.credentials c JOIN auth.users u ON u.id = c.user_id
  WHERE c.user_id = p_user_id;

  IF NOT FOUND THEN
    outcome := 'unknown_user';
    v_event := 'login.unknown_user';
  ELSIF v_status <> 'active' THEN
    outcome := 'disabled';
    v_event := 'login.rejected_disabled';
  ELSIF v_locked > v_now THEN
    outcome := 'locked';
    v_event := 'login.rejected_locked';
  ELSIF p_password_ok THEN
    IF v_fails > 0 OR v_locked IS NOT NULL THEN
      UPDATE auth.credentials c
      SET failed_attempts = 0, failure_window_start = NULL, locked_until = NULL
      WHERE c.user_id = p_user_id AND (c.locked_until IS NULL OR c.locked_until <= v_now);
      IF NOT FOUND THEN -- a concurrent failure locked the account between the read and the update
        SELECT c.failed_attempts, c.locked_until INTO v_fails, v_locked FROM auth.credentials c WHERE c.user_id = p_user_id;
        outcome := 'locked';
        v_event := 'login.rejected_locked';
      END IF;
    END IF;
    IF outcome IS NULL THEN
      outcome := 'success';
      v_event := 'login.success';
    END IF;
  ELSE
    -- Every expression reads the target row itself: after waiting for a concurrent updater, PostgreSQL re-evaluates
    -- them on the newest row version (a self-join would see a stale copy and lose counts).
    -- A fresh window starts when there is none, the old one ended, or a previous lock has been served.
    UPDATE auth.credentials c
    SET failed_attempts = CASE WHEN c.failure_window_start IS NULL OR c.failure_window_start <= v_now - cfg.failure_window
                                    OR c.locked_until IS NOT NULL
                               THEN 1 ELSE c.failed_attempts + 1 END,
        failure_window_start = CASE WHEN c.failure_window_start IS NULL OR c.failure_window_start <= v_now - cfg.failure_window
                                         OR c.locked_until IS NOT NULL
                                    THEN v_now ELSE c.failure_window_start END,
        locked_until = CASE WHEN (CASE WHEN c.failure_window_start IS NULL OR c.failure_window_start <= v_now - cfg.failure_window
                                            OR c.locked_until IS NOT NULL
                                       THEN 1 ELSE c.failed_attempts + 1 END) >= cfg.max_failed_attempts
                            THEN v_now + cfg.lockout_duration END
    WHERE c.user_id = p_user_id AND (c.locked_until IS NULL OR c.locked_until <= v_now)
    RETURNING c.failed_attempts, c.locked_until INTO v_fails, v_locked;
    IF NOT FOUND THEN
      SELECT c.failed_attempts, c.locked_until INTO v_fails, v_locked FROM auth.credentials c WHERE c.user_id = p_user_id;
      outcome := 'locked';
      v_event := 'login.rejected_locked';
    ELSE
      outcome := 'failure';
      v_event := CASE WHEN v_locked IS NOT NULL THEN 'login.lockout' ELSE 'login.failure' END;
    END IF;
  END IF;

  locked := coalesce(v_locked > v_now, false);
  v_risk := auth.login_risk_score(p_user_id, p_ip, v_fails, locked, coalesce(v_status = 'active', false));

  IF outcome = 'success' THEN
    v_jti  := auth.uuidv7();
    v_exp  := v_now + least(coalesce(p_session_ttl, cfg.session_ttl), cfg.max_session_lifetime);
    v_rexp := CASE WHEN p_refresh_token_hash IS NOT NULL THEN v_now + least(cfg.refresh_ttl, cfg.max_session_lifetime) END;
    INSERT INTO auth.sessions (jti, user_id, issued_at, expires_at, ip, user_agent, refresh_token_hash, refresh_expires_at)
    VALUES (v_jti, p_user_id, v_now, v_exp, p_ip, p_user_agent, p_refresh_token_hash, v_rexp);
    v_fails := 0;
  END IF;

  INSERT INTO auth.security_events (occurred_at, event_type, user_id, ip, risk_score, session_jti)
  VALUES (v_now, v_event, p_user_id, p_ip, v_risk, v_jti);

  jti := v_jti;
  expires_at := v_exp;
  refresh_expires_at := v_rexp;
  locked_until := CASE WHEN locked THEN v_locked END;
  failed_attempts := coalesce(v_fails, 0);
  risk_score := v_risk;
  RETURN NEXT;
END;
$$;

-- Validate session: status valid | revoked | expired | unknown, by jti (one probe, pruned to one partition).
CREATE FUNCTION auth.validate_session(p_jti uuid)
RETURNS TABLE (status text, user_id bigint, expires_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_revoked timestamptz;
BEGIN
  SELECT s.user_id, s.expires_at, s.revoked_at INTO user_id, expires_at, v_revoked
  FROM auth.sessions s WHERE s.jti = p_jti;
  status := CASE WHEN NOT FOUND THEN 'unknown'
                 WHEN v_revoked IS NOT NULL THEN 'revoked'
                 WHEN expires_at <= now() THEN 'expired'
                 ELSE 'valid' END;
  RETURN NEXT;
END;
$$;

-- Refresh: rotates a refresh token. The old session is revoked and points at its replacement; the new one gets
-- a new jti and the new refresh token hash. Outcomes: rotated | unknown | invalid (hash mismatch) | expired |
-- revoked | reused (an already rotated token presented again: treated as theft, all the user's sessions revoked).
CREATE FUNCTION auth.refresh_session(
  p_jti uuid,
  p_refresh_token_hash bytea,
  p_new_refresh_token_hash bytea,
  p_ip inet DEFAULT NULL,
  p_user_agent text DEFAULT NULL,
  p_session_ttl interval DEFAULT NULL
)
RETURNS TABLE (outcome text, user_id bigint, jti uuid, expires_at timestamptz, refresh_expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
DECLARE
  cfg      auth.settings;
  v_now    timestamptz := now();
  v_new    uuid := auth.uuidv7();
  v_user   bigint;
  old      record;
BEGIN
  UPDATE auth.sessions s SET revoked_at = v_now, replaced_by = v_new
  WHERE s.jti = p_jti AND s.revoked_at IS NULL AND s.refresh_token_hash = p_refresh_token_hash
    AND s.refresh_expires_at > v_now
  RETURNING s.user_id INTO v_user;

  IF NOT FOUND THEN
    SELECT s.user_id, s.revoked_at, s.replaced_by, s.refresh_token_hash = p_refresh_token_hash AS hash_ok
    INTO old FROM auth.sessions s WHERE s.jti = p_jti;
    outcome := CASE WHEN old.user_id IS NULL THEN 'unknown'
                    WHEN NOT coalesce(old.hash_ok, false) THEN 'invalid'
                    WHEN old.replaced_by IS NOT NULL THEN 'reused'
                    WHEN old.revoked_at IS NOT NULL THEN 'revoked'
                    ELSE 'expired' END;
    user_id := old.user_id;
    IF outcome = 'reused' THEN
      UPDATE auth.sessions s SET revoked_at = v_now
      WHERE s.user_id = old.user_id AND s.revoked_at IS NULL;
    END IF;
    IF old.user_id IS NOT NULL THEN
      INSERT INTO auth.security_events (occurred_at, event_type, user_id, ip, risk_score, session_jti)
      VALUES (v_now, 'session.refresh_' || outcome, old.user_id, p_ip, CASE WHEN outcome = 'reused' THEN 90 ELSE 20 END, p_jti);
    END IF;
    RETURN NEXT;
    RETURN;
  END IF;

  SELECT * INTO STRICT cfg FROM auth.settings;
  expires_at := v_now + least(coalesce(p_session_ttl, cfg.session_ttl), cfg.max_session_lifetime);
  refresh_expires_at := v_now + least(cfg.refresh_ttl, cfg.max_session_lifetime);
  INSERT INTO auth.sessions (jti, user_id, issued_at, expires_at, ip, user_agent, refresh_token_hash, refresh_expires_at)
  VALUES (v_new, v_user, v_now, expires_at, p_ip, p_user_agent, p_new_refresh_token_hash, refresh_expires_at);
  INSERT INTO auth.security_events (occurred_at, event_type, user_id, ip, risk_score, session_jti)
  VALUES (v_now, 'session.refresh', v_user, p_ip, 0, v_new);
  outcome := 'rotated';
  user_id := v_user;
  jti := v_new;
  RETURN NEXT;
END;
$$;

-- Logout: revokes one jti. revoked is false when it was unknown or already revoked. expires_at lets the caller
-- keep a denylist entry exactly as long as the token could still be presented.
CREATE FUNCTION auth.revoke_session(p_jti uuid)
RETURNS TABLE (revoked boolean, user_id bigint, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  UPDATE auth.sessions s SET revoked_at = now()
  WHERE s.jti = p_jti AND s.revoked_at IS NULL
  RETURNING s.user_id, s.expires_at INTO user_id, expires_at;
  revoked := FOUND;
  IF revoked THEN
    INSERT INTO auth.security_events (event_type, user_id, session_jti) VALUES ('session.logout', user_id, p_jti);
  END IF;
  RETURN NEXT;
END;
$$;

-- Log out everywhere: revokes every live session of a user. revoked_before is the cut-off a token cache can use
-- ("tokens of this user issued before this instant are rejected").
CREATE FUNCTION auth.revoke_all_sessions(p_user_id bigint)
RETURNS TABLE (revoked_count integer, revoked_before timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  UPDATE auth.sessions s SET revoked_at = now()
  WHERE s.user_id = p_user_id AND s.revoked_at IS NULL
    AND greatest(s.expires_at, s.refresh_expires_at) > now();
  GET DIAGNOSTICS revoked_count = ROW_COUNT;
  revoked_before := now();
  INSERT INTO auth.security_events (event_type, user_id, details)
  VALUES ('session.revoke_all', p_user_id, json_object('revoked': revoked_count RETURNING jsonb));
  RETURN NEXT;
END;
$$;

GRANT EXECUTE ON FUNCTION
  auth.begin_login(text),
  auth.finish_login(bigint, boolean, inet, text, bytea, interval),
  auth.validate_session(uuid),
  auth.refresh_session(uuid, bytea, bytea, inet, text, interval),
  auth.revoke_session(uuid),
  auth.revoke_all_sessions(bigint)
TO authbench_app;
