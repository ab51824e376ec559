-- finish_login, same behaviour, less work per call. Profiled under pgbench's reference login (perf with DWARF call
-- graphs, docs/benchmarks.md "PostgreSQL's share"), PL/pgSQL itself was most of the backend's CPU: each SQL statement
-- of a function pays executor start-up and shutdown per call, and each simple expression is prepared again in every
-- transaction (ExecInitExpr per expression, per login). The nested risk-score function alone was 17 % of the backends'
-- CPU. So this version makes 3 statements and about 13 expressions on the success path where the old one made 6
-- statements (one in a nested PL/pgSQL call) and about 30 expressions:
--   * the settings, the account's state and the "new IP" window (the jti bounds of the last day) in one SELECT;
--   * the session row's jti, expiry and refresh expiry computed inside its INSERT (RETURNING them);
--   * the risk score computed inside the audit event's INSERT. Its "new IP" check must not see the session this very
--     call just inserted (the old function checked before inserting), so it leaves out that jti.
-- Unchanged: the lockout UPDATEs (race-free at exactly N), one audit event per call, the score's rules and weights
-- (test/authdb/login.test.ts pins them), the jti bounds as plan parameters (partition pruning, sql/009).
SET LOCAL ROLE authbench_owner;

CREATE OR REPLACE FUNCTION auth.finish_login(
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
  v_now       timestamptz := now();
  v_max_fails integer;
  v_window    interval;
  v_lockout   interval;
  v_ttl       interval;
  v_max_life  interval;
  v_rttl      interval;
  v_from      uuid;
  v_to        uuid;
  v_status    text;
  v_fails     integer;
  v_locked    timestamptz;
  v_event     text;
BEGIN
  -- The one settings row, left-joined with the account (status is NOT NULL: a NULL status means no such user).
  SELECT s.max_failed_attempts, s.failure_window, s.lockout_duration, s.session_ttl, s.max_session_lifetime, s.refresh_ttl,
         auth.uuidv7_floor(v_now - interval '1 day'), auth.uuidv7_floor(v_now + interval '1 minute'),
         a.status, a.failed_attempts, a.locked_until
    INTO STRICT v_max_fails, v_window, v_lockout, v_ttl, v_max_life, v_rttl, v_from, v_to, v_status, v_fails, v_locked
    FROM auth.settings s
    LEFT JOIN (SELECT u.status, c.failed_attempts, c.locked_until
                 FROM auth.credentials c JOIN auth.users u ON u.id = c.user_id
                WHERE c.user_id = p_user_id) a ON true;

  IF v_status IS NULL THEN
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
    SET failed_attempts = CASE WHEN c.failure_window_start IS NULL OR c.failure_window_start <= v_now - v_window
                                    OR c.locked_until IS NOT NULL
                               THEN 1 ELSE c.failed_attempts + 1 END,
        failure_window_start = CASE WHEN c.failure_window_start IS NULL OR c.failure_window_start <= v_now - v_window
                                         OR c.locked_until IS NOT NULL
                                    THEN v_now ELSE c.failure_window_start END,
        locked_until = CASE WHEN (CASE WHEN c.failure_window_start IS NULL OR c.failure_window_start <= v_now - v_window
                                            OR c.locked_until IS NOT NULL
                                       THEN 1 ELSE c.failed_attempts + 1 END) >= v_max_fails
                            THEN v_now + v_lockout END
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

  IF outcome = 'success' THEN
    INSERT INTO auth.sessions (jti, user_id, issued_at, expires_at, ip, user_agent, refresh_token_hash, refresh_expires_at)
    VALUES (auth.uuidv7(), p_user_id, v_now, v_now + least(coalesce(p_session_ttl, v_ttl), v_max_life), p_ip, p_user_agent,
            p_refresh_token_hash, CASE WHEN p_refresh_token_hash IS NOT NULL THEN v_now + least(v_rttl, v_max_life) END)
    RETURNING jti, expires_at, refresh_expires_at INTO jti, expires_at, refresh_expires_at;
  END IF;

  -- Risk 0..100 (docs/database.md): recent failures +10 each up to 50, locked +40, not active +20, and +30 for an
  -- address not seen in the user's sessions of the last day — other than the session this call created.
  INSERT INTO auth.security_events (occurred_at, event_type, user_id, ip, risk_score, session_jti)
  SELECT v_now, v_event, p_user_id, p_ip,
         least(least(coalesce(v_fails, 0) * 10, 50)
               + CASE WHEN finish_login.locked THEN 40 ELSE 0 END
               + CASE WHEN v_status = 'active' THEN 0 ELSE 20 END
               + CASE WHEN p_ip IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM auth.sessions s
                         WHERE s.user_id = p_user_id AND s.ip = p_ip AND s.jti >= v_from AND s.jti < v_to
                           AND s.jti IS DISTINCT FROM finish_login.jti)
                      THEN 30 ELSE 0 END,
               100),
         finish_login.jti
  RETURNING risk_score INTO risk_score;

  locked_until := CASE WHEN locked THEN v_locked END;
  failed_attempts := CASE WHEN outcome = 'success' THEN 0 ELSE coalesce(v_fails, 0) END;
  RETURN NEXT;
END;
$$;

-- Its only caller was the old finish_login.
DROP FUNCTION auth.login_risk_score(bigint, inet, integer, boolean, boolean);
