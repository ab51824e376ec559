// `authbench merge DIR... [--out DIR]`: reads the shards, merges them (merge-shards.ts) and writes one run's files —
// results.json, latency.hlog, JUnit, HTML and the console summary — with the verdict and exit code of a single run.
import path from 'node:path';
import { ExitCode } from '../errors.js';
import { exitCodeForVerdict } from '../verdict/index.js';
import type { RunResults } from '../results/types.js';
import { reportWriteError, runDirectory, writeRunReports } from '../run/report-stage.js';
import { mergeShards } from './merge-shards.js';
import { readShards } from './read-shards.js';

export interface MergeOptions {
  readonly outDir?: string;
  readonly html?: boolean;
  readonly junit?: boolean;
  readonly console?: boolean;
  readonly stdout?: { write(chunk: string): unknown; isTTY?: boolean };
  readonly log?: (line: string) => void;
}

export interface MergeOutcome {
  readonly results: RunResults;
  readonly dir: string;
  readonly exitCode: ExitCode;
}

export async function runMerge(dirs: readonly string[], options: MergeOptions = {}): Promise<MergeOutcome> {
  const { inputs, count } = await readShards(dirs);
  const merged = mergeShards(inputs, count);
  const dir = options.outDir ?? runDirectory(`${merged.results.scenario.name}-merged`, new Date(merged.results.startedAt));
  const written = await writeRunReports(merged.results, dir, merged.hlog, merged.startEpochMs, {
    html: options.html ?? true,
    junit: options.junit ?? true,
    console: options.console ?? true,
    stdout: options.stdout ?? process.stdout,
  });
  options.log?.(`Merged ${inputs.filter((i) => i.results).length} of ${count} shards: ${path.resolve(dir)}`);
  if (written.failures.length > 0) throw reportWriteError(dir, written.failures);
  const results = { ...merged.results, artifacts: written.artifacts };
  return { results, dir, exitCode: exitCodeForVerdict(results.verdict) };
}
