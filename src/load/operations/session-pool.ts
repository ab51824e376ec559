// Sessions issued during the run by this worker's logins (and refreshes), for token.refresh, auth.logout and
// session.revoke-all.
// Each session is handed to one iteration at a time, so two iterations never present the same refresh token.

export interface IssuedSession {
  readonly jti: string;
  readonly userId: string;
  readonly expiresAtMs: number;
  /** The refresh secret the client holds (null when none was issued). */
  readonly refreshSecret: string | null;
}

/** Bounded: beyond it the oldest sessions are forgotten (they stay valid in the database until they expire). */
const MAX_POOLED = 10_000;

export class SessionPool {
  private readonly sessions: IssuedSession[] = [];

  add(session: IssuedSession): void {
    this.sessions.push(session);
    if (this.sessions.length > MAX_POOLED) this.sessions.shift();
  }

  /** Takes a session out (the caller owns it; put a rotated one back with add). Newest first: still live. */
  take(): IssuedSession | undefined {
    return this.sessions.pop();
  }

  /** Takes out every session of `userId` (after a log-out-everywhere: none of them is live any more). */
  takeAllOf(userId: string): IssuedSession[] {
    const taken = this.sessions.filter((s) => s.userId === userId);
    if (taken.length > 0) this.sessions.splice(0, this.sessions.length, ...this.sessions.filter((s) => s.userId !== userId));
    return taken;
  }

  get size(): number {
    return this.sessions.length;
  }
}
