// `token.refresh`: rotates the refresh token of a session issued during the run by this worker's logins (one
// transaction: revoke the old session, issue a new one). The rotated session goes back to the pool for reuse.
import { refreshSession } from '../../authdb/queries.js';
import { createRefreshSecret, hashRefreshSecret } from '../../authdb/refresh-token.js';
import { USER_PARAM } from './spec.js';
import { failed, ok, requirePg, type OperationDefinition } from './types.js';

export const tokenRefreshOperation: OperationDefinition = {
  name: 'token.refresh',
  uses: { pg: true, redis: false },
  catalog: { description: 'Rotate a refresh token: revoke the old one and issue a new one in one transaction.', phases: [], params: { user: USER_PARAM }, options: {} },
  async prepare(_step, env) {
    return {
      async run(scope) {
        const session = env.sessions.take();
        if (!session?.refreshSecret) return failed('client', 'no session to refresh: put auth.login in the mix (token.refresh rotates sessions issued by logins)');
        const next = createRefreshSecret();
        const result = await refreshSession(requirePg(scope), { jti: session.jti, refreshTokenHash: hashRefreshSecret(session.refreshSecret), newRefreshTokenHash: next.hash });
        if (result.outcome !== 'rotated' || !result.jti) return failed('wrong_answer', `a live refresh token was answered ${result.outcome}`);
        env.sessions.add({ jti: result.jti, userId: session.userId, expiresAtMs: result.expiresAt?.getTime() ?? session.expiresAtMs, refreshSecret: next.secret });
        return ok('rotated');
      },
    };
  },
};
