// `rbac.check`: does the user hold a permission? Cached permission mask first (Redis), the database on a miss.
// Every answer is compared with the expected mask, read from the database once while preparing: a permission
// granted in the database but denied here (or the reverse) is a wrong_answer. The cache is read-through, so users
// outside the warm set become hits after their first check: the real hit ratio is reported in outcomes.
import { loadPermissionGrants, loadPermissionMasks } from '../../authdb/queries.js';
import { PERMISSIONS } from '../../dataset/permissions.js';
import { SeededDataset } from '../../dataset/seeded-dataset.js';
import { numberOption } from './options.js';
import { ratioDefault, USER_PARAM, type OperationCatalogEntry } from './spec.js';
import { listenForPermissionChanges } from '../permission-changes.js';
import { failed, ok, requirePg, type OperationDefinition } from './types.js';

/** Users per round trip when loading the expected masks. */
const LOAD_BATCH = 10_000;

/** `permission` is a name or a 1-based index in bit order. */
function bitOf(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value) - 1;
  const named = PERMISSIONS.indexOf(String(value));
  return named >= 0 ? named : Number(value) - 1;
}

const catalog: OperationCatalogEntry = {
  description: 'Does the user hold a permission: cached permission mask first, the database on a miss.',
  phases: ['cache', 'db'],
  params: {
    user: USER_PARAM,
    permission: { description: `Which permission (a name, or 1..${PERMISSIONS.length} in bit order).`, domain: 'permission', default: PERMISSIONS },
  },
  options: {
    cacheHitRatio: { type: 'ratio', description: 'Share of checks whose permission mask is in the cache.', default: 0.95 },
  },
};

export const rbacCheckOperation: OperationDefinition = {
  name: 'rbac.check',
  uses: { pg: true, redis: true },
  catalog,
  warms: { cache: 'permissions', ratio: (options) => numberOption(options, 'cacheHitRatio', ratioDefault(catalog, 'cacheHitRatio')) },
  async prepare(_step, env) {
    const dataset = new SeededDataset(env.dataset);
    const layer = env.redisLayer();
    const setup = env.setupClient;
    if (!setup) throw new Error('rbac.check needs a setup connection to load the expected permissions');
    const expected = new Map<string, bigint>();
    for (let from = 0; from < dataset.users; from += LOAD_BATCH) {
      const ids = Array.from({ length: Math.min(LOAD_BATCH, dataset.users - from) }, (_, k) => dataset.userId(from + k));
      for (const [id, grant] of await loadPermissionGrants(setup, ids)) expected.set(id, grant.mask);
    }
    // A role changed during the run (announced after its cache invalidation): the new mask is the right answer.
    const changes = new Map<string, number>();
    listenForPermissionChanges((change) => {
      expected.set(change.userId, BigInt(change.mask));
      changes.set(change.userId, (changes.get(change.userId) ?? 0) + 1);
    });

    return {
      async run(scope) {
        const pg = requirePg(scope);
        const userId = dataset.userId(dataset.indexOf(scope.param('user')));
        const bit = bitOf(scope.param('permission') ?? 1);
        if (bit < 0 || bit >= PERMISSIONS.length) return failed('client', `permission ${String(scope.param('permission'))} is not one of the ${PERMISSIONS.length}`);
        const holds = (mask: bigint | undefined): boolean => ((mask ?? 0n) & (1n << BigInt(bit))) !== 0n;
        const wantBefore = holds(expected.get(userId));
        const changesBefore = changes.get(userId) ?? 0;
        let dbMs = 0;
        const started = performance.now();
        const check = await layer.hasPermission(userId, bit, async (ids) => {
          const t = performance.now();
          try {
            return await loadPermissionMasks(pg, ids);
          } finally {
            dbMs += performance.now() - t;
          }
        });
        scope.addPhase('cache', performance.now() - started - dbMs);
        if (check.source === 'loader') scope.addPhase('db', dbMs);
        const want = holds(expected.get(userId));
        // A change announced while this check ran: either answer is right (it raced the change); after, only the new one.
        const overlapped = (changes.get(userId) ?? 0) !== changesBefore && check.allowed === wantBefore;
        if (check.allowed !== want && !overlapped) return failed('wrong_answer', `${PERMISSIONS[bit]} ${check.allowed ? 'granted' : 'denied'} to user ${userId}, expected ${want ? 'granted' : 'denied'}`);
        if (check.cache === 'unavailable') return failed('cache', 'permission cache unavailable; answered by the database');
        return ok(`${check.source === 'cache' ? 'hit' : 'miss'}:${check.allowed ? 'granted' : 'denied'}`);
      },
    };
  },
};
