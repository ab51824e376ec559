// Access tokens as a service issues them: compact JWS (RFC 7515) signed with ECDSA P-256 ("ES256", RFC 7518) through
// node:crypto KeyObjects — synchronous, tens of microseconds per token — carrying the session's jti and expiry.
// ES256 rather than EdDSA: with Node 20's OpenSSL 3.0 a P-256 verify costs 0.6 × an Ed25519 verify (docs/security.md).
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface AccessClaims {
  /** The session row's id: what the denylist and auth.sessions are keyed by. */
  readonly jti: string;
  /** The user id. */
  readonly sub: string;
  /** Issued at / expires, epoch seconds (RFC 7519 NumericDate). */
  readonly iat: number;
  readonly exp: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: AccessClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'signature' | 'expired' };

const ISSUER = 'authbench';
/**
 * PKCS#8 DER prefix of a P-256 private key without its public point (RFC 5915 inside RFC 5208); the 32-byte scalar
 * follows. OpenSSL derives the public key from it.
 */
const P256_PKCS8_PREFIX = Buffer.from('3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420', 'hex');
/** The order of P-256's group: a private scalar must lie in [1, n - 1]. */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
/** JWS carries ECDSA signatures as r ‖ s, 32 bytes each (RFC 7518 §3.4), not DER. */
const ES256 = { dsaEncoding: 'ieee-p1363' } as const;

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/**
 * One signing key and its verifier. The key is derived from the run's seed, so every worker thread signs and verifies
 * with the same key without a secret crossing threads: a benchmark key, never a production one.
 */
export class AccessTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** The one header this issuer writes; a token whose header differs (another alg, `none`) is refused unparsed. */
  private readonly header: string;

  constructor(runSeed: number | string) {
    this.privateKey = createPrivateKey({ key: Buffer.concat([P256_PKCS8_PREFIX, privateScalar(runSeed)]), format: 'der', type: 'pkcs8' });
    this.publicKey = createPublicKey(this.privateKey);
    const kid = createHash('sha256').update(this.publicKey.export({ format: 'der', type: 'spki' })).digest('base64url').slice(0, 16);
    this.header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid }));
  }

  /** The public key as a JWK, for a verifier elsewhere (e.g. a JWKS endpoint). */
  publicJwk(): Record<string, unknown> {
    return this.publicKey.export({ format: 'jwk' }) as unknown as Record<string, unknown>;
  }

  sign(claims: AccessClaims): string {
    const payload = b64url(JSON.stringify({ iss: ISSUER, sub: claims.sub, jti: claims.jti, iat: claims.iat, exp: claims.exp }));
    const input = `${this.header}.${payload}`;
    return `${input}.${sign('sha256', Buffer.from(input), { key: this.privateKey, ...ES256 }).toString('base64url')}`;
  }

  /** Signature first (nothing of an unsigned payload is trusted), then the claims' shape, then expiry at `nowMs`. */
  verify(token: string, nowMs: number): TokenCheck {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 0 || second < 0 || token.indexOf('.', second + 1) >= 0) return { ok: false, reason: 'malformed' };
    if (token.slice(0, first) !== this.header) return { ok: false, reason: 'malformed' };
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    if (signature.length !== 64) return { ok: false, reason: 'signature' };
    if (!verify('sha256', Buffer.from(token.slice(0, second)), { key: this.publicKey, ...ES256 }, signature)) return { ok: false, reason: 'signature' };
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const c = body as Partial<AccessClaims> & { iss?: unknown };
    if (c.iss !== ISSUER || typeof c.jti !== 'string' || typeof c.sub !== 'string' || typeof c.iat !== 'number' || typeof c.exp !== 'number') {
      return { ok: false, reason: 'malformed' };
    }
    if (c.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { jti: c.jti, sub: c.sub, iat: c.iat, exp: c.exp } };
  }
}

/** sha256 of the run seed (and a counter, in the 2^-32 case that the hash is not a valid P-256 scalar). */
function privateScalar(runSeed: number | string): Buffer {
  for (let i = 0; ; i++) {
    const d = createHash('sha256').update(`authbench-jwt-key:${runSeed}${i === 0 ? '' : `:${i}`}`).digest();
    const n = BigInt(`0x${d.toString('hex')}`);
    if (n > 0n && n < P256_ORDER) return d;
  }
}

/** Claims of a session issued at `issuedAtMs` that expires at `expiresAtMs` (seconds, expiry rounded down). */
export function claimsOf(session: { jti: string; userId: string; issuedAtMs: number; expiresAtMs: number }): AccessClaims {
  return { jti: session.jti, sub: session.userId, iat: Math.floor(session.issuedAtMs / 1000), exp: Math.floor(session.expiresAtMs / 1000) };
}
