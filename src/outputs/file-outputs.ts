// The outputs that render the final results: results.json (the record), the .hlog interval log, JUnit, HTML and the
// console summary (to standard output, or to a file without colour). Each is one small object over a report/ renderer.
import path from 'node:path';
import { writeHlog } from '../metrics/hlog.js';
import { REPORT_FILES, renderConsole, renderHtml, renderJunit, shouldUseColor, writeFileAtomic, writeResults } from '../report/index.js';
import type { FinishedRun, ResultsOutput } from './types.js';

export const HLOG_FILE = 'latency.hlog';
export const CONSOLE_FILE = 'summary.txt';

/** Where the console summary goes when it goes to standard output. */
export interface ConsoleStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

function fileOutput(kind: ResultsOutput['kind'], key: string, file: string, render: (finished: FinishedRun) => string, when: (f: FinishedRun) => boolean = () => true): ResultsOutput {
  return {
    kind,
    description: `${kind} → ${file}`,
    plannedFile: (finished) => (when(finished) ? { key, file } : undefined),
    write: async (finished) => {
      if (when(finished)) await writeFileAtomic(file, render(finished));
    },
  };
}

/** results.json: written first, and again at the end when a later file failed (it must list only what is there). */
export function jsonOutput(file: string): ResultsOutput {
  return {
    kind: 'json',
    description: `json → ${file}`,
    plannedFile: () => ({ key: 'results', file }),
    write: (finished) => writeResults(file, finished.results),
  };
}

/** The HdrHistogram interval log (µs, warm-up included); nothing when the load never started. */
export function hlogOutput(file: string): ResultsOutput {
  return fileOutput(
    'hlog',
    'hlog',
    file,
    ({ results, hlog, startEpochMs }) => writeHlog(hlog, { startEpochMs, comments: [`authbench ${results.authbench.version} scenario ${results.scenario.name}`] }),
    ({ hlog, startEpochMs }) => hlog.length > 0 && Number.isFinite(startEpochMs),
  );
}

export function junitOutput(file: string): ResultsOutput {
  return fileOutput('junit', 'junit', file, ({ results }) => renderJunit(results));
}

export function htmlOutput(file: string): ResultsOutput {
  return fileOutput('html', 'html', file, ({ results }) => renderHtml(results));
}

/** The console summary: to a stream (coloured when it is a terminal), or to a file (plain text). */
export function consoleOutput(to: { readonly stream: ConsoleStream } | { readonly file: string }): ResultsOutput {
  if ('file' in to) return fileOutput('console', 'console', to.file, ({ results }) => renderConsole(results, { color: false }));
  return {
    kind: 'console',
    description: 'console → standard output',
    plannedFile: () => undefined,
    write: async ({ results }) => void to.stream.write(renderConsole(results, { color: shouldUseColor(to.stream, process.env) })),
  };
}

/** The default file of each file kind inside the report directory. */
export function defaultFile(kind: 'json' | 'hlog' | 'junit' | 'html' | 'console', dir: string): string {
  const name = { json: REPORT_FILES.json, hlog: HLOG_FILE, junit: REPORT_FILES.junit, html: REPORT_FILES.html, console: CONSOLE_FILE }[kind];
  return path.join(dir, name);
}
