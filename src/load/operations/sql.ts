// Generic `sql`: any statement with generated parameters, by default as a named prepared statement per
// connection — the way a pgbench custom script benchmarks a user's own schema.
import { createHash } from 'node:crypto';
import type { OperationDefinition } from './types.js';
import { ok, partitionOf, requirePg } from './types.js';
import { booleanOption, generatorListOption, stringOption } from './options.js';
import { compileGenerator } from '../generators.js';
import { PreparedStatement } from '../../authdb/prepared-statement.js';

/** Every successful `sql` step answers the same: one shared result, no allocation per iteration. */
const OK = ok('ok');

export const sqlOperation: OperationDefinition = {
  name: 'sql',
  uses: { pg: true, redis: false },
  catalog: {
    description: 'A custom SQL statement with generated parameters.',
    phases: [],
    params: {},
    options: {
      query: { type: 'string', description: 'The statement, with $1…$n placeholders.', required: true },
      params: { type: 'generators', description: 'Generators for $1..$n, in order; as many as the highest $n in the query.', default: [] },
      prepared: { type: 'boolean', description: 'Use a named prepared statement (parse once per connection).', default: true },
    },
  },
  needsSchema: false,
  async prepare(step, env) {
    const text = stringOption(step.options, 'query');
    const prepared = booleanOption(step.options, 'prepared', true);
    const random = env.random.fork(`sql:${text}`);
    const params = generatorListOption(step.options, 'params').map((gen, i) => compileGenerator(gen, random.fork(i), partitionOf(env)));
    // Same text → same name on every connection: each backend parses and plans it once.
    const name = `ab_sql_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    const draw = (): (string | number | boolean)[] => {
      const values = new Array<string | number | boolean>(params.length);
      for (let i = 0; i < params.length; i++) values[i] = params[i]!();
      return values;
    };
    if (!prepared) {
      return {
        async run(scope) {
          await requirePg(scope).query({ text, values: draw() });
          return OK;
        },
      };
    }
    const statement = new PreparedStatement(name, text, params.length);
    return {
      async run(scope) {
        await statement.run(requirePg(scope), draw());
        return OK;
      },
    };
  },
};
