// Validates the `thresholds` section: scope keys resolved against the mix and the operations catalog,
// each threshold parsed by the grammar in src/thresholds/, so that nothing starts with a threshold that cannot be judged.
import { parseScopeKey, parseThreshold } from '../thresholds/parse.js';
import type { Threshold, ThresholdScope } from '../thresholds/types.js';
import { SCENARIO_LIMITS } from './defaults.js';
import { didYouMean, listWords } from './did-you-mean.js';
import { childPath, describe, type Issues, readBoolean, readDuration, readInteger, readMap, readString } from './fields.js';
import type { ParsedMix, ParsedMixEntry } from './mix-section.js';
import type { PlanEvent } from './event-types.js';
import { operationSpec, unknownOperationMessage } from './operations.js';
import type { SourceNode } from './source-tree.js';
import { splitTag } from '../results/keys.js';

export const THRESHOLD_OBJECT_KEYS: readonly string[] = ['threshold', 'abortOnFail', 'grace', 'minSamples'];

/**
 * Scopes are resolved against the validated mix. A scope naming an entry that had problems of its own (or any
 * scope, when the mix could not be read) is not reported again: the mix's issue already says what is wrong.
 */
export function parseThresholds(node: SourceNode | undefined, issues: Issues, parsedMix: ParsedMix, events: readonly Pick<PlanEvent, 'name'>[] = []): Threshold[] {
  const mix = parsedMix.entries;
  const eventNames = events.map((e) => e.name);
  if (node === undefined) return [];
  const map = readMap(node, 'thresholds', issues, null, 'a map of scope → list of thresholds, e.g. { auth.login: ["p95 < 25ms"] }');
  if (!map) return [];
  const thresholds: Threshold[] = [];
  for (const entry of map.entries) {
    const path = childPath('thresholds', entry.key);
    const scope = resolveScope(entry.key, mix, eventNames);
    if (typeof scope === 'string') {
      const name = parseScopeKey(entry.key);
      const echo = !parsedMix.complete || (name.kind === 'operation' && parsedMix.failedNames.has(name.operation));
      if (!echo) issues.add(path, entry.keyLine, scope);
    }
    const items = entry.value.kind === 'seq' ? entry.value.items.map((item, i) => ({ item, itemPath: childPath(path, i) })) : [{ item: entry.value, itemPath: path }];
    for (const { item, itemPath } of items) {
      const threshold = parseOne(item, itemPath, issues, typeof scope === 'string' ? parseScopeKey(entry.key) : scope);
      if (threshold && typeof scope !== 'string') thresholds.push(threshold);
    }
  }
  return thresholds;
}

function parseOne(node: SourceNode, path: string, issues: Issues, scope: ThresholdScope): Threshold | undefined {
  let textNode = node;
  let minSamples: number | undefined;
  let abortOnFail: { graceMs: number } | undefined;
  if (node.kind === 'map') {
    const map = readMap(node, path, issues, THRESHOLD_OBJECT_KEYS, 'a threshold');
    if (!map) return undefined;
    const thresholdNode = map.get('threshold');
    if (thresholdNode === undefined) {
      issues.add(childPath(path, 'threshold'), node.line, 'required: the threshold text, e.g. threshold: "p99 < 100ms"');
      return undefined;
    }
    textNode = thresholdNode;
    path = childPath(path, 'threshold');
    const minNode = map.get('minSamples');
    if (minNode !== undefined) minSamples = readInteger(minNode, childPath(map.path, 'minSamples'), issues, { min: 0, max: SCENARIO_LIMITS.maxMinSamples });
    const abortNode = map.get('abortOnFail');
    const abort = abortNode === undefined ? false : readBoolean(abortNode, childPath(map.path, 'abortOnFail'), issues);
    const graceNode = map.get('grace');
    const graceMs = graceNode === undefined ? 0 : readDuration(graceNode, childPath(map.path, 'grace'), issues, { positive: false, maxMs: SCENARIO_LIMITS.maxDurationMs });
    if (graceNode !== undefined && abort === false) issues.add(childPath(map.path, 'grace'), graceNode.line, 'only with abortOnFail: true (it delays the abort)');
    if (abort && graceMs !== undefined) abortOnFail = { graceMs };
  }
  if (textNode.kind !== 'scalar' || typeof textNode.value !== 'string') {
    issues.add(path, textNode.line, `expected a threshold like "p95 < 25ms", got ${describe(textNode)}`);
    return undefined;
  }
  if (abortOnFail && scope.kind === 'operation' && scope.event !== undefined) {
    issues.add(path, textNode.line, `abortOnFail cannot judge an event window (${scope.event}) before the run ends; remove it or put the threshold under ${scope.operation}`);
    return undefined;
  }
  const text = readString(textNode, path, issues)!;
  const parsed = parseThreshold(text, scope, { path, ...(issues.file === undefined ? {} : { file: issues.file }), ...(textNode.line === undefined ? {} : { line: textNode.line }) }, {
    ...(minSamples === undefined ? {} : { minSamples }),
    ...(abortOnFail === undefined ? {} : { abortOnFail }),
  });
  if ('message' in parsed) {
    issues.addIssue(parsed);
    return undefined;
  }
  return parsed;
}

/**
 * Results are kept per operation (`auth.login`, `auth.login/db`), whichever entries or flows ran it, so a
 * scope is `run`, an operation in the mix, or the name of a single-operation entry (which stands for its
 * operation), optionally with a phase of that operation. Returns a message when the key does not resolve.
 */
export function resolveScope(key: string, mix: readonly ParsedMixEntry[], eventNames: readonly string[] = []): ThresholdScope | string {
  const scope = parseScopeKey(key);
  if (scope.kind === 'run') return scope;
  const { operation: written, phase } = scope;
  const window = eventWindowOf(written, mix, eventNames);
  if (typeof window === 'string') return window;
  if (window.event !== undefined) {
    const inner = resolveScope(phase === undefined ? window.rest : `${window.rest}/${phase}`, mix, []);
    return typeof inner === 'string' || inner.kind === 'run' ? inner : { ...inner, event: window.event };
  }
  const name = written;
  if (name.includes('@')) return resolveTagged(name, phase, mix);
  const opsInMix = [...new Set(mix.flatMap((e) => e.steps.map((s) => s.op)))];
  let op = opsInMix.includes(name) ? name : undefined;
  if (op === undefined) {
    const entry = mix.find((e) => e.name === name);
    if (entry && entry.steps.length === 1) op = entry.steps[0]!.op;
    else if (entry) return `results are kept per operation and ${name} is a flow of ${listWords([...new Set(entry.steps.map((s) => s.op))], 'and')}; put the threshold under one of them`;
  }
  if (op === undefined) {
    const has = opsInMix.length > 0 ? `; the mix has ${listWords(opsInMix, 'and')}` : '';
    if (operationSpec(name)) return `${name} is not in the mix${has}`;
    const suggestion = didYouMean(name, [...opsInMix, ...mix.map((e) => e.name)]);
    if (suggestion) return `unknown operation "${name}" (did you mean "${suggestion}"?)${has}`;
    return `${unknownOperationMessage(name)}${has}`;
  }
  if (phase === undefined) return { kind: 'operation', operation: op };
  const phases = operationSpec(op)!.phases;
  if (phases.length === 0) return `${op} has no phases; use "${name}" for the whole operation`;
  if (!phases.includes(phase)) {
    const suggestion = didYouMean(phase, phases);
    return `unknown phase of ${op}: "${phase}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; expected ${listWords(phases)}`;
  }
  return { kind: 'operation', operation: op, phase };
}

/**
 * Splits an event window off a scope: `auth.login@backup` → (auth.login, backup); `auth.login@attack@backup` →
 * (auth.login@attack, backup). A single `@name` is a tag when the mix has it, else an event (the scenario parser
 * refuses an event named like a tag). Returns a message for a name that is neither.
 */
function eventWindowOf(name: string, mix: readonly ParsedMixEntry[], eventNames: readonly string[]): { rest: string; event?: string } | string {
  const parts = name.split('@');
  if (parts.length === 1) return { rest: name };
  const last = parts.at(-1)!;
  const tags = new Set(mix.flatMap((e) => (e.tag === undefined ? [] : [e.tag])));
  if (parts.length === 2 && tags.has(last)) return { rest: name };
  if (eventNames.includes(last)) return { rest: parts.slice(0, -1).join('@'), event: last };
  if (parts.length > 3) return `expected operation@tag@event at most, got ${JSON.stringify(name)}`;
  if (parts.length === 3 || eventNames.length > 0) {
    const known = [...(parts.length === 2 ? [...tags] : []), ...eventNames];
    const suggestion = didYouMean(last, known);
    const listed = [
      ...(parts.length === 2 && tags.size > 0 ? [`tags in the mix: ${listWords([...tags], 'and')}`] : []),
      ...(eventNames.length > 0 ? [`events: ${listWords(eventNames, 'and')}`] : []),
    ];
    return `"${last}" is neither a mix tag nor an event name${suggestion ? ` (did you mean "${suggestion}"?)` : ''}${listed.length > 0 ? `; ${listed.join('; ')}` : ''}`;
  }
  return { rest: name };
}

/** `op@tag` (and `op@tag/phase`): an operation of the entries tagged `tag`, recorded apart from the rest. */
function resolveTagged(name: string, phase: string | undefined, mix: readonly ParsedMixEntry[]): ThresholdScope | string {
  const { op, tag = '' } = splitTag(name);
  const tagged = mix.filter((e) => e.tag === tag);
  if (tagged.length === 0) {
    const tags = [...new Set(mix.flatMap((e) => (e.tag === undefined ? [] : [e.tag])))];
    return `no mix entry has tag "${tag}"${tags.length > 0 ? `; tags in the mix: ${listWords(tags, 'and')}` : ''}`;
  }
  const ops = [...new Set(tagged.flatMap((e) => e.steps.map((s) => s.op)))];
  if (!ops.includes(op)) return `the entries tagged "${tag}" do not run ${op}; they run ${listWords(ops, 'and')}`;
  if (phase === undefined) return { kind: 'operation', operation: name };
  const phases = operationSpec(op)!.phases;
  if (phases.length === 0) return `${op} has no phases; use "${name}" for the whole operation`;
  if (!phases.includes(phase)) return `unknown phase of ${op}: "${phase}"; expected ${listWords(phases)}`;
  return { kind: 'operation', operation: name, phase };
}
