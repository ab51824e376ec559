// The operations catalog: the static description of every operation a scenario may use (phases, params,
// options with types, bounds and defaults). Validation reads it; src/load/ implements each entry against it.
import { availableParallelism } from 'node:os';
import { didYouMean, listWords } from './did-you-mean.js';
import { childPath, describe, Issues, readBoolean, readEnum, readInteger, readMap, readRatio, readString } from './fields.js';
import { GENERATOR_FORMS, type ParamDomain, parseGenerator } from './generators.js';
import type { ParamGenerator } from './plan.js';
import { fromPlain, type SourceNode } from './source-tree.js';

/** Permission names seeded by sql/003_rbac.sql (bit order). rbac.check draws from them by default. */
export const PERMISSIONS: readonly string[] = Object.freeze([
  'users:read', 'users:write', 'users:delete', 'users:lock',
  'profile:read', 'profile:write',
  'sessions:read', 'sessions:revoke', 'sessions:revoke_all',
  'roles:read', 'roles:assign',
  'audit:read', 'audit:export',
  'billing:read', 'billing:write', 'payments:read', 'payments:write', 'refunds:write',
  'orders:read', 'orders:write', 'catalog:read', 'catalog:write', 'inventory:write',
  'shipping:write', 'messages:send', 'search:query', 'reports:read', 'reports:export',
  'fraud:review', 'compliance:review', 'identity:verify', 'backups:run', 'metrics:read',
  'jobs:schedule', 'webhooks:manage', 'data:import', 'data:export',
]);

/** Client IPs of auth.login come from a pool this large (index 1..IP_POOL_SIZE → a fixed address). */
export const IP_POOL_SIZE = 10_000;

/**
 * What a param's values index. `user`: ranks 1..dataset.users (rank 1 is the hottest user under zipf);
 * `permission`: 1..PERMISSIONS.length or a permission name; `ip`: 1..IP_POOL_SIZE; `any`: unchecked (sql, redis).
 */
export type ParamDomainName = 'user' | 'permission' | 'ip' | 'any';

export interface ParamSpec {
  readonly description: string;
  readonly domain: ParamDomainName;
  /** Default generator, written as in a scenario (`zipf(1.1)`) or as a list of values. */
  readonly default: string | readonly string[];
}

export type OptionSpec =
  | { readonly type: 'ratio'; readonly description: string; readonly default: number }
  | { readonly type: 'enum'; readonly description: string; readonly values: readonly string[]; readonly default: string }
  /** `default: 'cores'` resolves to os.availableParallelism() (or the parser's `cores` override). */
  | { readonly type: 'integer'; readonly description: string; readonly min: number; readonly max: number; readonly default: number | 'cores' }
  | { readonly type: 'boolean'; readonly description: string; readonly default: boolean }
  | { readonly type: 'string'; readonly description: string; readonly required: true }
  | { readonly type: 'generator'; readonly description: string; readonly domain: ParamDomainName; readonly default: string }
  /** An ordered list of generators (sql `$1..$n`, redis args); each item is a generator or a constant. */
  | { readonly type: 'generators'; readonly description: string; readonly default: readonly string[] };

export interface OperationSpec {
  readonly name: string;
  readonly description: string;
  /** Timed parts of one call, reported as `op/phase` (e.g. `auth.login/db`) and usable in thresholds. */
  readonly phases: readonly string[];
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

const USER: ParamSpec = { description: 'Which user (rank 1..dataset.users; under zipf rank 1 is the hottest).', domain: 'user', default: 'zipf(1.1)' };
/**
 * Logins are spread uniformly: each user logs in a few times a day. A zipf-hot account with wrong-password
 * traffic would be locked out and rate-limited within a second, measuring the lockout path instead of logins.
 */
const LOGIN_USER: ParamSpec = { description: 'Which user logs in (rank 1..dataset.users).', domain: 'user', default: 'uniform' };

export const OPERATIONS: Readonly<Record<string, OperationSpec>> = deepFreeze({
  'auth.login': {
    name: 'auth.login',
    description: 'Password login: rate limit check, begin login, password verify, finish login (session row), access token signed (EdDSA JWT), session cached in Redis.',
    phases: ['ratelimit', 'db', 'verify', 'sign', 'cache'],
    params: { user: LOGIN_USER },
    options: {
      wrongPasswordShare: { type: 'ratio', description: 'Share of attempts sent with a wrong password (must be refused).', default: 0.05 },
      verify: {
        type: 'enum',
        description: 'none: the generator knows whether it sent the right password and skips hashing; argon2id: really verifies the stored PHC string.',
        values: ['none', 'argon2id'],
        default: 'none',
      },
      maxConcurrentHashes: { type: 'integer', description: 'Argon2id verifications running at once per worker (verify: argon2id).', min: 1, max: 1024, default: 'cores' },
      rateLimit: { type: 'boolean', description: 'Check and count the attempt in the Redis rate limiter.', default: true },
      cacheSession: { type: 'boolean', description: 'Cache the new session in Redis.', default: true },
      jwt: { type: 'boolean', description: 'Sign the session\'s access token (EdDSA JWT with its jti and expiry), timed as the sign phase.', default: true },
      recordAcknowledged: { type: 'boolean', description: 'Keep the jti of every login the database acknowledged (in acknowledged-logins.txt of the report directory), so a durability check can look for each after a crash.', default: false },
      ip: { type: 'generator', description: `Client IP, an index into a pool of ${IP_POOL_SIZE} addresses.`, domain: 'ip', default: `uniform(1, ${IP_POOL_SIZE})` },
    },
  },
  'session.validate': {
    name: 'session.validate',
    description: 'Validate a session token: the JWT\'s signature and expiry, then the Redis cache, the database on a miss; revoked and expired tokens must be rejected.',
    phases: ['verify', 'cache', 'db'],
    params: { user: USER },
    options: {
      jwt: { type: 'boolean', description: 'Present the session as a signed JWT and verify its signature and expiry first (the verify phase).', default: true },
      expiredShare: { type: 'ratio', description: 'Share of validations presenting an expired JWT (with jwt), which must be refused before any lookup.', default: 0 },
      cacheHitRatio: { type: 'ratio', description: 'Share of validations whose session is in the cache.', default: 0.9 },
      revokedShare: { type: 'ratio', description: 'Share of validations of a revoked/denylisted token (must be rejected).', default: 0.01 },
    },
  },
  'rbac.check': {
    name: 'rbac.check',
    description: 'Does the user hold a permission: cached permission mask first, the database on a miss.',
    phases: ['cache', 'db'],
    params: {
      user: USER,
      permission: { description: 'Which permission (a name, or 1..37 in bit order).', domain: 'permission', default: PERMISSIONS },
    },
    options: {
      cacheHitRatio: { type: 'ratio', description: 'Share of checks whose permission mask is in the cache.', default: 0.95 },
    },
  },
  'user.lookup': {
    name: 'user.lookup',
    description: 'Read one user by id or by username.',
    phases: [],
    params: { user: USER },
    options: {
      by: { type: 'enum', description: 'Look up by primary key or by the (case-insensitive) username.', values: ['id', 'username'], default: 'id' },
    },
  },
  'token.refresh': {
    name: 'token.refresh',
    description: 'Rotate a refresh token: revoke the old one and issue a new one in one transaction.',
    phases: [],
    params: { user: USER },
    options: {},
  },
  'auth.logout': {
    name: 'auth.logout',
    description: 'Revoke a session and add it to the Redis denylist.',
    phases: [],
    params: { user: USER },
    options: {},
  },
  sql: {
    name: 'sql',
    description: 'A custom SQL statement with generated parameters.',
    phases: [],
    params: {},
    options: {
      query: { type: 'string', description: 'The statement, with $1…$n placeholders.', required: true },
      params: { type: 'generators', description: 'Generators for $1..$n, in order; as many as the highest $n in the query.', default: [] },
      prepared: { type: 'boolean', description: 'Use a named prepared statement (parse once per connection).', default: true },
    },
  },
  redis: {
    name: 'redis',
    description: 'A custom Redis command with generated arguments.',
    phases: [],
    params: {},
    options: {
      command: { type: 'string', description: 'The command name, e.g. GET.', required: true },
      args: { type: 'generators', description: 'Arguments, in order: text, numbers or generators.', default: [] },
    },
  },
} satisfies Record<string, OperationSpec>);

export const OPERATION_NAMES: readonly string[] = Object.freeze(Object.keys(OPERATIONS));

/**
 * The catalog entry of an operation name, or undefined. Names come from the user, so the lookup is by own key:
 * `OPERATIONS['constructor']` would otherwise find Object.prototype's function.
 */
export function operationSpec(name: string): OperationSpec | undefined {
  return Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
}

/** What the validation of options and params needs to know about the rest of the scenario. */
export interface OperationContext {
  readonly datasetUsers: number;
  /** os.availableParallelism() unless overridden (tests). */
  readonly cores: number;
}

export function defaultOperationContext(datasetUsers: number): OperationContext {
  return { datasetUsers, cores: availableParallelism() };
}

export function paramDomain(name: ParamDomainName, context: OperationContext): ParamDomain {
  switch (name) {
    case 'user':
      return { kind: 'index', size: context.datasetUsers, what: `dataset.users is ${context.datasetUsers}` };
    case 'permission':
      return { kind: 'index', size: PERMISSIONS.length, what: `${PERMISSIONS.length} permissions`, names: PERMISSIONS };
    case 'ip':
      return { kind: 'index', size: IP_POOL_SIZE, what: `a pool of ${IP_POOL_SIZE} IPs` };
    case 'any':
      return { kind: 'any', defaultN: context.datasetUsers };
  }
}

/** The unknown-operation message, shared by the mix and thresholds. */
export function unknownOperationMessage(op: string): string {
  const suggestion = didYouMean(op, OPERATION_NAMES);
  return `unknown operation "${op}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known operations: ${listWords(OPERATION_NAMES)}`;
}

/**
 * Validates an operation's options (a YAML map, or plain values via fromPlain) and fills the defaults.
 * Issues carry `path` + option name; options come back in program units (ratios 0..1, generators parsed).
 */
export function validateOperationOptions(
  op: string,
  options: SourceNode | Readonly<Record<string, unknown>> | undefined,
  path: string,
  context: OperationContext,
  file?: string,
): { options: Readonly<Record<string, unknown>>; issues: Issues['list'] } {
  const issues = new Issues(file);
  const spec = operationSpec(op);
  if (!spec) {
    issues.add(path, undefined, unknownOperationMessage(op));
    return { options: {}, issues: issues.list };
  }
  const node: SourceNode = options === undefined ? { kind: 'map', entries: [] } : isSourceNode(options) ? options : fromPlain(options);
  const map = readMap(node, path, issues, Object.keys(spec.options), `the options of ${op} (a map)`);
  const result: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    const value = map?.get(name);
    const at = childPath(path, name);
    if (value === undefined) {
      if (option.type === 'string') {
        if (map) issues.add(at, map.node.line, `required by ${op}`);
        continue;
      }
      result[name] = defaultOption(option, context, issues, at);
      continue;
    }
    const read = readOption(option, value, at, issues, context);
    if (read !== undefined) result[name] = read;
  }
  if (op === 'sql' && typeof result.query === 'string' && Array.isArray(result.params)) {
    const highest = Math.max(0, ...[...result.query.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    const count = result.params.length;
    if (highest !== count) {
      const line = map?.get('params')?.line ?? map?.get('query')?.line;
      issues.add(childPath(path, 'params'), line, `the query uses $1..$${highest} but ${count} param${count === 1 ? ' is' : 's are'} given`);
    }
  }
  return { options: deepFreeze(result), issues: issues.list };
}

/** Validates the params of one step; unknown params and bad generators are issues. */
export function validateOperationParams(
  op: string,
  params: SourceNode | undefined,
  path: string,
  context: OperationContext,
  issues: Issues,
): Readonly<Record<string, ParamGenerator>> {
  const spec = operationSpec(op);
  const result: Record<string, ParamGenerator> = {};
  if (!spec) return result;
  const names = Object.keys(spec.params);
  if (params !== undefined && names.length === 0) {
    issues.add(path, params.line, `${op} takes no params${op === 'sql' || op === 'redis' ? ` (use options.${op === 'sql' ? 'params' : 'args'})` : ''}`);
    return result;
  }
  const map = params === undefined ? undefined : readMap(params, path, issues, names, `the params of ${op} (a map)`);
  for (const [name, param] of Object.entries(spec.params)) {
    const node = map?.get(name) ?? fromPlain(param.default);
    const generator = parseGenerator(node, childPath(path, name), issues, paramDomain(param.domain, context));
    if (generator) result[name] = generator;
  }
  return deepFreeze(result);
}

function readOption(option: OptionSpec, value: SourceNode, at: string, issues: Issues, context: OperationContext): unknown {
  switch (option.type) {
    case 'ratio':
      return readRatio(value, at, issues);
    case 'enum':
      return readEnum(value, at, issues, option.values);
    case 'integer':
      return readInteger(value, at, issues, option);
    case 'boolean':
      return readBoolean(value, at, issues);
    case 'string':
      return readString(value, at, issues, { nonEmpty: true });
    case 'generator':
      return parseGenerator(value, at, issues, paramDomain(option.domain, context));
    case 'generators': {
      if (value.kind !== 'seq') {
        issues.add(at, value.line, `expected a list of values or generators (${GENERATOR_FORMS}), got ${describe(value)}`);
        return undefined;
      }
      const generators = value.items.map((item, i) => parseGenerator(item, childPath(at, i), issues, paramDomain('any', context)));
      return generators.every((g) => g !== undefined) ? generators : undefined;
    }
  }
}

function defaultOption(option: Exclude<OptionSpec, { type: 'string' }>, context: OperationContext, issues: Issues, at: string): unknown {
  switch (option.type) {
    case 'integer':
      return option.default === 'cores' ? Math.min(option.max, Math.max(option.min, context.cores)) : option.default;
    case 'generator':
      return parseGenerator(fromPlain(option.default), at, issues, paramDomain(option.domain, context));
    case 'generators':
      return [];
    default:
      return option.default;
  }
}

function isSourceNode(value: unknown): value is SourceNode {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return (kind === 'map' || kind === 'seq' || kind === 'scalar') && ('entries' in (value as object) || 'items' in (value as object) || 'value' in (value as object));
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
