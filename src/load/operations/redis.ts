// Generic `redis`: any command with generated arguments, on the worker's Redis client.
// A nil reply is an outcome (`nil`), not an error; an error reply is a server error.
import type { OperationDefinition } from './types.js';
import { ok, partitionOf } from './types.js';
import { generatorListOption, stringOption } from './options.js';
import { compileGenerator } from '../generators.js';

export const redisOperation: OperationDefinition = {
  name: 'redis',
  uses: { pg: false, redis: true },
  catalog: {
    description: 'A custom Redis command with generated arguments.',
    phases: [],
    params: {},
    options: {
      command: { type: 'string', description: 'The command name, e.g. GET.', required: true },
      args: { type: 'generators', description: 'Arguments, in order: text, numbers or generators.', default: [] },
    },
  },
  needsSchema: false,
  async prepare(step, env) {
    const command = stringOption(step.options, 'command').toLowerCase();
    const random = env.random.fork(`redis:${command}`);
    const args = generatorListOption(step.options, 'args').map((gen, i) => compileGenerator(gen, random.fork(i), partitionOf(env)));
    const redis = env.redis;
    if (!redis) throw new Error('the redis operation needs a Redis client');
    return {
      async run() {
        const reply = await redis.call(command, ...args.map((draw) => String(draw())));
        return ok(reply === null ? 'nil' : 'ok');
      },
    };
  },
};
