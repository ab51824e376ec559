// The target side of a run: provision (or reuse what `authbench provision` started, or an external server),
// apply the schema and seed the dataset (or reuse it by fingerprint) when the plan's operations need them.
import { provisionTarget, type Target, type TargetSpec } from '../target/provision.js';
import { prepareDatabase } from '../target/prepare.js';
import { seedDataset } from '../target/seed/seed-dataset.js';
import { resolveDatasetSpec } from '../dataset/spec.js';
import type { Plan } from '../scenario/plan.js';
import { findOperation } from '../load/operations/index.js';
import type { Dataset } from '../dataset/types.js';
import type { RunResults } from '../results/types.js';
import { AbortedError, InvalidInputError } from '../errors.js';
import type { RunPhase } from './signals.js';
import { assertConnectionBudget, connectionsNeeded, readConnectionLimits } from '../server-evidence/connection-budget.js';

/** Client slots PgBouncer keeps beyond the run's own connections: the admin-console sampler and reconnects in flight. */
const POOLER_SPARE_CLIENTS = 20;

/** Whether some operation of the plan needs authbench's schema and dataset (each operation's file says). */
export function needsSchema(plan: Plan): boolean {
  return plan.mix.some((entry) => entry.steps.some((step) => findOperation(step.op)?.needsSchema ?? true));
}

export interface PreparedTarget {
  readonly target: Target;
  /** What the workers connect with: the app role when the schema is in use, else the admin URL (a Unix socket when local). */
  readonly workerPgUrl: string;
  /** The Redis URL the workers connect with: the server's Unix socket when authbench started it here. */
  readonly workerRedisUrl: string;
  /** How the workers reach each server, as results.json records it (`pgbouncer`: through the pooler, over TCP). */
  readonly workerTransport: { readonly postgres: 'unix-socket' | 'tcp' | 'pgbouncer'; readonly redis: 'unix-socket' | 'tcp' };
  /** What results.json records of the dataset: its identity and whether it was reused. */
  readonly seeded: RunResults['dataset'];
  /** The dataset itself, as the workers' model reads it. */
  readonly dataset: Dataset;
  readonly schema: boolean;
}

/** The TargetSpec of a plan, with the command line's overrides (flags win over the file). */
export function targetSpecOf(plan: Plan, overrides: Partial<TargetSpec> = {}): TargetSpec {
  const spec: TargetSpec = {
    kind: plan.target.kind,
    allowNonEmpty: plan.target.allowNonEmpty,
    settings: { synchronousCommit: plan.target.synchronousCommit, postgresOptions: plan.target.serverSettings },
    ...(plan.target.pooler
      ? { pooler: { kind: plan.target.pooler.kind, poolSize: plan.target.pooler.poolSize, maxClients: connectionsNeeded(plan).total + POOLER_SPARE_CLIENTS, ...(plan.shard ? { shardIndex: plan.shard.index } : {}) } }
      : {}),
  };
  // A URL from the file is named by its file and field in errors; a flag that overrides it is named by the flag.
  if (plan.target.pgUrl !== undefined && overrides.pgUrl === undefined) Object.assign(spec, { pgUrl: plan.target.pgUrl, pgUrlSource: `${plan.source.file} target.pgUrl` });
  if (plan.target.redisUrl !== undefined && overrides.redisUrl === undefined) Object.assign(spec, { redisUrl: plan.target.redisUrl, redisUrlSource: `${plan.source.file} target.redisUrl` });
  return { ...spec, ...overrides };
}

export interface TargetStageOptions {
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
  /** Told when each phase begins, so an interrupt can name it. */
  readonly onPhase?: (phase: RunPhase) => void;
}

/** Throws the "aborted during <phase>" error when the run was interrupted before its load began. */
export function throwIfInterrupted(signal: AbortSignal | undefined, phase: RunPhase, failure?: { cause: unknown; note: string }): void {
  if (!signal?.aborted) return;
  const note = failure ? ` ${failure.note}` : '';
  throw new AbortedError(`Aborted during ${phase}: the load had not started, so no results were written.${note}`, failure ? { cause: failure.cause } : {});
}

/** The workers' URLs: the local socket one when the target has it, else the TCP one; and which it was. */
function workerUrls(target: Target, socketPgUrl: string | undefined, tcpPgUrl: string, asApp = false): Pick<PreparedTarget, 'workerPgUrl' | 'workerRedisUrl' | 'workerTransport'> {
  const socketRedisUrl = target.local?.redisUrl;
  // The pooler serves the app role only; a plan without the schema (plain `sql` as admin) goes around it.
  if (target.pooler && asApp) {
    return {
      workerPgUrl: target.pooler.appPgUrl,
      workerRedisUrl: socketRedisUrl ?? target.redisUrl,
      workerTransport: { postgres: 'pgbouncer', redis: socketRedisUrl ? 'unix-socket' : 'tcp' },
    };
  }
  return {
    workerPgUrl: socketPgUrl ?? tcpPgUrl,
    workerRedisUrl: socketRedisUrl ?? target.redisUrl,
    workerTransport: { postgres: socketPgUrl ? 'unix-socket' : 'tcp', redis: socketRedisUrl ? 'unix-socket' : 'tcp' },
  };
}

/** The workers' URLs: the local socket one when the target has it, else the TCP one; and which it was. */
export function workerUrlsOf(target: Target, schema: boolean): Pick<PreparedTarget, 'workerPgUrl' | 'workerRedisUrl' | 'workerTransport'> {
  return schema ? workerUrls(target, target.local?.appPgUrl, target.appPgUrl ?? target.pgUrl, true) : workerUrls(target, target.local?.pgUrl, target.pgUrl);
}

/** Provisions and prepares; the caller owns the returned target and disposes it. */
export async function prepareTarget(plan: Plan, spec: TargetSpec, opts: TargetStageOptions): Promise<PreparedTarget> {
  if (plan.target.pooler && !needsSchema(plan)) {
    // Such a mix connects as the admin role, which the pooler does not serve: it would go around it, uncounted.
    throw new InvalidInputError([{ file: plan.source.file, path: 'target.pooler', message: 'the pooler serves the app role of the auth database, and no operation of this mix uses it (sql and redis run as the admin role); remove target.pooler' }]);
  }
  opts.onPhase?.('provision');
  const target = await provisionTarget(spec);
  try {
    throwIfInterrupted(opts.signal, 'provision');
    assertConnectionBudget(plan, await readConnectionLimits(target.pgUrl));
    const resolved = resolveDatasetSpec(plan.dataset);
    if (!needsSchema(plan)) {
      return { target, ...workerUrls(target, target.local?.pgUrl, target.pgUrl), dataset: resolved, schema: false, seeded: { users: 0, seed: resolved.seed, fingerprint: '', reused: false } };
    }
    opts.onPhase?.('migrate');
    opts.log('Applying the schema…');
    const prepared = await prepareDatabase(target, { allowNonEmpty: spec.allowNonEmpty ?? false, ...(plan.target.retention ? { retention: plan.target.retention } : {}) });
    const { created, dropped } = prepared.upkeep;
    if (created.length + dropped.length > 0) opts.log(`Partitions: ${created.length} created, ${dropped.length} dropped past the retention.`);
    throwIfInterrupted(opts.signal, 'migrate');
    opts.onPhase?.('seed');
    opts.log(`Seeding ${resolved.users} users (or reusing a matching dataset)…`);
    const report = await seedDataset(target.pgUrl, resolved, opts.signal ? { signal: opts.signal } : {}).catch((err: unknown) => {
      throwIfInterrupted(opts.signal, 'seed', { cause: err, note: 'The seeding was rolled back; the database keeps its previous dataset.' });
      throw err;
    });
    throwIfInterrupted(opts.signal, 'seed');
    opts.log(report.reused ? `Reused dataset ${report.fingerprint.slice(0, 12)}.` : `Seeded in ${(report.totalMs / 1000).toFixed(1)} s.`);
    return {
      target,
      ...workerUrls(target, target.local?.appPgUrl, target.appPgUrl ?? target.pgUrl, true),
      dataset: resolved,
      schema: true,
      seeded: { users: resolved.users, seed: resolved.seed, fingerprint: report.fingerprint, reused: report.reused },
    };
  } catch (err) {
    await target[Symbol.asyncDispose]();
    throw err;
  }
}
