// The operations catalog: every operation a scenario may use (phases, params, options with types, bounds and
// defaults), gathered from the operation files in src/load/operations/ (one file each). Validation reads it here.
import { availableParallelism } from 'node:os';
import { PERMISSIONS } from '../dataset/permissions.js';
import { IP_POOL_SIZE } from '../load/operations/auth-login.js';
import { operationRegistry } from '../load/operations/index.js';
import type { OperationSpec, OptionSpec, ParamDomainName } from '../load/operations/spec.js';
import { didYouMean, listWords } from './did-you-mean.js';
import { childPath, describe, Issues, readBoolean, readEnum, readInteger, readMap, readRatio, readString } from './fields.js';
import { GENERATOR_FORMS, type ParamDomain, parseGenerator } from './generators.js';
import type { ParamGenerator } from './plan.js';
import { fromPlain, type SourceNode } from './source-tree.js';

export type { OperationSpec, OptionSpec, ParamDomainName, ParamSpec } from '../load/operations/spec.js';
export { IP_POOL_SIZE, PERMISSIONS };

/** Name → catalog entry, in the registry's order (the order docs and messages list them in). */
export const OPERATIONS: Readonly<Record<string, OperationSpec>> = deepFreeze(
  Object.fromEntries([...operationRegistry.values()].map((d): [string, OperationSpec] => [d.name, { name: d.name, ...d.catalog }])),
);

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
