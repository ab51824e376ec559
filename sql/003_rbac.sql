-- Role-based access control: reference roles and permissions, grants to users (optionally expiring),
-- and each user's effective permissions as a bigint bitmask in a materialized view (bulk warming of the Redis cache).
SET LOCAL ROLE authbench_owner;

CREATE TABLE auth.roles (
  id          smallint PRIMARY KEY,
  name        text     NOT NULL UNIQUE,
  kind        text     NOT NULL CHECK (kind IN ('system', 'agent')),
  description text     NOT NULL
);

-- bit_position 0..62: a whole user's permission set fits one non-negative bigint (63 permissions is the ceiling;
-- bit 63 would make the mask negative, which JSON and Redis consumers mishandle).
CREATE TABLE auth.permissions (
  id           smallint PRIMARY KEY,
  name         text     NOT NULL UNIQUE CHECK (name ~ '^[a-z_]+:[a-z_]+$'),
  bit_position smallint NOT NULL UNIQUE CHECK (bit_position BETWEEN 0 AND 62),
  description  text     NOT NULL
);

CREATE TABLE auth.role_permissions (
  role_id       smallint NOT NULL REFERENCES auth.roles (id) ON DELETE CASCADE,
  permission_id smallint NOT NULL REFERENCES auth.permissions (id) ON DELETE CASCADE,
  PRIMARY KEY (role_id, permission_id)
);

CREATE TABLE auth.user_roles (
  user_id    bigint      NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  role_id    smallint    NOT NULL REFERENCES auth.roles (id) ON DELETE CASCADE,
  granted_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  -- Serves the live mask computation (all roles of one user) and grant/revoke.
  PRIMARY KEY (user_id, role_id)
);
-- Serves ON DELETE CASCADE from roles and "who has role X" (role changes are rare; the index is cheap).
CREATE INDEX user_roles_role_id_idx ON auth.user_roles (role_id);

INSERT INTO auth.roles (id, name, kind, description) VALUES
  (1, 'superadmin', 'system', 'Everything, including role administration'),
  (2, 'admin',      'system', 'Manage users and sessions'),
  (3, 'auditor',    'system', 'Read users, sessions and the audit log'),
  (4, 'support',    'system', 'Read users, revoke sessions, unlock accounts'),
  (5, 'user',       'system', 'Read and edit own profile and sessions');

INSERT INTO auth.roles (id, name, kind, description)
SELECT 100 + ord, 'agent_' || domain, 'agent', 'Automation agent for the ' || domain || ' domain'
FROM unnest(ARRAY[
  'billing', 'invoicing', 'payments', 'refunds', 'subscriptions', 'catalog', 'inventory', 'orders',
  'shipping', 'returns', 'support', 'chat', 'email', 'sms', 'push', 'search',
  'analytics', 'reporting', 'marketing', 'crm', 'fraud', 'risk', 'compliance', 'kyc',
  'identity', 'provisioning', 'backup', 'monitoring', 'scheduler', 'webhooks', 'import', 'export'
]) WITH ORDINALITY AS d(domain, ord);

INSERT INTO auth.permissions (id, name, bit_position, description)
SELECT ord, name, ord - 1, name
FROM unnest(ARRAY[
  'users:read', 'users:write', 'users:delete', 'users:lock',
  'profile:read', 'profile:write',
  'sessions:read', 'sessions:revoke', 'sessions:revoke_all',
  'roles:read', 'roles:assign',
  'audit:read', 'audit:export',
  'billing:read', 'billing:write', 'payments:read', 'payments:write', 'refunds:write',
  'orders:read', 'orders:write', 'catalog:read', 'catalog:write', 'inventory:write',
  'shipping:write', 'messages:send', 'search:query', 'reports:read', 'reports:export',
  'fraud:review', 'compliance:review', 'identity:verify', 'backups:run', 'metrics:read',
  'jobs:schedule', 'webhooks:manage', 'data:import', 'data:export'
]) WITH ORDINALITY AS p(name, ord);

INSERT INTO auth.role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM auth.roles r
JOIN auth.permissions p ON CASE r.name
  WHEN 'superadmin' THEN true
  WHEN 'admin'      THEN p.name NOT IN ('roles:assign', 'backups:run')
  WHEN 'auditor'    THEN p.name LIKE '%:read' OR p.name = 'audit:export'
  WHEN 'support'    THEN p.name IN ('users:read', 'users:lock', 'profile:read', 'sessions:read', 'sessions:revoke', 'orders:read', 'messages:send')
  WHEN 'user'       THEN p.name IN ('profile:read', 'profile:write', 'sessions:read', 'sessions:revoke')
  ELSE false
END;

-- Agents: each reads and writes its own area plus metrics:read (a deterministic mapping by domain keyword).
INSERT INTO auth.role_permissions (role_id, permission_id)
SELECT r.id, p.id
FROM auth.roles r
JOIN auth.permissions p
  ON p.name = 'metrics:read'
  OR split_part(p.name, ':', 1) = CASE substr(r.name, 7)
       WHEN 'invoicing' THEN 'billing' WHEN 'subscriptions' THEN 'billing' WHEN 'returns' THEN 'refunds'
       WHEN 'chat' THEN 'messages' WHEN 'email' THEN 'messages' WHEN 'sms' THEN 'messages' WHEN 'push' THEN 'messages'
       WHEN 'analytics' THEN 'reports' WHEN 'reporting' THEN 'reports' WHEN 'marketing' THEN 'reports'
       WHEN 'crm' THEN 'users' WHEN 'risk' THEN 'fraud' WHEN 'kyc' THEN 'identity' WHEN 'provisioning' THEN 'users'
       WHEN 'backup' THEN 'backups' WHEN 'monitoring' THEN 'metrics' WHEN 'scheduler' THEN 'jobs'
       WHEN 'import' THEN 'data' WHEN 'export' THEN 'data' WHEN 'support' THEN 'users'
       ELSE substr(r.name, 7) END
WHERE r.kind = 'agent'
ON CONFLICT DO NOTHING;

-- Effective permissions per user, as of the last refresh. Users without an active role have no row (mask 0).
-- valid_until is the earliest expiry among the active grants: the mask must not be trusted (or cached) past it.
CREATE MATERIALIZED VIEW auth.user_permission_masks AS
SELECT ur.user_id,
       bit_or(1::bigint << p.bit_position) AS mask,
       min(ur.expires_at)                 AS valid_until,
       now()                              AS computed_at
FROM auth.user_roles ur
JOIN auth.role_permissions rp ON rp.role_id = ur.role_id
JOIN auth.permissions p ON p.id = rp.permission_id
WHERE ur.expires_at IS NULL OR ur.expires_at > now()
GROUP BY ur.user_id;
-- Required for REFRESH ... CONCURRENTLY; also serves the paged warm-up read by user_id.
CREATE UNIQUE INDEX user_permission_masks_user_id_key ON auth.user_permission_masks (user_id);
