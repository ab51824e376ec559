// The permissions sql/003_rbac.sql seeds, in bit order: what rbac.check draws from and checks answers against.
// A test compares this list with the SQL file.

export const PERMISSIONS: readonly string[] = Object.freeze([
  'users:read', 'users:write', 'users:delete', 'users:lock',
  'profile:read', 'profile:write',
  'sessions:read', 'sessions:revoke', 'sessions:revoke_all',
  'roles:read', 'roles:assign',
  'audit:read', 'audit:export',
  'billing:read', 'billing:write', 'payments:read', 'payments:write', 'refunds:write',
  'orders:read', 'orders:write', 'catalog:read', 'catalog:write', 'inventory:write',
  'shipping:write', 'messages:send', 'search:query', 'reports:read', 'reports:export',
  'fraud:review', 'compliance:review', 'identity:verify', 'backups:run', 'metrics:read',
  'jobs:schedule', 'webhooks:manage', 'data:import', 'data:export',
]);
