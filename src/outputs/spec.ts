// Parses `--out KIND[=DEST]` (repeatable) and `--out-dir DIR` into the report directory and the outputs chosen,
// once, at the edge: an unknown kind, a bad URL or a contradiction is invalid input (exit 2) before any load.
import { statSync } from 'node:fs';
import { InvalidInputError, type InputIssue } from '../errors.js';
import { didYouMean, listWords } from '../scenario/did-you-mean.js';
import { redactUrl } from '../target/url.js';
import { OUTPUT_KINDS, type OutputKind } from './types.js';

/** One output asked for on the command line. `dest`: a file for the file kinds, the receiver's URL for prometheus-rw. */
export interface OutputSpec {
  readonly kind: OutputKind;
  readonly dest?: string;
}

export interface OutFlags {
  /** The report directory, when `--out DIR` or `--out-dir DIR` named one. */
  readonly dir?: string;
  /** The flag that named it, for messages: `--out` or `--out-dir`. */
  readonly dirFlag?: '--out' | '--out-dir';
  /** The outputs asked for beyond the defaults (or moving a default one's file), in the order given. */
  readonly specs: readonly OutputSpec[];
}

const KINDS: readonly string[] = OUTPUT_KINDS;
const KIND_SHAPE = /^[a-z][a-z0-9_-]*$/;
const USAGE_HINT = `Kinds: ${listWords([...OUTPUT_KINDS], 'and')} (docs/reports.md); a directory is --out-dir DIR (or --out DIR, e.g. --out ./html for a directory named like a kind).`;

function isDirectory(value: string): boolean {
  try {
    return statSync(value).isDirectory();
  } catch {
    return false;
  }
}

/** The URL of `prometheus-rw=URL`: http(s) with a host, or the problem with it (the password never shown). */
export function checkRemoteWriteUrl(value: string | undefined, issues: InputIssue[]): void {
  const path = '--out prometheus-rw';
  const example = 'prometheus-rw=http://127.0.0.1:9090/api/v1/write';
  if (value === undefined || value.trim() === '') {
    issues.push({ path, message: `needs the receiver's URL, e.g. --out ${example}` });
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.push({ path, message: `"${redactUrl(value)}" is not a URL; expected e.g. ${example}` });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') issues.push({ path, message: `"${redactUrl(value)}" must be http:// or https://, got ${url.protocol}` });
  else if (url.hostname === '') issues.push({ path, message: `"${redactUrl(value)}" names no host; expected e.g. ${example}` });
}

/**
 * `values`: every `--out` in order; `outDir`: `--out-dir`. A bare `--out DIR` that is not a kind stays the report
 * directory (backward compatible); `NAME=…` with an unknown NAME, or a bare near-miss of a kind that is not an existing
 * directory, is refused with a suggestion rather than silently becoming a directory.
 */
export function parseOutFlags(values: readonly string[], outDir?: string): OutFlags {
  const issues: InputIssue[] = [];
  const specs: OutputSpec[] = [];
  const dirs: string[] = outDir !== undefined ? [outDir] : [];
  const dirFlag = outDir !== undefined ? '--out-dir' : '--out';
  for (const raw of values) {
    const eq = raw.indexOf('=');
    const name = eq < 0 ? raw : raw.slice(0, eq);
    if (KINDS.includes(name)) {
      specs.push(eq < 0 ? { kind: name as OutputKind } : { kind: name as OutputKind, dest: raw.slice(eq + 1) });
      continue;
    }
    const suggestion = didYouMean(name, KINDS);
    if (eq >= 0 && KIND_SHAPE.test(name)) {
      issues.push({ path: '--out', message: `unknown output kind "${name}"${suggestion ? `; did you mean ${suggestion}?` : ''}` });
      continue;
    }
    if (eq < 0 && suggestion !== undefined && KIND_SHAPE.test(name) && !isDirectory(raw)) {
      issues.push({ path: '--out', message: `"${name}" is neither an output kind nor an existing directory; did you mean ${suggestion}? (for a new directory of that name write --out-dir ${name})` });
      continue;
    }
    dirs.push(raw);
  }
  if (dirs.length > 1) issues.push({ path: '--out', message: `names ${dirs.length} report directories (${dirs.map((d) => JSON.stringify(d)).join(', ')}); give one, with --out-dir DIR` });
  const seen = new Set<string>();
  for (const spec of specs) {
    if (spec.kind === 'prometheus-rw') {
      checkRemoteWriteUrl(spec.dest, issues);
      const key = `${spec.kind}=${spec.dest ?? ''}`;
      if (seen.has(key)) issues.push({ path: '--out prometheus-rw', message: `"${redactUrl(spec.dest ?? '')}" is given twice; give each receiver once` });
      seen.add(key);
      continue;
    }
    if (spec.dest !== undefined && spec.dest.trim() === '') issues.push({ path: `--out ${spec.kind}`, message: `has an empty file name; write --out ${spec.kind} (the default file) or --out ${spec.kind}=FILE` });
    if (seen.has(spec.kind)) issues.push({ path: `--out ${spec.kind}`, message: 'is given twice; give each file output once' });
    seen.add(spec.kind);
  }
  if (issues.length > 0) throw new InvalidInputError(issues, { code: 'AB_ERR_USAGE', hint: USAGE_HINT });
  return { ...(dirs[0] !== undefined ? { dir: dirs[0], dirFlag } : {}), specs };
}

/** `--run-id`: a label value and part of nothing else; kept to safe characters so it can be typed in a query. */
export function checkRunId(value: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(value)) {
    throw new InvalidInputError([{ path: '--run-id', message: `${JSON.stringify(value)} must be 1–128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit` }], { code: 'AB_ERR_USAGE' });
  }
}
