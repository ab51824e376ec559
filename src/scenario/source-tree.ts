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
/** A file with more syntax errors than this is not a scenario with typos; listing them all helps nobody. */
const MAX_SYNTAX_ISSUES = 10;

export interface ParsedSource {
  /** Undefined when the text had syntax errors (the issues say where) or was empty. */
  readonly root?: SourceNode;
  readonly issues: readonly InputIssue[];
}

/** Parses YAML text. Any syntax error, unresolved alias or unknown tag is an issue; the tree is only returned without them. */
export function parseYamlSource(text: string, file: string | undefined): ParsedSource {
  const issues: InputIssue[] = [];
  const at = (line: number | undefined): Pick<InputIssue, 'file' | 'line'> => ({ ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }) });
  // Checked on the text, before the YAML parser sees it: the parser recurses once per level and would overflow the stack.
  const unfit = controlCharacterLine(text) ?? tooDeepLine(text, MAX_DEPTH);
  if (unfit) return { issues: [{ ...at(unfit.line), path: 'yaml', message: unfit.message }] };
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { issues: [{ ...at(undefined), path: 'yaml', message: `the document is too deeply nested (more than ${MAX_DEPTH} levels)` }] };
  }
  const problems = [...doc.errors, ...doc.warnings];
  for (const problem of problems.slice(0, MAX_SYNTAX_ISSUES)) {
    const line = problem.linePos?.[0]?.line;
    const message =
      problem.code === 'MULTIPLE_DOCS'
        ? 'a scenario is one YAML document, but a second document starts here (---); remove it or put it in its own file'
        : /call stack/i.test(problem.message)
          ? `the document is too deeply nested (more than ${MAX_DEPTH} levels)`
          : firstLine(problem.message);
    issues.push({ ...at(line), path: 'yaml', message });
  }
  if (problems.length > MAX_SYNTAX_ISSUES) {
    issues.push({ ...at(problems[MAX_SYNTAX_ISSUES]!.linePos?.[0]?.line), path: 'yaml', message: `and ${problems.length - MAX_SYNTAX_ISSUES} more syntax errors (is this a YAML file?)` });
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

interface LineProblem {
  readonly line: number;
  readonly message: string;
}

/** A control character (NUL, ESC, …) other than tab and line ends: the file is binary, and its bytes are not echoed. */
function controlCharacterLine(text: string): LineProblem | undefined {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const match = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return { line: lineAt(text, match.index), message: `holds a control character (U+${code}): this is not a YAML text file` };
}

/**
 * The line where flow brackets (`[`, `{`), indentation, or leading block markers (`- - -`) nest deeper than `max`.
 * A cheap scan that skips quoted text and comments; the converter's own depth check still applies to what passes.
 */
function tooDeepLine(text: string, max: number): LineProblem | undefined {
  const tooDeep = (line: number): LineProblem => ({ line, message: `the document is too deeply nested (more than ${max} levels)` });
  let depth = 0;
  let line = 1;
  let quote: '"' | "'" | undefined;
  let lineStart = true;
  let blockMarkers = 0;
  let lineStartIndex = 0;
  /** Columns of the open block levels, innermost last. */
  const indents: number[] = [];
  /** The last character before this one on the line that is not a space: a quote only opens a scalar after `: - [ { ,`. */
  let previous = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = true;
      lineStartIndex = i + 1;
      blockMarkers = 0;
      previous = '';
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) {
        quote = undefined;
        previous = c;
      }
      continue;
    }
    if (lineStart && (c === '-' || c === '?' || c === ':') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
      if (++blockMarkers > max) return tooDeep(line);
      previous = c;
      continue;
    }
    if (c === ' ' || c === '\t') continue;
    if (lineStart && depth === 0 && c !== '#') {
      const column = i - lineStartIndex;
      while (indents.length > 0 && indents.at(-1)! > column) indents.pop();
      if (indents.length === 0 || indents.at(-1)! < column) indents.push(column);
      if (indents.length + blockMarkers > max) return tooDeep(line);
    }
    lineStart = false;
    const opensScalar = previous === '' || ':-[{,?'.includes(previous);
    previous = c;
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if ((c === '"' || c === "'") && opensScalar) {
      quote = c;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return tooDeep(line);
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
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
