// Parses parameter generators written in a scenario (`zipf(1.1)`, `uniform(1, 1000)`, `sequential`,
// `list(a, b)` or a YAML list, constants) into ParamGenerator data, checked against the value domain they draw from.
import { didYouMean, listWords } from './did-you-mean.js';
import { describe, type Issues } from './fields.js';
import type { ParamGenerator } from './plan.js';
import type { ScalarValue, SourceNode } from './source-tree.js';

/**
 * What generated values stand for. Integer domains (`user`, `permission`, `ip`) are 1-based indexes into
 * something of known size, so generators over them are bounds-checked; `permission` also accepts names.
 */
export type ParamDomain =
  | { readonly kind: 'index'; readonly size: number; readonly what: string; readonly names?: readonly string[] }
  | { readonly kind: 'any'; readonly defaultN: number };

export const GENERATOR_FORMS = 'zipf(s[, n]), uniform[(min, max)], sequential[(start, end)] or list(a, b, …)';
const GENERATOR_NAMES = ['zipf', 'uniform', 'sequential', 'list'] as const;
/** Zipf exponents above this put essentially every draw on rank 1; almost surely a typo. */
const MAX_ZIPF_EXPONENT = 10;
const MAX_ANY_N = 1_000_000_000;

type Primitive = string | number | boolean;

/** Parses one generator. Returns undefined (and records issues) when it is not valid. */
export function parseGenerator(node: SourceNode, path: string, issues: Issues, domain: ParamDomain): ParamGenerator | undefined {
  const fail = (message: string): undefined => {
    issues.add(path, node.line, message);
    return undefined;
  };
  if (node.kind === 'map') return fail(`expected a generator like ${GENERATOR_FORMS} or a constant, got a map`);
  if (node.kind === 'seq') {
    const values: Primitive[] = [];
    for (const item of node.items) {
      if (item.kind !== 'scalar' || item.value === null) return fail(`list items must be numbers, text or booleans, got ${describe(item)}`);
      values.push(item.value);
    }
    return checkList(values, domain, fail);
  }
  const value: ScalarValue = node.value;
  if (value === null) return fail(`expected a generator like ${GENERATOR_FORMS} or a constant, got nothing`);
  if (typeof value !== 'string') return checkConst(value, domain, fail);

  const text = value.trim();
  const call = /^([A-Za-z_][\w]*)\s*(?:\((.*)\))?$/s.exec(text);
  const looksLikeCall = /^[A-Za-z_][\w]*\s*\(/.test(text);
  if (!call) {
    if (looksLikeCall) {
      const hint = text.includes(')') ? '' : ' (inside { … } or [ … ], quote generators that contain commas)';
      return fail(`malformed generator ${JSON.stringify(text)}; expected ${GENERATOR_FORMS}${hint}`);
    }
    return checkConst(text, domain, fail);
  }
  const name = call[1]!;
  const argText = call[2];
  if (!(GENERATOR_NAMES as readonly string[]).includes(name)) {
    if (argText === undefined) return checkConst(text, domain, fail);
    const suggestion = didYouMean(name, GENERATOR_NAMES);
    return fail(`unknown generator "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; expected ${GENERATOR_FORMS}`);
  }
  const args = argText === undefined ? [] : splitArgs(argText);
  switch (name) {
    case 'zipf':
      return parseZipf(args, domain, fail);
    case 'uniform':
      return parseUniform(args, domain, fail);
    case 'sequential':
      return parseSequential(args, domain, fail);
    default:
      if (args.length === 0) return fail('list needs at least one value: list(a, b, …)');
      return checkList(args.map(argValue), domain, fail);
  }
}

function splitArgs(text: string): string[] {
  if (text.trim() === '') return [];
  return text.split(',').map((a) => a.trim());
}

/** An argument: a number when it reads as one, else text without surrounding quotes. */
function argValue(arg: string): Primitive {
  if (/^[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(arg)) return Number(arg);
  const quoted = /^(["'])(.*)\1$/.exec(arg);
  return quoted ? quoted[2]! : arg;
}

function numberArg(arg: string | undefined): number | undefined {
  if (arg === undefined) return undefined;
  const value = argValue(arg);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

type Fail = (message: string) => undefined;

function domainSize(domain: ParamDomain): number {
  return domain.kind === 'index' ? domain.size : domain.defaultN;
}

function parseZipf(args: string[], domain: ParamDomain, fail: Fail): ParamGenerator | undefined {
  if (args.length < 1 || args.length > 2) return fail(`zipf takes an exponent and an optional size: zipf(1.1) or zipf(1.1, 1000), got ${args.length} arguments`);
  const s = numberArg(args[0]);
  if (s === undefined || s <= 0 || s > MAX_ZIPF_EXPONENT) return fail(`zipf exponent must be a number more than 0 and at most ${MAX_ZIPF_EXPONENT}, got ${args[0]}`);
  const n = args.length === 2 ? numberArg(args[1]) : domainSize(domain);
  const maxN = domain.kind === 'index' ? domain.size : MAX_ANY_N;
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > maxN) {
    return fail(`zipf size must be a whole number from 1 to ${maxN}${domain.kind === 'index' ? ` (${domain.what})` : ''}, got ${args[1]}`);
  }
  return { kind: 'zipf', s, n };
}

function parseUniform(args: string[], domain: ParamDomain, fail: Fail): ParamGenerator | undefined {
  // Bare `uniform` spans the whole domain (1..dataset.users for users), like bare `sequential`.
  if (args.length === 0) return { kind: 'uniform', min: 1, max: domainSize(domain) };
  if (args.length !== 2) return fail(`uniform takes two numbers: uniform(min, max), got ${args.length} arguments`);
  const min = numberArg(args[0]);
  const max = numberArg(args[1]);
  if (min === undefined || max === undefined) return fail(`uniform takes two numbers: uniform(min, max), got uniform(${args.join(', ')})`);
  if (min > max) return fail(`uniform min must not be more than max, got uniform(${args.join(', ')})`);
  if (domain.kind === 'index') {
    const bad = indexProblem(min, domain) ?? indexProblem(max, domain);
    if (bad) return fail(`uniform ${bad}`);
  }
  return { kind: 'uniform', min, max };
}

function parseSequential(args: string[], domain: ParamDomain, fail: Fail): ParamGenerator | undefined {
  if (args.length === 0) return { kind: 'sequential', start: 1, end: domainSize(domain) };
  if (args.length !== 2) return fail(`sequential takes no arguments or a start and an end: sequential(1, 1000), got ${args.length} arguments`);
  const start = numberArg(args[0]);
  const end = numberArg(args[1]);
  if (start === undefined || end === undefined || !Number.isInteger(start) || !Number.isInteger(end)) {
    return fail(`sequential takes whole numbers: sequential(start, end), got sequential(${args.join(', ')})`);
  }
  if (start > end) return fail(`sequential start must not be more than end, got sequential(${args.join(', ')})`);
  if (domain.kind === 'index') {
    const bad = indexProblem(start, domain) ?? indexProblem(end, domain);
    if (bad) return fail(`sequential ${bad}`);
  }
  return { kind: 'sequential', start, end };
}

function checkList(values: Primitive[], domain: ParamDomain, fail: Fail): ParamGenerator | undefined {
  if (values.length === 0) return fail('list needs at least one value');
  for (const value of values) {
    const bad = valueProblem(value, domain);
    if (bad) return fail(`list ${bad}`);
  }
  return { kind: 'list', values };
}

function checkConst(value: Primitive, domain: ParamDomain, fail: Fail): ParamGenerator | undefined {
  const bad = valueProblem(value, domain);
  if (bad) return fail(bad);
  return { kind: 'const', value };
}

/** Values of an index domain are 1-based indexes, or (for named domains such as permissions) names. */
function valueProblem(value: Primitive, domain: ParamDomain): string | undefined {
  if (domain.kind === 'any') return undefined;
  if (typeof value === 'number') return indexProblem(value, domain);
  if (typeof value === 'string' && domain.names) {
    if (domain.names.includes(value)) return undefined;
    const suggestion = didYouMean(value, domain.names);
    return `value ${JSON.stringify(value)} is not one of the ${domain.what}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
  }
  return `value ${JSON.stringify(value)} must be a whole number from 1 to ${domain.size} (${domain.what})${domain.names ? ` or a name such as ${listWords(domain.names.slice(0, 3))}` : ''}`;
}

function indexProblem(value: number, domain: Extract<ParamDomain, { kind: 'index' }>): string | undefined {
  if (Number.isInteger(value) && value >= 1 && value <= domain.size) return undefined;
  return `value ${value} must be a whole number from 1 to ${domain.size} (${domain.what})`;
}
