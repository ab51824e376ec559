// Key names of the Redis layer, all under one configurable prefix so several runs or tests can share a server.
// docs/redis.md lists every key with its type, TTL and memory cost; change both together.

/** Identifier of a user as the database prints it (bigint or uuid, as text). */
export type UserId = string;

export interface KeySpace {
  readonly prefix: string;
  /** Cached session, string `userId|expiresAtMs|rolesVersion`, expires with the token. */
  session(jti: string): string;
  /** Denylisted token, string `1`, expires with the token. */
  denied(jti: string): string;
  /** Log-out-everywhere: tokens of this user issued before this ms timestamp are rejected. */
  revokedBefore(userId: UserId): string;
  /** Effective permission bitmask, decimal string. */
  permissions(userId: UserId): string;
  /** Permission version counter, bumped by every invalidation; guards fills against stale loads. */
  permissionVersion(userId: UserId): string;
  /** Sliding-window log (sorted set of request times) of one rate-limit subject. */
  rateLog(scope: string, subject: string): string;
}

export const defaultPrefix = 'ab:';

export function createKeySpace(prefix: string = defaultPrefix): KeySpace {
  return {
    prefix,
    session: (jti) => `${prefix}sess:${jti}`,
    denied: (jti) => `${prefix}deny:${jti}`,
    revokedBefore: (userId) => `${prefix}revb:${userId}`,
    permissions: (userId) => `${prefix}perm:${userId}`,
    permissionVersion: (userId) => `${prefix}permv:${userId}`,
    rateLog: (scope, subject) => `${prefix}rl:${scope}:${subject}`,
  };
}
