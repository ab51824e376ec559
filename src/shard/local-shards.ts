// `authbench run FILE --shards N`: the whole distributed recipe on one machine — prepare once, start N shard
// processes (`run --shard K/N --start-at T`) against the same servers, wait for them, and merge their directories.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { InvalidInputError } from '../errors.js';
import { runMerge, type MergeOutcome } from '../merge/run-merge.js';
import { runDirectory } from '../run/report-stage.js';
import { targetSpecOf } from '../run/target-stage.js';
import type { Plan } from '../scenario/plan.js';
import type { TargetSpec } from '../target/types.js';
import { prepareForShards } from './prepare-shards.js';
import { shardPlan } from './shard-plan.js';

/**
 * From the common start's announcement to the start: N Node processes load, check the target and start workers.
 * A busy machine needs more (AUTHBENCH_SHARDS_LEAD_MS): a shard that misses the start by more than the warm-up refuses to run.
 */
const START_LEAD_MS = 5_000;
const START_LEAD_PER_SHARD_MS = 1_000;

function startLeadMs(count: number, env: NodeJS.ProcessEnv): number {
  const given = Number(env.AUTHBENCH_SHARDS_LEAD_MS);
  return Number.isFinite(given) && given > 0 ? given : START_LEAD_MS + START_LEAD_PER_SHARD_MS * count;
}

export interface LocalShardsOptions {
  /** The command line after `node main.js` (`run FILE --shards N …`): every shard gets the same flags. */
  readonly argv: readonly string[];
  readonly outDir?: string;
  readonly target: Partial<TargetSpec>;
  readonly log?: (line: string) => void;
  /** The merged run's reports, as `run`'s --no-html/--no-junit/--quiet/--json ask (default: all of them). */
  readonly reports?: { readonly html?: boolean; readonly junit?: boolean; readonly console?: boolean };
}

/** The shard's command line: the parent's minus --shards and --out, plus its shard, the common start and its directory. */
export function shardArgv(argv: readonly string[], shard: number, count: number, startAtMs: number, dir: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--shards' || a === '--out') {
      i++;
      continue;
    }
    if (a.startsWith('--shards=') || a.startsWith('--out=')) continue;
    // Each shard writes only results.json and its .hlog; the merge writes the reports.
    if (/^--(no-)?(html|junit)(=.*)?$/.test(a)) continue;
    out.push(a);
  }
  return [...out, '--shard', `${shard}/${count}`, '--start-at', String(startAtMs), '--out', dir, '--no-html', '--no-junit'];
}

export async function runLocalShards(file: string, plan: Plan, count: number, options: LocalShardsOptions): Promise<MergeOutcome & { shardExitCodes: (number | null)[] }> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  if (file === '-') {
    throw new InvalidInputError([{ path: 'FILE', message: 'standard input cannot be read by several shard processes: --shards needs a scenario file' }], { code: 'AB_ERR_USAGE' });
  }
  const spec = targetSpecOf(plan, options.target);
  if (spec.kind !== 'external') {
    throw new InvalidInputError([{ path: '--shards', message: `needs servers every shard process reaches: the ${spec.kind} target would be started by each shard` }], {
      code: 'AB_ERR_USAGE',
      hint: 'Use --target external with --pg-url/--redis-url (or DATABASE_URL/REDIS_URL); for the embedded servers run `authbench provision`, then `eval "$(authbench env)"`.',
    });
  }
  // What every shard process would refuse (too few connections to divide, events), refused once, before prepare.
  shardPlan(plan, { index: 0, count });
  await prepareForShards(plan, options.target, log);
  const root = options.outDir ?? runDirectory(`${plan.name}-sharded`, new Date());
  const startAtMs = Date.now() + startLeadMs(count, process.env);
  log(`Starting ${count} shard processes; the load starts at ${new Date(startAtMs).toISOString()}.`);
  const dirs = Array.from({ length: count }, (_, k) => path.join(root, 'shards', `shard-${k}`));
  const entry = process.argv[1]!;
  const codes = await Promise.all(
    dirs.map(
      (dir, k) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, [...process.execArgv, entry, ...shardArgv(options.argv, k, count, startAtMs, dir)], { stdio: ['ignore', 'ignore', 'pipe'] });
          createInterface({ input: child.stderr }).on('line', (line) => log(`[shard ${k}] ${line}`));
          child.on('error', (err) => {
            log(`[shard ${k}] could not start: ${err.message}`);
            resolve(null);
          });
          child.on('exit', (code, signal) => {
            if (code !== 0) log(`[shard ${k}] exited ${code ?? `on ${signal}`}`);
            resolve(code);
          });
        }),
    ),
  );
  const merged = await runMerge(dirs, { outDir: root, log, ...options.reports });
  return { ...merged, shardExitCodes: codes };
}
