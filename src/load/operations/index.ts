// The operations registry: name → definition, one file per operation. The scenario catalog (src/scenario/operations.ts)
// is gathered from the same list, so adding an operation is adding its file here.
import type { OperationDefinition } from './types.js';
import { authLoginOperation } from './auth-login.js';
import { authLogoutOperation } from './auth-logout.js';
import { rbacCheckOperation } from './rbac-check.js';
import { redisOperation } from './redis.js';
import { sessionRevokeAllOperation } from './session-revoke-all.js';
import { sessionValidateOperation } from './session-validate.js';
import { sqlOperation } from './sql.js';
import { tokenRefreshOperation } from './token-refresh.js';
import { userLookupOperation } from './user-lookup.js';

const definitions: readonly OperationDefinition[] = [
  authLoginOperation,
  sessionValidateOperation,
  rbacCheckOperation,
  userLookupOperation,
  tokenRefreshOperation,
  authLogoutOperation,
  sessionRevokeAllOperation,
  sqlOperation,
  redisOperation,
];

export const operationRegistry: ReadonlyMap<string, OperationDefinition> = new Map(definitions.map((d) => [d.name, d]));

export function findOperation(name: string): OperationDefinition | undefined {
  return operationRegistry.get(name);
}

export type { OperationDefinition, OperationEnv, PreparedOperation, IterationScope, StepResult, WarmRequest } from './types.js';
