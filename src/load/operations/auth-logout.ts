// `auth.logout`: revokes a session issued during the run by this worker's logins and denylists its token in Redis
// until it expires. Revoking an already revoked session would be a wrong answer.
import { revokeSession } from '../../authdb/queries.js';
import { isUnavailable } from '../../authdb/redis/index.js';
import { USER_PARAM } from './spec.js';
import { failed, ok, requirePg, type OperationDefinition } from './types.js';

export const authLogoutOperation: OperationDefinition = {
  name: 'auth.logout',
  uses: { pg: true, redis: true },
  catalog: { description: 'Revoke a session and add it to the Redis denylist.', phases: [], params: { user: USER_PARAM }, options: {} },
  async prepare(_step, env) {
    const layer = env.redisLayer();
    return {
      async run(scope) {
        const session = env.sessions.take();
        if (!session) return failed('client', 'no session to log out: put auth.login in the mix (auth.logout revokes sessions issued by logins)');
        const result = await scope.phase('db', () => revokeSession(requirePg(scope), session.jti));
        if (!result.revoked) return failed('wrong_answer', `a live session ${session.jti} was not revoked`);
        const written = await scope.phase('cache', () => layer.revokeToken(session.jti, session.expiresAtMs));
        if (isUnavailable(written)) return failed('cache', `denylist unavailable: ${written.reason}`);
        return ok('revoked');
      },
    };
  },
};
