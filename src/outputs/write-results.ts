// Runs the results outputs at the end of a run: results.json first (it is the record; the others are views of it),
// then the other files, the console last. Every file it can is written; each failure is returned, never thrown.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FinishedRun, ResultsOutput } from './types.js';

/** A report file that could not be written, and why (the errno code or message). */
export interface ReportWriteFailure {
  readonly file: string;
  readonly reason: string;
}

export interface WrittenReports {
  /** The files written, as recorded in results.json: key → path relative to results.json's directory. */
  readonly artifacts: Record<string, string>;
  /** Empty when every file was written. */
  readonly failures: readonly ReportWriteFailure[];
}

function reasonOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
}

/**
 * `dir` is the report directory: a failure to make it is reported under its own name, and files inside it are named
 * by their base name in failures (as before the outputs existed). The console summary is printed whatever happens to
 * the files, so a full disk after the load loses no figure.
 */
export async function writeResultsOutputs(finished: FinishedRun, outputs: readonly ResultsOutput[], dir: string): Promise<WrittenReports> {
  const failures: ReportWriteFailure[] = [];
  const shown = (file: string): string => (path.dirname(path.resolve(file)) === path.resolve(dir) ? path.basename(file) : file);
  const json = outputs.find((o) => o.kind === 'json');
  const files = outputs.flatMap((output) => {
    const planned = output.plannedFile(finished);
    return planned ? [{ output, ...planned }] : [];
  });
  const base = path.dirname(path.resolve(files.find((f) => f.output === json)?.file ?? path.join(dir, 'results.json')));
  const relative = (file: string): string => path.relative(base, path.resolve(file)) || path.basename(file);
  const planned = Object.fromEntries(files.map((f) => [f.key, relative(f.file)]));

  // Every directory a file goes to, made once; a file whose directory could not be made is not attempted.
  const madeDirs = new Map<string, boolean>();
  for (const f of files) {
    const d = path.dirname(path.resolve(f.file));
    if (madeDirs.has(d)) continue;
    try {
      await fs.mkdir(d, { recursive: true });
      madeDirs.set(d, true);
    } catch (err) {
      madeDirs.set(d, false);
      failures.push({ file: d === path.resolve(dir) ? dir : d, reason: reasonOf(err) });
    }
  }

  const artifacts: Record<string, string> = {};
  const attempt = async (entry: (typeof files)[number], run: FinishedRun): Promise<void> => {
    if (!madeDirs.get(path.dirname(path.resolve(entry.file)))) return;
    try {
      await entry.output.write(run);
      artifacts[entry.key] = relative(entry.file);
    } catch (err) {
      failures.push({ file: shown(entry.file), reason: reasonOf(err) });
    }
  };
  const first: FinishedRun = { ...finished, results: { ...finished.results, artifacts: planned } };
  const jsonEntry = files.find((f) => f.output === json);
  if (jsonEntry) await attempt(jsonEntry, first);
  for (const entry of files) if (entry !== jsonEntry) await attempt(entry, first);
  // results.json must not list a file that is not there: rewrite it with what was written (best effort).
  if (jsonEntry && artifacts[jsonEntry.key] !== undefined && failures.length > 0) {
    await jsonEntry.output.write({ ...finished, results: { ...finished.results, artifacts } }).catch(() => undefined);
  }
  const last: FinishedRun = { ...finished, results: { ...finished.results, artifacts } };
  for (const output of outputs) {
    if (output.plannedFile(finished) !== undefined) continue;
    try {
      await output.write(last);
    } catch (err) {
      failures.push({ file: output.description, reason: reasonOf(err) });
    }
  }
  return { artifacts, failures };
}
