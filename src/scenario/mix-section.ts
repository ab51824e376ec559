// Validates the `mix` section: weighted entries, each one operation or an ordered flow of steps, with
// params and options checked against the operations catalog.
import { SCENARIO_DEFAULTS, SCENARIO_LIMITS } from './defaults.js';
import { childPath, describe, type Issues, type MapReader, readMap, readNumber, readString } from './fields.js';
import { type OperationContext, operationSpec, unknownOperationMessage, validateOperationOptions, validateOperationParams } from './operations.js';
import type { MixEntry, Step } from './plan.js';
import type { SourceNode } from './source-tree.js';

export const MIX_ENTRY_KEYS: readonly string[] = ['name', 'weight', 'tag', 'op', 'steps', 'params', 'options'];
export const STEP_KEYS: readonly string[] = ['op', 'params', 'options'];
/** A single-operation entry's name may stand for its operation in thresholds, so no `/`; `run` is the run-wide scope. */
const NAME_PATTERN = /^[A-Za-z0-9][\w.:+-]*$/;
const RESERVED_NAMES = ['run'];
/** A tag becomes part of result keys (`auth.login@attack`, `auth.login@attack/db`): no `/`, `@` or `+`. */
const TAG_PATTERN = /^[A-Za-z0-9][\w-]*$/;

export type ParsedMixEntry = MixEntry;

/**
 * `complete` is false when the mix could not be read at all; `failedNames` holds the names and ops written in
 * entries that had problems, so thresholds on them are not reported a second time as unknown.
 */
export interface ParsedMix {
  readonly entries: ParsedMixEntry[];
  readonly complete: boolean;
  readonly failedNames: ReadonlySet<string>;
}

export function parseMix(node: SourceNode | undefined, parentLine: number | undefined, issues: Issues, context: OperationContext): ParsedMix {
  const entries: ParsedMixEntry[] = [];
  const failedNames = new Set<string>();
  if (node === undefined) {
    issues.add('mix', parentLine, 'required: at least one operation, e.g. [ { op: auth.login } ]');
    return { entries, complete: false, failedNames };
  }
  if (node.kind !== 'seq') {
    issues.add('mix', node.line, `expected a list of operations, got ${describe(node)}`);
    return { entries, complete: false, failedNames };
  }
  if (node.items.length === 0 || node.items.length > SCENARIO_LIMITS.maxMixEntries) {
    issues.add('mix', node.line, `must have from 1 to ${SCENARIO_LIMITS.maxMixEntries} entries, got ${node.items.length}`);
    return { entries, complete: false, failedNames };
  }
  const seen = new Map<string, number>();
  node.items.forEach((item, i) => {
    const entry = parseEntry(item, `mix[${i}]`, issues, context);
    if (!entry) {
      for (const text of writtenNames(item)) failedNames.add(text);
      return;
    }
    const first = seen.get(entry.name);
    if (first !== undefined) {
      issues.add(`mix[${i}].name`, item.line, `"${entry.name}" is already the name of mix[${first}]; give each entry its own name`);
      return;
    }
    seen.set(entry.name, i);
    entries.push(entry);
  });
  return { entries, complete: true, failedNames };
}

/** Every `name` and `op` text in an entry (and its steps), as written. */
function writtenNames(node: SourceNode): string[] {
  if (node.kind !== 'map') return [];
  const names: string[] = [];
  for (const entry of node.entries) {
    if ((entry.key === 'name' || entry.key === 'op') && entry.value.kind === 'scalar' && typeof entry.value.value === 'string') names.push(entry.value.value);
    if (entry.key === 'steps' && entry.value.kind === 'seq') names.push(...entry.value.items.flatMap(writtenNames));
  }
  return names;
}

function parseEntry(node: SourceNode, path: string, issues: Issues, context: OperationContext): ParsedMixEntry | undefined {
  const map = readMap(node, path, issues, MIX_ENTRY_KEYS, 'a mix entry { op, weight, params, options } or { steps, weight }');
  if (!map) return undefined;
  const before = issues.count;
  const weightNode = map.get('weight');
  const weight = weightNode === undefined ? SCENARIO_DEFAULTS.mixWeight : readNumber(weightNode, map.child('weight'), issues, { min: 0, max: SCENARIO_LIMITS.maxWeight, exclusiveMin: true });
  const opNode = map.get('op');
  const stepsNode = map.get('steps');

  let steps: Step[] = [];
  let op: string | undefined;
  if (opNode !== undefined && stepsNode !== undefined) {
    issues.add(map.child('steps'), map.keyLine('steps'), 'use either op (one operation) or steps (a flow), not both');
  } else if (opNode !== undefined) {
    const step = parseStep(map, path, issues, context);
    if (step) {
      steps = [step];
      op = step.op;
    }
  } else if (stepsNode !== undefined) {
    for (const key of ['params', 'options']) {
      if (map.has(key)) issues.add(map.child(key), map.keyLine(key), `with steps, put ${key} on each step`);
    }
    steps = parseSteps(stepsNode, map.child('steps'), issues, context);
  } else {
    issues.add(map.child('op'), node.line, 'required: the operation to run (e.g. op: auth.login), or steps for a flow');
  }

  const nameNode = map.get('name');
  let name = op ?? steps.map((s) => s.op).join('+');
  const tagNode = map.get('tag');
  const tag = tagNode === undefined ? undefined : readTag(tagNode, map.child('tag'), issues);
  // A tagged entry's default name is its result key (auth.login@attack), so two tagged copies of one op need no names.
  if (tag !== undefined) name = `${name}@${tag}`;
  if (nameNode !== undefined) name = readName(nameNode, map.child('name'), issues) ?? name;
  if (issues.count > before || weight === undefined) return undefined;
  return tag === undefined ? { name, weight, steps } : { name, weight, steps, tag };
}

function parseSteps(node: SourceNode, path: string, issues: Issues, context: OperationContext): Step[] {
  if (node.kind !== 'seq') {
    issues.add(path, node.line, `expected a list of steps { op, params, options }, got ${describe(node)}`);
    return [];
  }
  if (node.items.length === 0 || node.items.length > SCENARIO_LIMITS.maxSteps) {
    issues.add(path, node.line, `must have from 1 to ${SCENARIO_LIMITS.maxSteps} steps, got ${node.items.length}`);
    return [];
  }
  const steps: Step[] = [];
  node.items.forEach((item, i) => {
    const stepPath = childPath(path, i);
    const map = readMap(item, stepPath, issues, STEP_KEYS, 'a step { op, params, options }');
    if (!map) return;
    if (!map.has('op')) {
      issues.add(childPath(stepPath, 'op'), item.line, 'required: the operation of this step, e.g. op: session.validate');
      return;
    }
    const step = parseStep(map, stepPath, issues, context);
    if (step) steps.push(step);
  });
  return steps;
}

/** Reads op, params and options from a map that holds them (a mix entry or a flow's step). */
function parseStep(map: MapReader, path: string, issues: Issues, context: OperationContext): Step | undefined {
  const opNode = map.get('op')!;
  const op = readString(opNode, childPath(path, 'op'), issues, { nonEmpty: true });
  if (op === undefined) return undefined;
  if (!operationSpec(op)) {
    issues.add(childPath(path, 'op'), opNode.line, unknownOperationMessage(op));
    return undefined;
  }
  const params = validateOperationParams(op, map.get('params'), childPath(path, 'params'), context, issues);
  const optionsPath = childPath(path, 'options');
  const optionsNode = map.get('options');
  const validated = validateOperationOptions(op, optionsNode, optionsPath, context, issues.file);
  for (const issue of validated.issues) {
    // Missing required options are reported on the step when there is no options map to point at.
    issues.addIssue(issue.line === undefined && optionsNode === undefined ? { ...issue, ...(map.node.line === undefined ? {} : { line: map.node.line }) } : issue);
  }
  return { op, params, options: validated.options };
}

function readTag(node: SourceNode, path: string, issues: Issues): string | undefined {
  const tag = readString(node, path, issues, { nonEmpty: true, maxLength: 50 });
  if (tag === undefined) return undefined;
  if (!TAG_PATTERN.test(tag)) {
    issues.add(path, node.line, `must start with a letter or digit and use only letters, digits, _ and - (it becomes part of result keys like auth.login@${'attack'}), got ${JSON.stringify(tag)}`);
    return undefined;
  }
  return tag;
}

function readName(node: SourceNode, path: string, issues: Issues): string | undefined {
  const name = readString(node, path, issues, { nonEmpty: true, maxLength: 100 });
  if (name === undefined) return undefined;
  if (!NAME_PATTERN.test(name)) {
    issues.add(path, node.line, `must start with a letter or digit and use only letters, digits and . _ : + - (it names results and thresholds), got ${JSON.stringify(name)}`);
    return undefined;
  }
  if (RESERVED_NAMES.includes(name)) {
    issues.add(path, node.line, `"${name}" is reserved for run-wide thresholds; choose another name`);
    return undefined;
  }
  return name;
}
