// Row generators for each seeded table: lazy iterables of COPY text lines, in primary-key order.
// Every value comes from layout.ts / identities.ts, so a row depends only on (spec, row index).
import { hash as digest } from 'node:crypto';
import { Stream, hash32 } from '../../dataset/prng.js';
import { displayNameForUser, emailForUser, passwordIndexForUser, userIdForIndex, usernameForUser } from '../../dataset/identities.js';
import {
  DATASET_EPOCH_MS,
  sessionJtiRange,
  rolesOfUser,
  sessionCountOfUser,
  sessionOfUser,
  userCreatedAtMs,
  userStatusOf,
  type RoleCatalog,
} from '../../dataset/layout.js';
import { copyLine, copyTimestamp, escapeCopyText } from './copy-stream.js';
import type { Dataset } from '../../dataset/types.js';

/** One table to load: where, which columns, and the lines. */
export interface TableData {
  table: string;
  columns: readonly string[];
  lines: () => Iterable<string>;
  /**
   * Inclusive bounds of the partition key over all generated rows, for a partitioned table: when no partition but
   * the default one overlaps them, rows are COPYed straight into the default partition (which allows FREEZE).
   */
  partitionKeyRange?: { type: 'uuid'; lo: string; hi: string };
}

const iso = copyTimestamp;

const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'pt-BR', 'ja-JP', 'pl-PL'] as const;
const TIMEZONES = ['America/New_York', 'Europe/London', 'Europe/Berlin', 'Europe/Paris', 'Asia/Tokyo', 'America/Sao_Paulo'] as const;

export function usersTable(spec: Dataset): TableData {
  return {
    table: 'auth.users',
    columns: ['id', 'username', 'email', 'status', 'profile', 'created_at', 'updated_at'],
    *lines() {
      const seed = spec.seed;
      for (let i = 0; i < spec.users; i++) {
        const created = userCreatedAtMs(spec, i);
        const updated = created + (hash32(seed, Stream.createdAt, i, 1) % Math.max(1, DATASET_EPOCH_MS - created));
        const h = hash32(seed, Stream.lastLogin, i);
        // Names and locales are plain ASCII without quotes or backslashes, so this JSON needs no COPY escaping.
        const profile = `{"display_name": "${displayNameForUser(seed, i)}", "locale": "${LOCALES[h % LOCALES.length]}", "timezone": "${TIMEZONES[(h >>> 8) % TIMEZONES.length]}"}`;
        yield copyLine([userIdForIndex(i), usernameForUser(seed, i), emailForUser(seed, i), userStatusOf(spec, i), profile, iso(created), iso(updated)]);
      }
    },
  };
}

/** `hashes[k]` is the PHC string of known password k. */
export function credentialsTable(spec: Dataset, hashes: readonly string[]): TableData {
  return {
    table: 'auth.credentials',
    columns: ['user_id', 'password_hash', 'password_changed_at', 'failed_attempts', 'failure_window_start', 'locked_until'],
    *lines() {
      const seed = spec.seed;
      for (let i = 0; i < spec.users; i++) {
        const created = userCreatedAtMs(spec, i);
        const changed = created + (hash32(seed, Stream.password, i, 99) % Math.max(1, DATASET_EPOCH_MS - created));
        // No failure counters or locks: logins as any active user must succeed (reuse resets them the same way).
        yield copyLine([userIdForIndex(i), hashes[passwordIndexForUser(i, spec.passwordCount)]!, iso(changed), 0, null, null]);
      }
    },
  };
}

export function userRolesTable(spec: Dataset, catalog: RoleCatalog): TableData {
  return {
    table: 'auth.user_roles',
    columns: ['user_id', 'role_id', 'granted_at', 'expires_at'],
    *lines() {
      const seed = spec.seed;
      for (let i = 0; i < spec.users; i++) {
        const created = userCreatedAtMs(spec, i);
        const id = userIdForIndex(i);
        const roles = rolesOfUser(spec, catalog, i);
        for (let r = 0; r < roles.length; r++) {
          const granted = created + (r === 0 ? 0 : hash32(seed, Stream.roleChoice, i, 500 + r) % Math.max(1, DATASET_EPOCH_MS - created));
          yield copyLine([id, roles[r]!, iso(granted), null]);
        }
      }
    },
  };
}

export function sessionsTable(spec: Dataset): TableData {
  return {
    table: 'auth.sessions',
    partitionKeyRange: { type: 'uuid', ...sessionJtiRange() },
    columns: ['jti', 'user_id', 'issued_at', 'expires_at', 'revoked_at', 'ip', 'user_agent', 'refresh_token_hash', 'refresh_expires_at', 'replaced_by'],
    *lines() {
      for (let i = 0; i < spec.users; i++) {
        const id = userIdForIndex(i);
        const count = sessionCountOfUser(spec, i);
        for (let s = 0; s < count; s++) {
          const x = sessionOfUser(spec, i, s);
          // Built by hand (not copyLine): this table has the most rows, and only user_agent is free text.
          const refreshHash = digest('sha256', x.refreshSecret, 'hex');
          const revoked = x.revokedAtMs === null ? '\\N' : iso(x.revokedAtMs);
          yield `${x.jti}\t${id}\t${iso(x.issuedAtMs)}\t${iso(x.expiresAtMs)}\t${revoked}\t${x.ip}\t${escapeCopyText(x.userAgent)}\t\\\\x${refreshHash}\t${iso(x.refreshExpiresAtMs)}\t\\N\n`;
        }
      }
    },
  };
}
