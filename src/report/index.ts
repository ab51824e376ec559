// Entry point of the reporters: writes the chosen report files for one run and returns their paths.
// Every file is written atomically, so a CI step never picks up half a report.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RunResults } from '../results/types.js';
import { renderHtml } from './html.js';
import { writeFileAtomic, writeResults } from './json.js';
import { renderJunit } from './junit.js';

export { renderConsole, shouldUseColor } from './console.js';
export { renderHtml } from './html.js';
export { writeResults, writeFileAtomic } from './json.js';
export { renderJunit } from './junit.js';
export { summarizeVerdict } from './verdict-line.js';

export interface ReportSelection {
  readonly json?: boolean;
  readonly html?: boolean;
  readonly junit?: boolean;
}

export interface ReportPaths {
  readonly json?: string;
  readonly html?: string;
  readonly junit?: string;
}

/** File names inside the output directory. */
export const REPORT_FILES = { json: 'results.json', html: 'report.html', junit: 'junit.xml' } as const;

/** Write the selected reports into `dir` (created if missing) and return the paths written. */
export async function writeReports(results: RunResults, dir: string, selection: ReportSelection): Promise<ReportPaths> {
  await fs.mkdir(dir, { recursive: true });
  const paths: { json?: string; html?: string; junit?: string } = {};
  if (selection.json) {
    paths.json = path.join(dir, REPORT_FILES.json);
    await writeResults(paths.json, results);
  }
  if (selection.junit) {
    paths.junit = path.join(dir, REPORT_FILES.junit);
    await writeFileAtomic(paths.junit, renderJunit(results));
  }
  if (selection.html) {
    paths.html = path.join(dir, REPORT_FILES.html);
    await writeFileAtomic(paths.html, renderHtml(results));
  }
  return paths;
}
