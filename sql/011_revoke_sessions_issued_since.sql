-- Log out everywhere, for the sessions issued since an instant, naming each one it revoked: the caller denylists every
-- token in Redis for as long as it could still be presented, as a logout does with auth.revoke_session's expires_at.
-- The lower bound is a jti bound (jti is a UUIDv7), so only the partitions since p_since are read; the load generator's
-- session.revoke-all passes its load's start, so the seeded sessions other operations check stay as the dataset says.
SET LOCAL ROLE authbench_owner;

CREATE FUNCTION auth.revoke_sessions_issued_since(p_user_id bigint, p_since timestamptz)
RETURNS TABLE (jti uuid, expires_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_from  uuid := auth.uuidv7_floor(p_since);
  v_count integer;
BEGIN
  RETURN QUERY
    UPDATE auth.sessions s SET revoked_at = now()
    WHERE s.user_id = p_user_id AND s.jti >= v_from AND s.revoked_at IS NULL
      AND greatest(s.expires_at, s.refresh_expires_at) > now()
    RETURNING s.jti, s.expires_at;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  INSERT INTO auth.security_events (event_type, user_id, details)
  VALUES ('session.revoke_all', p_user_id, json_object('revoked': v_count, 'since': p_since RETURNING jsonb));
END;
$$;

GRANT EXECUTE ON FUNCTION auth.revoke_sessions_issued_since(bigint, timestamptz) TO authbench_app;
