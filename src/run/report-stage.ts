// The end of a run: its report directory's name, and the error when not every report could be written. The writing
// itself is done by the outputs (src/outputs/): results.json, the .hlog, HTML, JUnit and the console summary.
import path from 'node:path';
import type { HlogEntry } from '../metrics/aggregator.js';
import { InfraCode, InfrastructureError } from '../errors.js';
import { REPORT_FILES } from '../report/index.js';
import type { RunResults } from '../results/types.js';
import { createOutputs } from '../outputs/create-outputs.js';
import { receivesResults } from '../outputs/types.js';
import { writeResultsOutputs, type ReportWriteFailure, type WrittenReports } from '../outputs/write-results.js';

export { HLOG_FILE } from '../outputs/file-outputs.js';
export type { ReportWriteFailure, WrittenReports } from '../outputs/write-results.js';

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

/**
 * The default file outputs into `dir` (results.json, .hlog, and JUnit/HTML/console as chosen): every file it can,
 * and the console summary whatever happens to the files; each failure is returned, not thrown (exit 3 for the caller).
 */
export async function writeRunReports(results: RunResults, dir: string, hlog: readonly HlogEntry[], startEpochMs: number, opts: ReportStageOptions): Promise<WrittenReports> {
  const outputs = (await createOutputs({ dir, ...opts })).filter(receivesResults);
  return writeResultsOutputs({ results, hlog, startEpochMs }, outputs, dir);
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
