// The shape of a dataset as pure functions of (spec, user index): which users are agents, which roles each holds,
// how many sessions each has and in which state. Generators write these; the load generator may read them.
import { Stream, below, between, hash32, unit } from './prng.js';
import type { Dataset } from './types.js';

/** "Now" of every dataset: fixed so the same spec always yields the same timestamps. */
export const DATASET_EPOCH_MS = Date.UTC(2025, 0, 1);
const DAY_MS = 86_400_000;
/** Active and revoked sessions expire long after the epoch, so a reused dataset keeps them for years. */
const LONG_EXPIRY_MS = Date.UTC(2045, 0, 1);
/** Lifetimes of expired sessions: the schema's default session_ttl and refresh_ttl. */
const ACCESS_TTL_MS = 3_600_000;
const REFRESH_TTL_MS = 7 * DAY_MS;
/** Share of sessions (beyond the revoked ones) that are expired. */
export const EXPIRED_SESSION_SHARE = 0.1;

/** The roles the schema defines (auth.roles, reference data of the migrations), read before seeding. */
export interface RoleCatalog {
  /** `kind = 'system'` roles in id order. */
  system: readonly { id: number; name: string }[];
  /** `kind = 'agent'` role ids, ascending. */
  agent: readonly number[];
}

/** The base role every user holds. */
export const BASE_ROLE_NAME = 'user';
/** How often each system role is drawn as an ordinary user's extra role; unlisted roles weigh 1. */
const EXTRA_ROLE_WEIGHTS: Readonly<Record<string, number>> = { support: 60, auditor: 25, admin: 12, superadmin: 3 };
/** Agents hold between these many agent roles (capped at the number the schema defines). */
export const AGENT_ROLES_MIN = 8;
export const AGENT_ROLES_MAX = 24;

/** True when user `i` is an agent (about `agentShare` of users). */
export function isAgent(spec: Dataset, i: number): boolean {
  return unit(spec.seed, Stream.agent, i) < spec.agentShare;
}

/** Number of roles of an ordinary user: 1 (70%), 2 (25%), 3 (4%), 4 (1%). */
export function ordinaryRoleCount(seed: number, i: number): number {
  const u = unit(seed, Stream.roleCount, i);
  return u < 0.7 ? 1 : u < 0.95 ? 2 : u < 0.99 ? 3 : 4;
}

/**
 * Role ids held by user `i`, ascending. Ordinary users: `user` plus 0–3 weighted extra system roles.
 * Agents: `user` plus 8–24 distinct agent roles.
 */
export function rolesOfUser(spec: Dataset, catalog: RoleCatalog, i: number): number[] {
  const seed = spec.seed;
  const base = catalog.system.find((r) => r.name === BASE_ROLE_NAME) ?? catalog.system[0];
  const chosen = new Set<number>();
  if (base) chosen.add(base.id);
  if (isAgent(spec, i) && catalog.agent.length > 0) {
    const max = Math.min(AGENT_ROLES_MAX, catalog.agent.length);
    const want = between(Math.min(AGENT_ROLES_MIN, max), max, seed, Stream.roleCount, i, 1);
    const start = chosen.size;
    for (let draw = 0; chosen.size < start + want; draw++) chosen.add(catalog.agent[below(catalog.agent.length, seed, Stream.roleChoice, i, draw)]!);
  } else {
    const extras = catalog.system.filter((r) => r.id !== base?.id);
    const want = Math.min(ordinaryRoleCount(seed, i), extras.length + chosen.size);
    const weights = extras.map((r) => EXTRA_ROLE_WEIGHTS[r.name] ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let draw = 0; chosen.size < want; draw++) {
      let x = unit(seed, Stream.roleChoice, i, draw) * total;
      let pick = extras.length - 1;
      for (let r = 0; r < extras.length; r++) {
        x -= weights[r]!;
        if (x < 0) {
          pick = r;
          break;
        }
      }
      chosen.add(extras[pick]!.id);
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

export type SessionState = 'active' | 'revoked' | 'expired';

export interface SeededSession {
  state: SessionState;
  /** UUIDv7 whose timestamp is `issuedAtMs` (the schema partitions sessions by jti). */
  jti: string;
  issuedAtMs: number;
  expiresAtMs: number;
  /** Set for revoked sessions only. */
  revokedAtMs: number | null;
  refreshExpiresAtMs: number;
  /** The refresh token the client holds, `<jti>.<refreshSecret>`. */
  refreshToken: string;
  /** The random part of the refresh token; the database stores sha256(refreshSecret) (src/authdb/refresh-token.ts). */
  refreshSecret: string;
  ip: string;
  userAgent: string;
}

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'authbench-agent/1.0 (+https://example.test/agent)',
] as const;

/** Sessions of user `i`: floor or ceil of sessionsPerUser, so the mean over users is sessionsPerUser. */
export function sessionCountOfUser(spec: Dataset, i: number): number {
  const whole = Math.floor(spec.sessionsPerUser);
  return whole + (unit(spec.seed, Stream.sessionCount, i) < spec.sessionsPerUser - whole ? 1 : 0);
}

/** The state of session `s` of user `i`: revoked with `revokedShare`, expired with EXPIRED_SESSION_SHARE, else active. */
export function sessionStateOf(spec: Dataset, i: number, s: number): SessionState {
  const u = unit(spec.seed, Stream.sessionState, i, s);
  return u < spec.revokedShare ? 'revoked' : u < spec.revokedShare + EXPIRED_SESSION_SHARE ? 'expired' : 'active';
}

/** A UUIDv7 string with the given millisecond timestamp and 74 pseudo-random bits. */
export function uuidv7At(ms: number, seed: number, stream: number, i: number, j: number): string {
  const ts = ms.toString(16).padStart(12, '0');
  const a = hash32(seed, stream, i, j * 4);
  const b = hash32(seed, stream, i, j * 4 + 1);
  const c = hash32(seed, stream, i, j * 4 + 2);
  const randA = (0x7000 | (a & 0x0fff)).toString(16);
  const randB = (0x8000 | ((a >>> 12) & 0x3fff)).toString(16);
  const tail = b.toString(16).padStart(8, '0') + (c & 0xffff).toString(16).padStart(4, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${randA}-${randB}-${tail}`;
}

/**
 * Session `s` of user `i`. Active and revoked sessions expire long after the epoch so a reused dataset keeps them
 * valid (resp. rejected for revocation, not expiry); expired sessions ended before the epoch.
 */
export function sessionOfUser(spec: Dataset, i: number, s: number): SeededSession {
  const seed = spec.seed;
  const state = sessionStateOf(spec, i, s);
  const window = state === 'active' ? 7 * DAY_MS : 90 * DAY_MS;
  const issuedAtMs = DATASET_EPOCH_MS - 1 - (hash32(seed, Stream.sessionTime, i, s) % window);
  const jti = uuidv7At(issuedAtMs, seed, Stream.sessionToken, i, s);
  const refreshSecret = sessionSecretOf(seed, i, s);
  const refreshToken = `${jti}.${refreshSecret}`;
  const ipWord = hash32(seed, Stream.ipAddress, i, s % 2);
  const ip = `10.${(ipWord >>> 16) & 0xff}.${(ipWord >>> 8) & 0xff}.${ipWord & 0xff}`;
  const userAgent = USER_AGENTS[below(USER_AGENTS.length, seed, Stream.userAgent, i, s)]!;
  if (state === 'expired') {
    const expiresAtMs = issuedAtMs + ACCESS_TTL_MS;
    return { state, jti, issuedAtMs, expiresAtMs, revokedAtMs: null, refreshExpiresAtMs: issuedAtMs + REFRESH_TTL_MS, refreshToken, refreshSecret, ip, userAgent };
  }
  const revokedAtMs = state === 'revoked' ? issuedAtMs + (hash32(seed, Stream.sessionTime, i, s + 1_000_000) % ACCESS_TTL_MS) : null;
  return { state, jti, issuedAtMs, expiresAtMs: LONG_EXPIRY_MS, revokedAtMs, refreshExpiresAtMs: LONG_EXPIRY_MS, refreshToken, refreshSecret, ip, userAgent };
}

/** Lowest and highest possible jti of a seeded session (they are issued within 90 days before the epoch). */
export function sessionJtiRange(): { lo: string; hi: string } {
  const at = (ms: number, fill: string): string => {
    const ts = ms.toString(16).padStart(12, '0');
    return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-${fill}`;
  };
  return { lo: at(DATASET_EPOCH_MS - 1 - 90 * DAY_MS, '0000-0000-000000000000'), hi: at(DATASET_EPOCH_MS, 'ffff-ffff-ffffffffffff') };
}

/** The random part of the refresh token of session `s` of user `i` (32 bytes, base64url). */
function sessionSecretOf(seed: number, i: number, s: number): string {
  // One scratch buffer instead of an allocation per session: this runs for every seeded session.
  for (let w = 0; w < 8; w++) secretScratch.writeUInt32BE(hash32(seed, Stream.sessionToken, i, (s + 1_000_000) * 64 + w), w * 4);
  return secretScratch.toString('base64url');
}
const secretScratch = Buffer.alloc(32);

/** When user `i` registered: within the three years before the dataset epoch. */
export function userCreatedAtMs(spec: Dataset, i: number): number {
  return DATASET_EPOCH_MS - 1000 * (hash32(spec.seed, Stream.createdAt, i) % (3 * 365 * 86_400));
}

export type UserStatus = 'active' | 'disabled' | 'pending';

/** Account status of user `i`: 97% active, 2% disabled, 1% pending. Only active users can log in. */
export function userStatusOf(spec: Dataset, i: number): UserStatus {
  const u = unit(spec.seed, Stream.status, i);
  return u < 0.97 ? 'active' : u < 0.99 ? 'disabled' : 'pending';
}
