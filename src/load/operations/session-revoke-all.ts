// `session.revoke-all`: log out everywhere. Takes the user of a session this worker's logins issued, revokes every live
// session of that user issued since the load began (one statement), and denylists each token in Redis until it expires.
import { revokeSessionsIssuedSince } from '../../authdb/queries.js';
import { isUnavailable } from '../../authdb/redis/index.js';
import type { OperationCatalogEntry } from './spec.js';
import { failed, ok, requirePg, type OperationDefinition } from './types.js';

const catalog: OperationCatalogEntry = {
  description: "Log out everywhere: revoke every session of a user (issued during the run) and denylist each token in Redis.",
  phases: ['db', 'cache'],
  params: {},
  options: {},
};

export const sessionRevokeAllOperation: OperationDefinition = {
  name: 'session.revoke-all',
  uses: { pg: true, redis: true },
  catalog,
  async prepare(_step, env) {
    const layer = env.redisLayer();
    // Sessions from before the load are the seeded ones session.validate checks against the dataset: left alone.
    const since = new Date();
    return {
      async run(scope) {
        const session = env.sessions.take();
        if (!session) return failed('client', 'no session to revoke: put auth.login in the mix (session.revoke-all revokes the sessions of users who logged in)');
        const others = env.sessions.takeAllOf(session.userId);
        const revoked = await scope.phase('db', () => revokeSessionsIssuedSince(requirePg(scope), session.userId, since));
        const jtis = new Set(revoked.map((r) => r.jti));
        const missed = [session, ...others].find((s) => !jtis.has(s.jti));
        if (missed) return failed('wrong_answer', `a live session ${missed.jti} of user ${session.userId} was not revoked by revoke-all`);
        const written = await scope.phase('cache', () => Promise.all(revoked.map((r) => layer.revokeToken(r.jti, r.expiresAt.getTime()))));
        const lost = written.find(isUnavailable);
        if (lost) return failed('cache', `denylist unavailable: ${lost.reason}`);
        return ok('revoked');
      },
    };
  },
};
