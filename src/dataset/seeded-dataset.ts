// The seeded dataset as the generator sees it, without the database: who user rank r is, their password,
// status and sessions (pure functions of the dataset spec, shared with the seeder in src/target/seed/).
import { passwordForUser, usernameForUser, userIdForIndex, wrongPasswordForUser } from './identities.js';
import { sessionCountOfUser, sessionOfUser, sessionStateOf, userStatusOf, type SeededSession, type SessionState, type UserStatus } from './layout.js';
import type { Dataset } from './types.js';

/** A generated `user` param: a rank, as a number or its text. */
type Rank = string | number | boolean;

export class SeededDataset {
  constructor(readonly spec: Dataset) {}

  get users(): number {
    return this.spec.users;
  }

  /** The `user` param is a rank 1..users: user index rank − 1 (wrapping defensively). */
  indexOf(rank: Rank | undefined): number {
    const r = typeof rank === 'number' ? rank : Number(rank ?? 1);
    return ((((Math.trunc(r) - 1) % this.users) + this.users) % this.users) | 0;
  }

  userId(i: number): string {
    return String(userIdForIndex(i));
  }

  username(i: number): string {
    return usernameForUser(this.spec.seed, i);
  }

  password(i: number): string {
    return passwordForUser(this.spec.seed, i, this.spec.passwordCount);
  }

  wrongPassword(i: number, attempt: number): string {
    return wrongPasswordForUser(this.spec.seed, i, attempt, this.spec.passwordCount);
  }

  status(i: number): UserStatus {
    return userStatusOf(this.spec, i);
  }

  sessions(i: number): SeededSession[] {
    const n = sessionCountOfUser(this.spec, i);
    return Array.from({ length: n }, (_, s) => sessionOfUser(this.spec, i, s));
  }

  /** How many sessions user `i` has, and the state of one, without building them (a search's cheap test). */
  sessionCount(i: number): number {
    return sessionCountOfUser(this.spec, i);
  }

  sessionState(i: number, s: number): SessionState {
    return sessionStateOf(this.spec, i, s);
  }

  session(i: number, s: number): SeededSession {
    return sessionOfUser(this.spec, i, s);
  }
}
