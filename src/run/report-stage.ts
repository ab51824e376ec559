// Writes one run's files: results.json (atomic), the .hlog interval log, HTML and JUnit through the reporters,
// and the console summary. Reporters receive results and verdicts; they never compute them.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HlogEntry } from '../metrics/aggregator.js';
import { writeHlog } from '../metrics/hlog.js';
import { InfraCode, InfrastructureError } from '../errors.js';
import { REPORT_FILES, renderConsole, shouldUseColor, writeFileAtomic, writeReports } from '../report/index.js';
import type { RunResults } from '../results/types.js';

export const HLOG_FILE = 'latency.hlog';

/** `reports/<scenario>-<UTC timestamp>`: sortable, one directory per run, safe characters only. */
export function runDirectory(scenario: string, startedAt: Date, root = 'reports'): string {
  const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[:]/g, '-');
  const name = scenario.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
  return path.join(root, `${name}-${stamp}`);
}

export interface ReportStageOptions {
  readonly html: boolean;
  readonly junit: boolean;
  readonly console: boolean;
  readonly stdout: { write(chunk: string): unknown; isTTY?: boolean };
}

/** A report file that could not be written, and why (the errno code or message). */
export interface ReportWriteFailure {
  readonly file: string;
  readonly reason: string;
}

export interface WrittenReports {
  /** The files written (relative names), as recorded in results.json. */
  readonly artifacts: Record<string, string>;
  /** Empty when every file was written. */
  readonly failures: readonly ReportWriteFailure[];
}

/**
 * Writes every file it can and prints the console summary whatever happens to the files, so that a full disk after
 * the load loses no figure: each failure is returned, not thrown (the caller turns them into exit 3).
 */
export async function writeRunReports(
  results: RunResults,
  dir: string,
  hlog: readonly HlogEntry[],
  startEpochMs: number,
  opts: ReportStageOptions,
): Promise<WrittenReports> {
  const failures: ReportWriteFailure[] = [];
  const attempt = async (file: string, write: () => Promise<unknown>): Promise<boolean> => {
    try {
      await write();
      return true;
    } catch (err) {
      failures.push({ file, reason: (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err)) });
      return false;
    }
  };
  const planned: Record<string, string> = { results: REPORT_FILES.json };
  const hasHlog = hlog.length > 0 && Number.isFinite(startEpochMs);
  if (hasHlog) planned.hlog = HLOG_FILE;
  if (opts.html) planned.html = REPORT_FILES.html;
  if (opts.junit) planned.junit = REPORT_FILES.junit;
  const artifacts: Record<string, string> = {};
  if (await attempt(dir, () => fs.mkdir(dir, { recursive: true }))) {
    // results.json first: it is the record of the run; the others are views of it.
    const first: RunResults = { ...results, artifacts: planned };
    if (await attempt(REPORT_FILES.json, () => writeReports(first, dir, { json: true, html: false, junit: false }))) artifacts.results = REPORT_FILES.json;
    if (hasHlog) {
      const text = writeHlog(hlog, { startEpochMs, comments: [`authbench ${results.authbench.version} scenario ${results.scenario.name}`] });
      if (await attempt(HLOG_FILE, () => writeFileAtomic(path.join(dir, HLOG_FILE), text))) artifacts.hlog = HLOG_FILE;
    }
    if (opts.junit && (await attempt(REPORT_FILES.junit, () => writeReports(first, dir, { json: false, html: false, junit: true })))) artifacts.junit = REPORT_FILES.junit;
    if (opts.html && (await attempt(REPORT_FILES.html, () => writeReports(first, dir, { json: false, html: true, junit: false })))) artifacts.html = REPORT_FILES.html;
    // results.json must not list a file that is not there: rewrite it with what was written (best effort).
    if (artifacts.results !== undefined && failures.length > 0) {
      await writeReports({ ...results, artifacts }, dir, { json: true, html: false, junit: false }).catch(() => undefined);
    }
  }
  if (opts.console) opts.stdout.write(renderConsole({ ...results, artifacts }, { color: shouldUseColor(opts.stdout, process.env) }));
  return { artifacts, failures };
}

/** The error of a run whose reports could not all be written (exit 3); the console summary was printed anyway. */
export function reportWriteError(dir: string, failures: readonly ReportWriteFailure[]): InfrastructureError {
  const list = failures.map((f) => `${f.file} (${f.reason})`).join(', ');
  const disk = failures.some((f) => f.reason === 'ENOSPC' || f.reason === 'EDQUOT');
  return new InfrastructureError(
    disk ? InfraCode.diskFull : InfraCode.reportWriteFailed,
    `The run finished, but not every report could be written to ${JSON.stringify(dir)}: ${list}.`,
    { hint: `The console summary above holds the run's figures${failures.some((f) => f.file === REPORT_FILES.json) ? '' : ', and results.json was written'}; ${disk ? 'free some space' : 'fix the directory'} and run again to get every file.` },
  );
}
