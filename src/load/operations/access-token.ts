// The JWT step of auth.login (sign the new session's access token) and of session.validate (verify the presented
// token), each timed as its own phase; one AccessTokens per worker thread and dataset seed.
import { performance } from 'node:perf_hooks';
import { AccessTokens, claimsOf, type TokenCheck } from '../../authdb/jwt.js';
import type { IterationScope } from './types.js';

const bySeed = new Map<number, AccessTokens>();

/** The worker's tokens for a dataset seed: every worker of a run derives the same key. */
export function accessTokensFor(seed: number): AccessTokens {
  let tokens = bySeed.get(seed);
  if (!tokens) bySeed.set(seed, (tokens = new AccessTokens(seed)));
  return tokens;
}

type Session = { jti: string; userId: string; issuedAtMs: number; expiresAtMs: number };

/** Signs the session's access token as phase `sign` (what the service does before answering the login). */
export function signAccessToken(scope: IterationScope, tokens: AccessTokens, session: Session): string {
  const start = performance.now();
  const token = tokens.sign(claimsOf(session));
  scope.addPhase('sign', performance.now() - start);
  return token;
}

/** Verifies the presented token as phase `verify` (signature, then expiry), before the denylist and the session. */
export function verifyAccessToken(scope: IterationScope, tokens: AccessTokens, token: string): TokenCheck {
  const start = performance.now();
  const check = tokens.verify(token, Date.now());
  scope.addPhase('verify', performance.now() - start);
  return check;
}

/**
 * The tokens clients present for seeded sessions, signed outside any phase (the client holds them already). Bounded:
 * cleared when full, so memory stays flat while hot sessions are signed once.
 */
export class PresentedTokens {
  private readonly cache = new Map<string, string>();
  constructor(
    private readonly tokens: AccessTokens,
    private readonly max = 50_000,
  ) {}

  of(session: Session): string {
    let token = this.cache.get(session.jti);
    if (token === undefined) {
      if (this.cache.size >= this.max) this.cache.clear();
      token = this.tokens.sign(claimsOf(session));
      this.cache.set(session.jti, token);
    }
    return token;
  }

  /** An expired token for the session (signed by the right key): the verifier must refuse it. */
  expired(session: Session, nowMs: number): string {
    return this.tokens.sign(claimsOf({ ...session, issuedAtMs: nowMs - 7_200_000, expiresAtMs: nowMs - 3_600_000 }));
  }
}
