// Reads the shards' report directories for `authbench merge` and checks, before merging anything, that they are
// shards of one run: same scenario, seed, schedule and start, each index once. Anything else is exit 2 naming it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputCode, InvalidInputError, type InputIssue } from '../errors.js';
import { readResults } from '../results/read.js';
import type { RunResults } from '../results/types.js';
import { readHlog } from './hlog-read.js';
import type { ShardInput } from './merge-shards.js';

export interface ReadShards {
  readonly inputs: ShardInput[];
  /** N of the shards' `--shard K/N`. */
  readonly count: number;
}

const HINT = 'Give authbench merge the report directories of every shard of one run (run --shard K/N --start-at …), each once.';

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(() => true, () => false);
}

/** One directory: its results.json (absent: the shard never finished) and .hlog. */
async function readShardDir(dir: string): Promise<ShardInput> {
  const stat = await fs.stat(dir).catch(() => null);
  // A shard killed before it wrote anything leaves no directory: a missing shard (INVALID), not a typo to refuse.
  if (stat === null) return { dir, hlog: [] };
  if (!stat.isDirectory()) throw new InvalidInputError([{ path: dir, message: 'is not a directory' }], { code: InputCode.mergeInput, hint: HINT });
  const file = path.join(dir, 'results.json');
  if (!(await exists(file))) return { dir, hlog: [] };
  const results = await readResults(file);
  if (!results.shard) {
    throw new InvalidInputError([{ file, path: 'shard', message: `${results.merge ? 'is already a merged run' : 'is not a shard'}: it has no shard record (it was not run with --shard K/N)` }], {
      code: InputCode.mergeInput,
      hint: HINT,
    });
  }
  const hlogName = results.artifacts.hlog;
  if (!hlogName) return { dir, results, hlog: [] };
  const hlogFile = path.join(dir, hlogName);
  let text: string;
  try {
    text = await fs.readFile(hlogFile, 'utf8');
  } catch (err) {
    throw new InvalidInputError([{ file: hlogFile, path: '(file)', message: `results.json lists it, but it cannot be read: ${(err as Error).message}` }], { code: InputCode.mergeInput, hint: HINT });
  }
  try {
    const log = readHlog(text);
    if (Math.abs(log.baseEpochMs - results.shard.loadStartMs) > 1) throw new Error(`its BaseTime is not the shard's load start (${new Date(results.shard.loadStartMs).toISOString()})`);
    return { dir, results, hlog: log.entries };
  } catch (err) {
    throw new InvalidInputError([{ file: hlogFile, path: '(file)', message: (err as Error).message }], { code: InputCode.mergeInput, hint: HINT });
  }
}

/** What must be equal across shards, as text for the message. */
function describeRun(r: RunResults): string {
  const s = r.shard!;
  const seeds = `${s.seed !== undefined ? `seed ${s.seed}, ` : ''}dataset seed ${r.dataset.seed}`;
  return `scenario "${r.scenario.name}", ${seeds}, ${s.count} shards, start ${s.startAtMs === null ? 'none' : new Date(s.startAtMs).toISOString()}`;
}

export async function readShards(dirs: readonly string[]): Promise<ReadShards> {
  if (dirs.length === 0) throw new InvalidInputError([{ path: 'DIR', message: 'name at least one shard directory' }], { code: 'AB_ERR_USAGE', hint: HINT });
  const inputs: ShardInput[] = [];
  for (const dir of dirs) inputs.push(await readShardDir(dir));
  const withResults = inputs.filter((i) => i.results !== undefined);
  if (withResults.length === 0) {
    throw new InvalidInputError([{ path: dirs.join(', '), message: 'no directory holds a results.json: there is nothing to merge' }], { code: InputCode.mergeInput, hint: HINT });
  }
  const reference = withResults[0]!;
  const ref = reference.results!;
  const issues: InputIssue[] = [];
  const seen = new Map<number, string>();
  for (const input of withResults) {
    const r = input.results!;
    const where = path.join(input.dir, 'results.json');
    const s = r.shard!;
    if (s.startAtMs === null) {
      issues.push({ file: where, path: 'shard.startAtMs', message: `shard ${s.index} was started without --start-at, so its intervals cannot be lined up with the other shards'` });
    }
    if (input !== reference && (s.runDigest !== ref.shard!.runDigest || s.count !== ref.shard!.count || s.startAtMs !== ref.shard!.startAtMs)) {
      issues.push({
        file: where,
        path: 'shard',
        message: `shard ${s.index} belongs to another run (${describeRun(r)}) than shard ${ref.shard!.index} in ${reference.dir} (${describeRun(ref)})${s.runDigest !== ref.shard!.runDigest ? ': the scenario, seed, schedule, mix or thresholds differ' : ''}`,
      });
    }
    const twin = seen.get(s.index);
    if (twin !== undefined) issues.push({ file: where, path: 'shard.index', message: `shard ${s.index} is given twice (also ${twin})` });
    seen.set(s.index, input.dir);
  }
  if (issues.length > 0) throw new InvalidInputError(issues, { code: InputCode.mergeInput, hint: HINT });
  return { inputs, count: ref.shard!.count };
}
