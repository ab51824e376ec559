// Reads a results.json back: the one reader that `authbench report`, `compare`, `--baseline` and capacity use.
// A bad or foreign file is an InvalidInputError (exit 2) naming file and field; the full contract is schema/results.schema.json.
import fs from 'node:fs/promises';
import { InvalidInputError, type InputIssue } from '../errors.js';
import { RESULTS_SCHEMA_VERSION, RUN_STATUSES, RUN_VERDICTS, type RunResults } from './types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const VERDICTS: readonly string[] = RUN_VERDICTS;
const STATUSES: readonly string[] = RUN_STATUSES;

/**
 * Minimal shape check: enough that reporters cannot crash on the file, not a full schema validation.
 * Returns every problem found, each with its dotted path.
 */
export function checkResultsShape(value: unknown): InputIssue[] {
  const issues: InputIssue[] = [];
  if (!isRecord(value)) return [{ path: '(root)', message: 'expected a JSON object (an authbench results file)' }];
  if (value.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    const found = value.schemaVersion === undefined ? 'missing' : JSON.stringify(value.schemaVersion);
    // A foreign file or a newer/older format: nothing else is worth checking.
    return [{ path: 'schemaVersion', message: `expected ${RESULTS_SCHEMA_VERSION}, found ${found} (not an authbench results file of this version)` }];
  }
  const need = (field: string, ok: boolean, expected: string): void => {
    if (!ok) issues.push({ path: field, message: `expected ${expected}` });
  };
  need('verdict', typeof value.verdict === 'string' && VERDICTS.includes(value.verdict), `one of ${VERDICTS.join(', ')}`);
  need('status', typeof value.status === 'string' && STATUSES.includes(value.status), `one of ${STATUSES.join(', ')}`);
  for (const field of ['authbench', 'scenario', 'measuredWindow', 'load', 'target', 'dataset', 'environment', 'generator', 'artifacts']) {
    need(field, isRecord(value[field]), 'an object');
  }
  for (const field of ['operations', 'intervals', 'thresholds']) need(field, Array.isArray(value[field]), 'an array');
  need('server', value.server === null || isRecord(value.server), 'an object or null');
  need('startedAt', typeof value.startedAt === 'string', 'an ISO timestamp string');
  need('endedAt', typeof value.endedAt === 'string', 'an ISO timestamp string');
  if (isRecord(value.scenario)) need('scenario.name', typeof value.scenario.name === 'string', 'a string');
  if (isRecord(value.generator)) need('generator.invalidReasons', Array.isArray(value.generator.invalidReasons), 'an array');
  if (Array.isArray(value.operations)) {
    value.operations.forEach((op: unknown, i) => {
      const at = `operations[${i}]`;
      if (!isRecord(op)) return issues.push({ path: at, message: 'expected an object' });
      need(`${at}.key`, typeof op.key === 'string', 'a string');
      need(`${at}.count`, typeof op.count === 'number', 'a number');
      need(`${at}.latency`, isRecord(op.latency), 'an object');
      need(`${at}.latencyHistogram`, typeof op.latencyHistogram === 'string', 'a base64 string');
    });
  }
  if (Array.isArray(value.thresholds)) {
    value.thresholds.forEach((t: unknown, i) => {
      const at = `thresholds[${i}]`;
      if (!isRecord(t)) return issues.push({ path: at, message: 'expected an object' });
      need(`${at}.source`, typeof t.source === 'string', 'a string');
      need(`${at}.status`, t.status === 'PASS' || t.status === 'FAIL' || t.status === 'INCONCLUSIVE', 'PASS, FAIL or INCONCLUSIVE');
    });
  }
  return issues;
}

/** Read and check a results file. Throws InvalidInputError (exit 2) naming the file and the field. */
export async function readResults(file: string): Promise<RunResults> {
  let text: string;
  try {
    // Stat first: reading a named pipe would wait forever, and a device such as /dev/zero never ends.
    const stats = await fs.stat(file);
    if (!stats.isFile()) {
      const what = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a named pipe' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a regular file';
      throw new InvalidInputError([{ file, path: '(file)', message: `is ${what}, not a results.json file` }], { code: 'AB_ERR_RESULTS_FILE', hint: 'Use the results.json an authbench run wrote.' });
    }
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`;
    throw new InvalidInputError([{ file, path: '(file)', message: reason }], { code: 'AB_ERR_RESULTS_FILE', cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError([{ file, path: '(root)', message: `not valid JSON (truncated or corrupt): ${(err as Error).message}.` }], {
      code: 'AB_ERR_RESULTS_FILE',
      hint: 'Use the results.json an authbench run wrote.',
      cause: err,
    });
  }
  const issues = checkResultsShape(parsed);
  if (issues.length > 0) {
    throw new InvalidInputError(
      issues.map((i) => ({ ...i, file })),
      { code: 'AB_ERR_RESULTS_FILE', hint: 'Use the results.json an authbench run wrote.' },
    );
  }
  return parsed as RunResults;
}
