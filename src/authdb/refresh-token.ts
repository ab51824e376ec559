// Refresh tokens are "<jti>.<secret>": the database keeps only sha256(secret) and finds the row by jti
// (its primary key), so refresh needs no extra index. Pure helpers, no I/O.
import { createHash, randomFillSync } from 'node:crypto';

export interface RefreshSecret {
  /** Goes to the client, after the jti: `${jti}.${secret}`. */
  secret: string;
  /** sha256(secret): what the database stores and compares. */
  hash: Buffer;
}

export function hashRefreshSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Secrets drawn from the CSPRNG in blocks: one randomFillSync per 128 logins instead of one per login. */
const SECRET_BYTES = 32;
const BLOCK = Buffer.alloc(SECRET_BYTES * 128);
let blockOffset = BLOCK.length;

/** A new random secret (256 bits, base64url) and its hash. */
export function createRefreshSecret(): RefreshSecret {
  if (blockOffset === BLOCK.length) {
    randomFillSync(BLOCK);
    blockOffset = 0;
  }
  const secret = BLOCK.toString('base64url', blockOffset, blockOffset + SECRET_BYTES);
  blockOffset += SECRET_BYTES;
  return { secret, hash: hashRefreshSecret(secret) };
}

export function formatRefreshToken(jti: string, secret: string): string {
  return `${jti}.${secret}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Splits a presented refresh token; null when it is not `<uuid>.<secret>`. */
export function parseRefreshToken(token: string): { jti: string; hash: Buffer } | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const jti = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!UUID.test(jti) || secret.length === 0) return null;
  return { jti, hash: hashRefreshSecret(secret) };
}
