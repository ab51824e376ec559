// The operations registry: name → definition. One file per operation; the names match src/scenario/operations.ts.
import type { OperationDefinition } from './types.js';
import { redisOperation } from './redis.js';
import { sqlOperation } from './sql.js';

const definitions: readonly OperationDefinition[] = [sqlOperation, redisOperation];

export const operationRegistry: ReadonlyMap<string, OperationDefinition> = new Map(definitions.map((d) => [d.name, d]));

export function findOperation(name: string): OperationDefinition | undefined {
  return operationRegistry.get(name);
}

export type { OperationDefinition, OperationEnv, PreparedOperation, IterationScope, StepResult } from './types.js';
