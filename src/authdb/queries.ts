// Typed calls to the auth database's SQL functions (sql/005, sql/006): one named prepared statement, one round
// trip each. These run on the load generator's hot path, as the application role (EXECUTE only, no table access).
import type pg from 'pg';
import { PreparedStatement, type RawRow } from './prepared-statement.js';

/** A user id as PostgreSQL prints a bigint: decimal text (exact beyond 2^53). */
export type UserId = string;
export type UserStatus = 'active' | 'disabled' | 'pending';

export interface LoginRecord {
  userId: UserId;
  /** Argon2id PHC string; the caller verifies the password against it. */
  passwordHash: string;
  status: UserStatus;
  lockedUntil: Date | null;
  failedAttempts: number;
}

export type LoginOutcome = 'success' | 'failure' | 'locked' | 'disabled' | 'unknown_user';

export interface FinishLoginInput {
  userId: UserId;
  /** Result of verifying the password against LoginRecord.passwordHash. */
  passwordOk: boolean;
  ip?: string | null;
  userAgent?: string | null;
  /** sha256 of the refresh secret (see refresh-token.ts); null issues no refresh token. */
  refreshTokenHash?: Buffer | null;
  /** Access session lifetime; defaults to auth.settings.session_ttl. */
  sessionTtlMs?: number | null;
}

export interface FinishLoginResult {
  outcome: LoginOutcome;
  /** The new session's jti (UUIDv7), on success only. */
  jti: string | null;
  expiresAt: Date | null;
  refreshExpiresAt: Date | null;
  /** The account is locked after this attempt (the Nth failure, or an attempt while locked). */
  locked: boolean;
  lockedUntil: Date | null;
  /** Failures in the current window after this attempt (0 after a success). */
  failedAttempts: number;
  /** 0..100, see docs/database.md. */
  riskScore: number;
}

export type SessionStatus = 'valid' | 'revoked' | 'expired' | 'unknown';

export interface SessionValidation {
  status: SessionStatus;
  userId: UserId | null;
  expiresAt: Date | null;
}

export interface RefreshSessionInput {
  /** jti of the session whose refresh token is presented. */
  jti: string;
  refreshTokenHash: Buffer;
  /** Hash of the replacement refresh secret. */
  newRefreshTokenHash: Buffer;
  ip?: string | null;
  userAgent?: string | null;
  sessionTtlMs?: number | null;
}

export type RefreshOutcome = 'rotated' | 'unknown' | 'invalid' | 'expired' | 'revoked' | 'reused';

export interface RefreshSessionResult {
  outcome: RefreshOutcome;
  userId: UserId | null;
  /** The new session, when rotated. */
  jti: string | null;
  expiresAt: Date | null;
  refreshExpiresAt: Date | null;
}

export interface RevokeSessionResult {
  /** False when the jti was unknown or already revoked. */
  revoked: boolean;
  userId: UserId | null;
  expiresAt: Date | null;
}

export interface RevokeAllResult {
  revokedCount: number;
  /** Tokens of the user issued before this instant are no longer valid. */
  revokedBefore: Date;
}

export interface PermissionMask {
  /** Bit n set = permission with bit_position n (auth.permissions). */
  mask: bigint;
  /** Earliest expiry among the grants behind the mask: do not use (or cache) it past this. */
  validUntil: Date | null;
}

export interface PermissionMaskRow extends PermissionMask {
  userId: UserId;
  /** When the materialized snapshot was computed. */
  computedAt: Date;
}

export interface UserDocument {
  id: UserId;
  username: string;
  email: string;
  status: UserStatus;
  profile: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  /** Names of the active roles, sorted. */
  roles: string[];
}

export type UserKey = { id: UserId } | { username: string };

export interface RoleAssignment {
  userId: UserId;
  role: string;
  expiresAt?: Date | null;
}

function interval(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : `${Math.round(ms)} milliseconds`;
}

function first<T extends pg.QueryResultRow>(result: pg.QueryResult<T>, what: string): T {
  const row = result.rows[0];
  if (row === undefined) throw new Error(`${what} returned no row`);
  return row;
}

/** timestamptz as PostgreSQL prints it with DateStyle ISO (`2026-12-01 21:52:11.123456+00`, `…+05:30`); null stays null. */
export function parseTimestamptz(text: string | null): Date | null {
  if (text === null) return null;
  if (text === 'infinity') return new Date(8.64e15);
  if (text === '-infinity') return new Date(-8.64e15);
  const m = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?( BC)?$/.exec(text);
  if (!m || m[12]) throw new RangeError(`unexpected timestamptz text from PostgreSQL: ${text}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7] ? Math.floor(Number(m[7]) * 1000) : 0);
  const offsetS = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * (m[8] === '-' ? -1 : 1);
  return new Date(ms - offsetS * 1000);
}

function column(row: RawRow, i: number): string {
  const value = row[i];
  if (value === null || value === undefined) throw new Error(`column ${i + 1} is NULL where the function never returns NULL`);
  return value;
}

/*
 * The two login calls run on every login the generator sends: they bypass pg's Query/Result machinery (config clone,
 * per-field parsers, Date objects for every timestamp) and read the one row's text fields directly — the same wire
 * traffic, a fraction of the client CPU (docs/benchmarks.md, "login").
 */
const BEGIN_LOGIN = new PreparedStatement('authdb.begin_login', 'SELECT user_id, password_hash, status, locked_until, failed_attempts FROM auth.begin_login($1)', 1);
const FINISH_LOGIN = new PreparedStatement(
  'authdb.finish_login',
  'SELECT outcome, jti, expires_at, refresh_expires_at, locked, locked_until, failed_attempts, risk_score FROM auth.finish_login($1, $2, $3, $4, $5, $6)',
  6,
);

/** By username, or email when the login contains '@'; null for an unknown login. No writes. */
export async function beginLogin(client: pg.ClientBase, login: string): Promise<LoginRecord | null> {
  const row = await BEGIN_LOGIN.firstRow(client, [login]);
  if (!row) return null;
  return {
    userId: column(row, 0),
    passwordHash: column(row, 1),
    status: column(row, 2) as UserStatus,
    lockedUntil: parseTimestamptz(row[3] ?? null),
    failedAttempts: Number(column(row, 4)),
  };
}

/** Records the verified attempt: a session + event on success, counting (and maybe locking) + event on failure. */
export async function finishLogin(client: pg.ClientBase, input: FinishLoginInput): Promise<FinishLoginResult> {
  const row = await FINISH_LOGIN.firstRow(client, [
    input.userId,
    input.passwordOk,
    input.ip ?? null,
    input.userAgent ?? null,
    input.refreshTokenHash ?? null,
    interval(input.sessionTtlMs),
  ]);
  if (!row) throw new Error('auth.finish_login returned no row');
  return {
    outcome: column(row, 0) as LoginOutcome,
    jti: row[1] ?? null,
    expiresAt: parseTimestamptz(row[2] ?? null),
    refreshExpiresAt: parseTimestamptz(row[3] ?? null),
    locked: column(row, 4) === 't',
    lockedUntil: parseTimestamptz(row[5] ?? null),
    failedAttempts: Number(column(row, 6)),
    riskScore: Number(column(row, 7)),
  };
}

export async function validateSession(client: pg.ClientBase, jti: string): Promise<SessionValidation> {
  const row = first(
    await client.query<{ status: SessionStatus; user_id: string | null; expires_at: Date | null }>({
      name: 'authdb.validate_session',
      text: 'SELECT status, user_id, expires_at FROM auth.validate_session($1)',
      values: [jti],
    }),
    'auth.validate_session',
  );
  return { status: row.status, userId: row.user_id, expiresAt: row.expires_at };
}

/** Rotates a refresh token: revokes the presented session and issues a new one (outcome 'rotated'). */
export async function refreshSession(client: pg.ClientBase, input: RefreshSessionInput): Promise<RefreshSessionResult> {
  const row = first(
    await client.query<{ outcome: RefreshOutcome; user_id: string | null; jti: string | null; expires_at: Date | null; refresh_expires_at: Date | null }>({
      name: 'authdb.refresh_session',
      text: 'SELECT * FROM auth.refresh_session($1, $2, $3, $4, $5, $6)',
      values: [input.jti, input.refreshTokenHash, input.newRefreshTokenHash, input.ip ?? null, input.userAgent ?? null, interval(input.sessionTtlMs)],
    }),
    'auth.refresh_session',
  );
  return { outcome: row.outcome, userId: row.user_id, jti: row.jti, expiresAt: row.expires_at, refreshExpiresAt: row.refresh_expires_at };
}

/** Logout of one token. */
export async function revokeSession(client: pg.ClientBase, jti: string): Promise<RevokeSessionResult> {
  const row = first(
    await client.query<{ revoked: boolean; user_id: string | null; expires_at: Date | null }>({
      name: 'authdb.revoke_session',
      text: 'SELECT revoked, user_id, expires_at FROM auth.revoke_session($1)',
      values: [jti],
    }),
    'auth.revoke_session',
  );
  return { revoked: row.revoked, userId: row.user_id, expiresAt: row.expires_at };
}

/** Log out everywhere. */
export async function revokeAllSessions(client: pg.ClientBase, userId: UserId): Promise<RevokeAllResult> {
  const row = first(
    await client.query<{ revoked_count: number; revoked_before: Date }>({
      name: 'authdb.revoke_all_sessions',
      text: 'SELECT revoked_count, revoked_before FROM auth.revoke_all_sessions($1)',
      values: [userId],
    }),
    'auth.revoke_all_sessions',
  );
  return { revokedCount: row.revoked_count, revokedBefore: row.revoked_before };
}

/** Log out everywhere for the sessions issued since `since`: each revoked session, to denylist its token. */
export async function revokeSessionsIssuedSince(client: pg.ClientBase, userId: UserId, since: Date): Promise<{ jti: string; expiresAt: Date }[]> {
  const result = await client.query<{ jti: string; expires_at: Date }>({
    name: 'authdb.revoke_sessions_issued_since',
    text: 'SELECT jti, expires_at FROM auth.revoke_sessions_issued_since($1, $2)',
    values: [userId, since],
  });
  return result.rows.map((r) => ({ jti: r.jti, expiresAt: r.expires_at }));
}

/** Live answer: does the user hold `resource:action` now? */
export async function checkPermission(client: pg.ClientBase, userId: UserId, permission: string): Promise<boolean> {
  const row = first(
    await client.query<{ allowed: boolean }>({
      name: 'authdb.check_permission',
      text: 'SELECT auth.check_permission($1, $2) AS allowed',
      values: [userId, permission],
    }),
    'auth.check_permission',
  );
  return row.allowed;
}

/** Live effective mask of one user (0n without an active role). */
export async function readPermissionMask(client: pg.ClientBase, userId: UserId): Promise<PermissionMask> {
  const row = first(
    await client.query<{ mask: string; valid_until: Date | null }>({
      name: 'authdb.user_permission_mask',
      text: 'SELECT mask, valid_until FROM auth.user_permission_mask($1)',
      values: [userId],
    }),
    'auth.user_permission_mask',
  );
  return { mask: BigInt(row.mask), validUntil: row.valid_until };
}

/** A mask with the instant it stops being valid (ms since the epoch), the shape the Redis permission cache fills. */
export interface PermissionGrantRow {
  mask: bigint;
  validUntilMs: number | null;
}

/**
 * Live masks (with expiry) of many users in one round trip; users without an active role are left out (mask 0).
 * Bound to a client it is the Redis permission cache's PermissionLoader: `(ids) => loadPermissionGrants(client, ids)`.
 */
export async function loadPermissionGrants(client: pg.ClientBase, userIds: readonly UserId[]): Promise<Map<UserId, PermissionGrantRow>> {
  const grants = new Map<UserId, PermissionGrantRow>();
  if (userIds.length === 0) return grants;
  const result = await client.query<{ user_id: string; mask: string; valid_until: Date | null }>({
    name: 'authdb.user_permission_masks_of',
    text: 'SELECT user_id, mask, valid_until FROM auth.user_permission_masks_of($1)',
    values: [userIds],
  });
  for (const row of result.rows) grants.set(row.user_id, { mask: BigInt(row.mask), validUntilMs: row.valid_until?.getTime() ?? null });
  return grants;
}

/** As loadPermissionGrants, masks only. */
export async function loadPermissionMasks(client: pg.ClientBase, userIds: readonly UserId[]): Promise<Map<UserId, bigint>> {
  const grants = await loadPermissionGrants(client, userIds);
  return new Map([...grants].map(([id, g]) => [id, g.mask]));
}

/** One page (user_id > afterUserId, ascending) of the materialized snapshot, for bulk cache warming. */
export async function readPermissionMaskSnapshot(client: pg.ClientBase, afterUserId: UserId = '0', limit = 10_000): Promise<PermissionMaskRow[]> {
  const result = await client.query<{ user_id: string; mask: string; valid_until: Date | null; computed_at: Date }>({
    name: 'authdb.permission_mask_snapshot',
    text: 'SELECT user_id, mask, valid_until, computed_at FROM auth.permission_mask_snapshot($1, $2)',
    values: [afterUserId, limit],
  });
  return result.rows.map((r) => ({ userId: r.user_id, mask: BigInt(r.mask), validUntil: r.valid_until, computedAt: r.computed_at }));
}

/** Grants a role (or moves its expiry); returns the new live mask for a write-through cache. */
export async function grantRole(client: pg.ClientBase, userId: UserId, role: string, expiresAt: Date | null = null): Promise<PermissionMask> {
  const row = first(
    await client.query<{ mask: string; valid_until: Date | null }>({
      name: 'authdb.grant_role',
      text: 'SELECT mask, valid_until FROM auth.grant_role($1, $2, $3)',
      values: [userId, role, expiresAt],
    }),
    'auth.grant_role',
  );
  return { mask: BigInt(row.mask), validUntil: row.valid_until };
}

/** Revokes a role (no-op when not held); returns the new live mask. */
export async function revokeRole(client: pg.ClientBase, userId: UserId, role: string): Promise<PermissionMask> {
  const row = first(
    await client.query<{ mask: string; valid_until: Date | null }>({
      name: 'authdb.revoke_role',
      text: 'SELECT mask, valid_until FROM auth.revoke_role($1, $2)',
      values: [userId, role],
    }),
    'auth.revoke_role',
  );
  return { mask: BigInt(row.mask), validUntil: row.valid_until };
}

/** Bulk grants from one JSON document (JSON_TABLE on the server). Admin connection: not granted to the app role. */
export async function assignRoles(client: pg.ClientBase, assignments: readonly RoleAssignment[]): Promise<number> {
  const doc = assignments.map((a) => ({ user_id: a.userId, role: a.role, expires_at: a.expiresAt?.toISOString() ?? null }));
  const row = first(
    await client.query<{ n: number }>({ name: 'authdb.assign_roles', text: 'SELECT auth.assign_roles($1) AS n', values: [JSON.stringify(doc)] }),
    'auth.assign_roles',
  );
  return row.n;
}

/** REFRESH MATERIALIZED VIEW CONCURRENTLY of the mask snapshot. Admin connection. */
export async function refreshPermissionSnapshot(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT auth.refresh_permission_masks()');
}

/** The user's document (profile and active roles), or null when there is no such user. */
export async function lookupUser(client: pg.ClientBase, key: UserKey): Promise<UserDocument | null> {
  const result =
    'id' in key
      ? await client.query<{ doc: UserDocument | null }>({ name: 'authdb.lookup_user_by_id', text: 'SELECT auth.lookup_user_by_id($1) AS doc', values: [key.id] })
      : await client.query<{ doc: UserDocument | null }>({
          name: 'authdb.lookup_user_by_username',
          text: 'SELECT auth.lookup_user_by_username($1) AS doc',
          values: [key.username],
        });
  return result.rows[0]?.doc ?? null;
}
