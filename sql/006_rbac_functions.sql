-- Permission checks, role changes and user lookup. Permission answers are computed live from user_roles (a few
-- primary-key probes); the materialized view is a bulk snapshot for cache warming, refreshed CONCURRENTLY.
SET LOCAL ROLE authbench_owner;

-- Live effective mask of one user: (0, NULL) when the user has no active role. valid_until is the earliest
-- expiry among the active grants, so a cache must not keep the mask past it.
CREATE FUNCTION auth.user_permission_mask(p_user_id bigint)
RETURNS TABLE (mask bigint, valid_until timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT coalesce(bit_or(1::bigint << p.bit_position), 0), min(ur.expires_at)
    FROM auth.user_roles ur
    JOIN auth.role_permissions rp ON rp.role_id = ur.role_id
    JOIN auth.permissions p ON p.id = rp.permission_id
    WHERE ur.user_id = p_user_id AND (ur.expires_at IS NULL OR ur.expires_at > now());
END;
$$;

-- Live masks of many users in one round trip (the Redis permission cache's loader). Users without an active
-- role are left out, meaning mask 0.
CREATE FUNCTION auth.user_permission_masks_of(p_user_ids bigint[])
RETURNS TABLE (user_id bigint, mask bigint, valid_until timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT ur.user_id, bit_or(1::bigint << p.bit_position), min(ur.expires_at)
    FROM auth.user_roles ur
    JOIN auth.role_permissions rp ON rp.role_id = ur.role_id
    JOIN auth.permissions p ON p.id = rp.permission_id
    WHERE ur.user_id = ANY (p_user_ids) AND (ur.expires_at IS NULL OR ur.expires_at > now())
    GROUP BY ur.user_id;
END;
$$;

-- One page of the materialized snapshot, in user_id order (keyset paging), for warming a cache in bulk.
-- Rows whose valid_until has passed are left out: they describe a grant that has since expired.
CREATE FUNCTION auth.permission_mask_snapshot(p_after_user_id bigint DEFAULT 0, p_limit integer DEFAULT 10000)
RETURNS TABLE (user_id bigint, mask bigint, valid_until timestamptz, computed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT m.user_id, m.mask, m.valid_until, m.computed_at
    FROM auth.user_permission_masks m
    WHERE m.user_id > p_after_user_id AND (m.valid_until IS NULL OR m.valid_until > now())
    ORDER BY m.user_id
    LIMIT p_limit;
END;
$$;

-- Refreshes the snapshot without blocking readers (needs the unique index on user_id).
CREATE FUNCTION auth.refresh_permission_masks() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
BEGIN
  REFRESH MATERIALIZED VIEW CONCURRENTLY auth.user_permission_masks;
END;
$$;

-- Does the user hold 'resource:action' now? Live (never stale): the same answer as user_permission_mask.
-- Unknown permission names are simply false.
CREATE FUNCTION auth.check_permission(p_user_id bigint, p_permission text)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
BEGIN
  RETURN EXISTS (
    SELECT 1
    FROM auth.permissions p
    JOIN auth.role_permissions rp ON rp.permission_id = p.id
    JOIN auth.user_roles ur ON ur.role_id = rp.role_id
    WHERE p.name = p_permission AND ur.user_id = p_user_id
      AND (ur.expires_at IS NULL OR ur.expires_at > now()));
END;
$$;

-- Role change announcements: listeners (a cache) learn the user id right after commit.
CREATE FUNCTION auth.notify_permissions_changed(p_user_id bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
  SELECT pg_notify('authbench_permissions_changed', p_user_id::text);
$$;

-- Grants a role (or moves its expiry). Returns the user's new live mask, for a write-through cache.
CREATE FUNCTION auth.grant_role(p_user_id bigint, p_role text, p_expires_at timestamptz DEFAULT NULL)
RETURNS TABLE (mask bigint, valid_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
DECLARE
  v_role smallint;
BEGIN
  SELECT r.id INTO v_role FROM auth.roles r WHERE r.name = p_role;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown role "%"', p_role USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO auth.user_roles (user_id, role_id, expires_at) VALUES (p_user_id, v_role, p_expires_at)
  ON CONFLICT (user_id, role_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, granted_at = now();
  INSERT INTO auth.security_events (event_type, user_id, details)
  VALUES ('role.grant', p_user_id, json_object('role': p_role, 'expires_at': p_expires_at RETURNING jsonb));
  PERFORM auth.notify_permissions_changed(p_user_id);
  RETURN QUERY SELECT * FROM auth.user_permission_mask(p_user_id);
END;
$$;

-- Revokes a role (no-op when not held). Returns the user's new live mask.
CREATE FUNCTION auth.revoke_role(p_user_id bigint, p_role text)
RETURNS TABLE (mask bigint, valid_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
#variable_conflict use_column
BEGIN
  DELETE FROM auth.user_roles ur USING auth.roles r
  WHERE ur.user_id = p_user_id AND ur.role_id = r.id AND r.name = p_role;
  IF FOUND THEN
    INSERT INTO auth.security_events (event_type, user_id, details)
    VALUES ('role.revoke', p_user_id, json_object('role': p_role RETURNING jsonb));
    PERFORM auth.notify_permissions_changed(p_user_id);
  END IF;
  RETURN QUERY SELECT * FROM auth.user_permission_mask(p_user_id);
END;
$$;

-- Bulk role assignment from a JSON array [{"user_id": 1, "role": "admin", "expires_at": null}, ...].
-- JSON_TABLE (PG17) turns the document into typed rows in one statement; unknown roles are an error.
CREATE FUNCTION auth.assign_roles(p_assignments jsonb) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
DECLARE
  v_count integer;
  v_unknown text;
BEGIN
  SELECT string_agg(DISTINCT a.role, ', ') INTO v_unknown
  FROM JSON_TABLE(p_assignments, '$[*]' COLUMNS (role text PATH '$.role')) a
  WHERE NOT EXISTS (SELECT 1 FROM auth.roles r WHERE r.name = a.role);
  IF v_unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown role(s): %', v_unknown USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO auth.user_roles (user_id, role_id, expires_at)
  SELECT a.user_id, r.id, a.expires_at
  FROM JSON_TABLE(p_assignments, '$[*]' COLUMNS (
         user_id    bigint      PATH '$.user_id' ERROR ON EMPTY ERROR ON ERROR,
         role       text        PATH '$.role' ERROR ON EMPTY,
         expires_at timestamptz PATH '$.expires_at')) a
  JOIN auth.roles r ON r.name = a.role
  ON CONFLICT (user_id, role_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, granted_at = now();
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM auth.notify_permissions_changed(a.user_id)
  FROM (SELECT DISTINCT user_id FROM JSON_TABLE(p_assignments, '$[*]' COLUMNS (user_id bigint PATH '$.user_id'))) a;
  RETURN v_count;
END;
$$;

-- User lookup: one JSON document (id, username, email, status, profile, timestamps, active roles) or NULL.
CREATE FUNCTION auth.user_document(p_user_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
BEGIN
  RETURN (
    SELECT JSON_OBJECT(
             'id': u.id::text, 'username': u.username, 'email': u.email, 'status': u.status,
             'profile': u.profile, 'created_at': u.created_at, 'updated_at': u.updated_at,
             'roles': coalesce((SELECT JSON_ARRAYAGG(r.name ORDER BY r.name RETURNING jsonb)
                                FROM auth.user_roles ur JOIN auth.roles r ON r.id = ur.role_id
                                WHERE ur.user_id = u.id AND (ur.expires_at IS NULL OR ur.expires_at > now())),
                               '[]'::jsonb)
             RETURNING jsonb)
    FROM auth.users u WHERE u.id = p_user_id);
END;
$$;

CREATE FUNCTION auth.lookup_user_by_id(p_user_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
BEGIN
  RETURN auth.user_document(p_user_id);
END;
$$;

-- By username, case-insensitively (the lower(username) unique index).
CREATE FUNCTION auth.lookup_user_by_username(p_username text) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, auth, pg_temp AS $$
BEGIN
  RETURN auth.user_document((SELECT u.id FROM auth.users u WHERE lower(u.username) = lower(p_username)));
END;
$$;

GRANT EXECUTE ON FUNCTION
  auth.user_permission_mask(bigint),
  auth.user_permission_masks_of(bigint[]),
  auth.permission_mask_snapshot(bigint, integer),
  auth.check_permission(bigint, text),
  auth.lookup_user_by_id(bigint),
  auth.lookup_user_by_username(text)
TO authbench_app;

-- Role changes are part of the benchmark's admin mix (cache invalidation under load), so the app may call them.
GRANT EXECUTE ON FUNCTION
  auth.grant_role(bigint, text, timestamptz),
  auth.revoke_role(bigint, text)
TO authbench_app;
