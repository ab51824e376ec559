// Typed readers over the source tree: each reads one field, checks its type, unit and bounds, and records
// an issue (with file, line and path) instead of throwing, so that one pass reports every problem.
import type { InputIssue } from '../errors.js';
import { didYouMean, listWords } from './did-you-mean.js';
import type { MapEntry, SourceNode } from './source-tree.js';
import { formatDuration, formatRate, parseDuration, parseRate, parseRatio } from './units.js';

/** Collects issues for one file. */
export class Issues {
  readonly list: InputIssue[] = [];
  constructor(readonly file: string | undefined) {}

  add(path: string, line: number | undefined, message: string): void {
    this.list.push({ ...(this.file === undefined ? {} : { file: this.file }), ...(line === undefined ? {} : { line }), path, message });
  }

  /** Adds issues produced elsewhere (e.g. by the threshold parser), stamping this file. */
  addIssue(issue: InputIssue): void {
    this.list.push({ ...issue, ...(this.file === undefined || issue.file !== undefined ? {} : { file: this.file }) });
  }

  get count(): number {
    return this.list.length;
  }
}

/** `load` + `rate` → `load.rate`; `mix` + 0 → `mix[0]`; keys that are not identifiers are quoted: `thresholds["auth.login/db"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** How a value reads in a message: strings quoted, lists and maps named. */
/** For a bare number where a unit is required (`rate: 2000`, `--rate 2000`): the fix, `; write 2000/s`. */
function unitFix(node: SourceNode, units: readonly string[]): string {
  if (node.kind !== 'scalar') return '';
  const raw = typeof node.value === 'number' ? String(node.value) : typeof node.value === 'string' ? node.value.trim() : '';
  if (!/^[0-9]+(\.[0-9]+)?$/.test(raw)) return '';
  return `; write ${units.map((u) => `${raw}${u}`).join(' or ')} (a number alone has no unit)`;
}

export function describe(node: SourceNode): string {
  switch (node.kind) {
    case 'map':
      return 'a map';
    case 'seq':
      return 'a list';
    case 'scalar':
      if (node.value === null) return 'nothing';
      return typeof node.value === 'string' ? quoteShort(node.value) : String(node.value);
  }
}

/** Long values are cut in messages: a message quotes what was written, it does not reproduce a file. */
const MAX_QUOTED_CHARS = 80;

function quoteShort(text: string): string {
  return text.length <= MAX_QUOTED_CHARS ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, MAX_QUOTED_CHARS))}… (${text.length} characters)`;
}

/** A map node whose keys have been checked against the allowed ones. */
export class MapReader {
  private readonly byKey = new Map<string, MapEntry>();

  constructor(
    readonly node: Extract<SourceNode, { kind: 'map' }>,
    readonly path: string,
  ) {
    for (const entry of node.entries) if (!this.byKey.has(entry.key)) this.byKey.set(entry.key, entry);
  }

  get(key: string): SourceNode | undefined {
    return this.byKey.get(key)?.value;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Line of the key (for "not allowed here" messages), else of the map. */
  keyLine(key: string): number | undefined {
    return this.byKey.get(key)?.keyLine ?? this.node.line;
  }

  child(key: string): string {
    return childPath(this.path, key);
  }

  get entries(): readonly MapEntry[] {
    return this.node.entries;
  }
}

/**
 * Reads a map and reports unknown keys: a near miss gets "did you mean", anything else the list of allowed
 * keys. `what` names the value in the type error ("the load section").
 */
export function readMap(node: SourceNode, path: string, issues: Issues, allowed: readonly string[] | null, what = 'a map'): MapReader | undefined {
  if (node.kind !== 'map') {
    issues.add(path || '(top level)', node.line, `expected ${what}, got ${describe(node)}`);
    return undefined;
  }
  const reader = new MapReader(node, path);
  if (allowed) {
    for (const entry of node.entries) {
      if (allowed.includes(entry.key)) continue;
      issues.add(childPath(path, entry.key), entry.keyLine, unknownKeyMessage(entry.key, allowed));
    }
  }
  return reader;
}

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  // `{ user: uniform(1, 10) }`: YAML splits a flow map at the comma, leaving a key like `10)`.
  if (/\)\s*$/.test(key)) return 'unknown key; inside { … } a generator with commas must be quoted, e.g. { user: "uniform(1, 10)" }';
  const suggestion = didYouMean(key, allowed);
  return suggestion ? `unknown key; did you mean "${suggestion}"?` : `unknown key; expected ${allowed.length === 1 ? '' : 'one of '}${listWords(allowed)}`;
}

export function readString(node: SourceNode, path: string, issues: Issues, opts: { nonEmpty?: boolean; maxLength?: number } = {}): string | undefined {
  if (node.kind !== 'scalar' || typeof node.value !== 'string') {
    issues.add(path, node.line, `expected text, got ${describe(node)}`);
    return undefined;
  }
  if (opts.nonEmpty && node.value.trim() === '') {
    issues.add(path, node.line, 'must not be empty');
    return undefined;
  }
  if (opts.maxLength !== undefined && node.value.length > opts.maxLength) {
    issues.add(path, node.line, `must be at most ${opts.maxLength} characters, got ${node.value.length}`);
    return undefined;
  }
  return node.value;
}

export function readBoolean(node: SourceNode, path: string, issues: Issues): boolean | undefined {
  if (node.kind !== 'scalar' || typeof node.value !== 'boolean') {
    issues.add(path, node.line, `expected true or false, got ${describe(node)}`);
    return undefined;
  }
  return node.value;
}

export function readEnum<T extends string>(node: SourceNode, path: string, issues: Issues, values: readonly T[]): T | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string' && (values as readonly string[]).includes(node.value)) return node.value as T;
  const suggestion = node.kind === 'scalar' && typeof node.value === 'string' ? didYouMean(node.value, values) : undefined;
  issues.add(path, node.line, `expected ${listWords(values)}, got ${describe(node)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
  return undefined;
}

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** Whole numbers only (counts, seeds, connections). */
export function readInteger(node: SourceNode, path: string, issues: Issues, bounds: Bounds): number | undefined {
  if (node.kind !== 'scalar' || typeof node.value !== 'number' || !Number.isFinite(node.value) || !Number.isInteger(node.value)) {
    issues.add(path, node.line, `expected a whole number, got ${describe(node)}`);
    return undefined;
  }
  if (node.value < bounds.min || node.value > bounds.max) {
    issues.add(path, node.line, `must be from ${bounds.min} to ${bounds.max}, got ${node.value}`);
    return undefined;
  }
  return node.value;
}

export function readNumber(node: SourceNode, path: string, issues: Issues, bounds: Bounds & { exclusiveMin?: boolean }): number | undefined {
  if (node.kind !== 'scalar' || typeof node.value !== 'number' || !Number.isFinite(node.value)) {
    issues.add(path, node.line, `expected a number, got ${describe(node)}`);
    return undefined;
  }
  const tooLow = bounds.exclusiveMin ? node.value <= bounds.min : node.value < bounds.min;
  if (tooLow || node.value > bounds.max) {
    issues.add(path, node.line, bounds.exclusiveMin ? `must be more than ${bounds.min} and at most ${bounds.max}, got ${node.value}` : `must be from ${bounds.min} to ${bounds.max}, got ${node.value}`);
    return undefined;
  }
  return node.value;
}

/** Durations in ms. `min` is exclusive when `positive`; a bare 0 is accepted as 0ms (it is the same in every unit). */
export function readDuration(node: SourceNode, path: string, issues: Issues, bounds: { positive: boolean; maxMs: number }): number | undefined {
  const text = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  const ms = text !== undefined ? parseDuration(text) : node.kind === 'scalar' && node.value === 0 ? 0 : null;
  if (ms === null) {
    issues.add(path, node.line, `expected a duration like 10s or 500ms, got ${describe(node)}${unitFix(node, ['s', 'ms'])}`);
    return undefined;
  }
  const shown = text?.trim() ?? '0';
  if (bounds.positive ? ms <= 0 : ms < 0) {
    issues.add(path, node.line, `must be ${bounds.positive ? 'more than 0s' : 'at least 0s'}, got ${shown}`);
    return undefined;
  }
  if (ms > bounds.maxMs) {
    issues.add(path, node.line, `must be at most ${formatDuration(bounds.maxMs)}, got ${shown}`);
    return undefined;
  }
  return ms;
}

/** Rates per second. */
export function readRate(node: SourceNode, path: string, issues: Issues, bounds: { allowZero: boolean; maxPerSec: number }): number | undefined {
  const text = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  const perSec = text !== undefined ? parseRate(text) : null;
  if (perSec === null) {
    issues.add(path, node.line, `expected a rate like 2000/s, got ${describe(node)}${unitFix(node, ['/s'])}`);
    return undefined;
  }
  const shown = text!.trim();
  if (bounds.allowZero ? perSec < 0 : perSec <= 0) {
    issues.add(path, node.line, `must be ${bounds.allowZero ? 'at least 0/s' : 'more than 0/s'}, got ${shown}`);
    return undefined;
  }
  if (perSec > bounds.maxPerSec) {
    issues.add(path, node.line, `must be at most ${formatRate(bounds.maxPerSec)}, got ${shown}`);
    return undefined;
  }
  return perSec;
}

/** Ratios 0..1, written `5%` or `0.05`. */
export function readRatio(node: SourceNode, path: string, issues: Issues): number | undefined {
  const raw = node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number') ? node.value : undefined;
  const ratio = raw !== undefined ? parseRatio(raw) : null;
  if (ratio === null) {
    issues.add(path, node.line, `expected a ratio like 5% or 0.05, got ${describe(node)}`);
    return undefined;
  }
  if (ratio < 0 || ratio > 1) {
    issues.add(path, node.line, `must be from 0% to 100% (0 to 1), got ${String(raw).trim()}`);
    return undefined;
  }
  return ratio;
}
