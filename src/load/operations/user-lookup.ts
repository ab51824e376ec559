// `user.lookup`: one user's document (profile and active roles) by primary key or by case-insensitive username.
// The answer is checked against who the seeded user is.
import { lookupUser } from '../../authdb/queries.js';
import { SeededDataset } from '../../dataset/seeded-dataset.js';
import { enumOption } from './options.js';
import { USER_PARAM } from './spec.js';
import { failed, ok, requirePg, type OperationDefinition } from './types.js';

export const userLookupOperation: OperationDefinition = {
  name: 'user.lookup',
  uses: { pg: true, redis: false },
  catalog: {
    description: 'Read one user by id or by username.',
    phases: [],
    params: { user: USER_PARAM },
    options: {
      by: { type: 'enum', description: 'Look up by primary key or by the (case-insensitive) username.', values: ['id', 'username'], default: 'id' },
    },
  },
  async prepare(step, env) {
    const dataset = new SeededDataset(env.dataset);
    const by = enumOption(step.options, 'by', ['id', 'username'] as const, 'id');
    return {
      async run(scope) {
        const i = dataset.indexOf(scope.param('user'));
        const id = dataset.userId(i);
        const username = dataset.username(i);
        const doc = await lookupUser(requirePg(scope), by === 'id' ? { id } : { username });
        if (!doc) return failed('wrong_answer', `seeded user ${username} (id ${id}) was not found`);
        if (String(doc.id) !== id || doc.username !== username) return failed('wrong_answer', `looked up ${username} (id ${id}), got ${doc.username} (id ${doc.id})`);
        return ok('found');
      },
    };
  },
};
