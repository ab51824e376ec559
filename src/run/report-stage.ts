// Writes one run's files: results.json (atomic), the .hlog interval log, HTML and JUnit through the reporters,
// and the console summary. Reporters receive results and verdicts; they never compute them.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HlogEntry } from '../metrics/aggregator.js';
import { writeHlog } from '../metrics/hlog.js';
import { renderConsole, shouldUseColor, writeFileAtomic, writeReports } from '../report/index.js';
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

/** Writes every file and returns the artifact map (relative names) recorded in results.json. */
export async function writeRunReports(
  results: RunResults,
  dir: string,
  hlog: readonly HlogEntry[],
  startEpochMs: number,
  opts: ReportStageOptions,
): Promise<Record<string, string>> {
  await fs.mkdir(dir, { recursive: true });
  const artifacts: Record<string, string> = { results: 'results.json' };
  if (hlog.length > 0 && Number.isFinite(startEpochMs)) {
    await writeFileAtomic(
      path.join(dir, HLOG_FILE),
      writeHlog(hlog, { startEpochMs, comments: [`authbench ${results.authbench.version} scenario ${results.scenario.name}`] }),
    );
    artifacts.hlog = HLOG_FILE;
  }
  if (opts.html) artifacts.html = 'report.html';
  if (opts.junit) artifacts.junit = 'junit.xml';
  const final: RunResults = { ...results, artifacts };
  await writeReports(final, dir, { json: true, html: opts.html, junit: opts.junit });
  if (opts.console) opts.stdout.write(renderConsole(final, { color: shouldUseColor(opts.stdout, process.env) }));
  return artifacts;
}
