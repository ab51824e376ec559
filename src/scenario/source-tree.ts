// Turns scenario text into a small tree of maps, lists and scalars where every node knows its line,
// so that validation can say `scenarios/x.yaml:12 load.rate: …`. YAML syntax errors come back as issues.
import { Alias, type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { InputIssue } from '../errors.js';

export type ScalarValue = string | number | boolean | null;

export type SourceNode =
  | { readonly kind: 'map'; readonly line?: number; readonly entries: readonly MapEntry[] }
  | { readonly kind: 'seq'; readonly line?: number; readonly items: readonly SourceNode[] }
  | { readonly kind: 'scalar'; readonly line?: number; readonly value: ScalarValue };

export interface MapEntry {
  readonly key: string;
  readonly keyLine?: number;
  readonly value: SourceNode;
}

/** Aliases can expand a short file into a huge tree ("billion laughs"); no scenario needs more nodes than this. */
const MAX_NODES = 20_000;
/** Deeper than any scenario; also stops an alias that refers to its own ancestor. */
const MAX_DEPTH = 64;

export interface ParsedSource {
  /** Undefined when the text had syntax errors (the issues say where) or was empty. */
  readonly root?: SourceNode;
  readonly issues: readonly InputIssue[];
}

/** Parses YAML text. Any syntax error, unresolved alias or unknown tag is an issue; the tree is only returned without them. */
export function parseYamlSource(text: string, file: string | undefined): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const issues: InputIssue[] = [];
  const at = (line: number | undefined): Pick<InputIssue, 'file' | 'line'> => ({ ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }) });
  for (const problem of [...doc.errors, ...doc.warnings]) {
    issues.push({ ...at(problem.linePos?.[0]?.line), path: 'yaml', message: firstLine(problem.message) });
  }
  if (issues.length > 0) return { issues };
  if (doc.contents === null) return { issues };
  const converter = new Converter(doc, lineCounter, issues, at);
  const root = converter.convert(doc.contents, 0);
  return issues.length > 0 ? { issues } : { root, issues };
}

/** Builds a tree without lines from plain values (for options given in code or on the command line). */
export function fromPlain(value: unknown): SourceNode {
  if (Array.isArray(value)) return { kind: 'seq', items: value.map(fromPlain) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'map', entries: Object.entries(value).map(([key, v]) => ({ key, value: fromPlain(v) })) };
  }
  if (value === null || value === undefined) return { kind: 'scalar', value: null };
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { kind: 'scalar', value };
  return { kind: 'scalar', value: String(value) };
}

/** Plain JS values of a tree (for options that stay opaque, such as serverSettings). */
export function toPlain(node: SourceNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, toPlain(e.value)]));
  }
}

/** yaml's pretty messages end with " at line N, column M:" and a code excerpt; the issue carries the line instead. */
function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

class Converter {
  private nodes = 0;

  constructor(
    private readonly doc: Document,
    private readonly lineCounter: LineCounter,
    private readonly issues: InputIssue[],
    private readonly at: (line: number | undefined) => Pick<InputIssue, 'file' | 'line'>,
  ) {}

  convert(node: unknown, depth: number): SourceNode {
    const line = this.lineOf(node);
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) {
      if (this.nodes === MAX_NODES + 1 || depth === MAX_DEPTH + 1) {
        this.issues.push({ ...this.at(line), path: 'yaml', message: `the document is too large or too deeply nested (more than ${MAX_NODES} values or ${MAX_DEPTH} levels once aliases are expanded)` });
      }
      return { kind: 'scalar', line, value: null };
    }
    if (isAlias(node)) {
      const target = (node as Alias).resolve(this.doc);
      if (target === undefined) {
        this.issues.push({ ...this.at(line), path: 'yaml', message: `unknown alias *${(node as Alias).source}` });
        return { kind: 'scalar', line, value: null };
      }
      // The alias's own line is where the value is used, which is where a problem should be reported.
      return { ...this.convert(target, depth + 1), line };
    }
    if (isMap(node)) {
      const entries: MapEntry[] = [];
      for (const pair of node.items) {
        entries.push({ key: this.keyText(pair.key), keyLine: this.lineOf(pair.key) ?? line, value: this.convert(pair.value, depth + 1) });
      }
      return { kind: 'map', line, entries };
    }
    if (isSeq(node)) return { kind: 'seq', line, items: node.items.map((item) => this.convert(item, depth + 1)) };
    if (isScalar(node)) return { kind: 'scalar', line, value: scalarValue(node.value) };
    // A missing value (`key:` with nothing after it) has no node at all.
    return { kind: 'scalar', line, value: null };
  }

  private keyText(key: unknown): string {
    if (isScalar(key)) return key.value === null ? '' : String(key.value);
    if (key === null || key === undefined) return '';
    // Complex keys (`? [a, b]`) are never valid scenario keys; their text makes the "unknown key" message readable.
    return String(key);
  }

  private lineOf(node: unknown): number | undefined {
    const range = (node as Node | null | undefined)?.range;
    return range ? this.lineCounter.linePos(range[0]).line : undefined;
  }
}

function scalarValue(value: unknown): ScalarValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}
