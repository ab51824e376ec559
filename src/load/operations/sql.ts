// Generic `sql`: any statement with generated parameters, by default as a named prepared statement per
// connection — the way a pgbench custom script benchmarks a user's own schema.
import { createHash } from 'node:crypto';
import type { OperationDefinition } from './types.js';
import { ok, partitionOf, requirePg } from './types.js';
import { booleanOption, generatorListOption, stringOption } from './options.js';
import { compileGenerator } from '../generators.js';

export const sqlOperation: OperationDefinition = {
  name: 'sql',
  uses: { pg: true, redis: false },
  async prepare(step, env) {
    const text = stringOption(step.options, 'query');
    const prepared = booleanOption(step.options, 'prepared', true);
    const random = env.random.fork(`sql:${text}`);
    const params = generatorListOption(step.options, 'params').map((gen, i) => compileGenerator(gen, random.fork(i), partitionOf(env)));
    // Same text → same name on every connection: each backend parses and plans it once.
    const name = `ab_sql_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    return {
      async run(scope) {
        const values = params.map((draw) => draw());
        await requirePg(scope).query(prepared ? { name, text, values } : { text, values });
        return ok('ok');
      },
    };
  },
};
