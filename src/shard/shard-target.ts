// A shard's target: the servers `authbench prepare` migrated, seeded and warmed, only checked here. A shard never
// migrates, seeds or warms (N shards would do it N times, racing); it checks that the dataset's fingerprint is the plan's.
import pg from 'pg';
import { InfraCode, InfrastructureError } from '../errors.js';
import { needsSchema, workerUrlsOf, throwIfInterrupted, type PreparedTarget, type TargetStageOptions } from '../run/target-stage.js';
import type { Plan } from '../scenario/plan.js';
import { provisionTarget, type TargetSpec } from '../target/provision.js';
import { resolveDatasetSpec } from '../dataset/spec.js';
import { datasetFingerprint } from '../target/seed/fingerprint.js';
import { schemaChecksum } from '../target/seed/catalog.js';
import { pgClientConfig } from '../target/tls.js';

/** Stable code of a shard whose database was not prepared for its plan (exit 3: the target's state, not the input). */
export const NOT_PREPARED = InfraCode.notPrepared;

/** Provisions (connects) and checks the prepared dataset; the caller owns the returned target and disposes it. */
export async function shardTarget(plan: Plan, spec: TargetSpec, opts: TargetStageOptions): Promise<PreparedTarget> {
  opts.onPhase?.('provision');
  const target = await provisionTarget(spec);
  try {
    throwIfInterrupted(opts.signal, 'provision');
    const resolved = resolveDatasetSpec(plan.dataset);
    if (!needsSchema(plan)) {
      return { target, ...workerUrlsOf(target, false), dataset: resolved, schema: false, seeded: { users: 0, seed: resolved.seed, fingerprint: '', reused: false } };
    }
    const file = plan.source.file;
    const hint = `Run \`authbench prepare ${file}\` once against this target (with the same --seed and dataset), then start the shards.`;
    const client = new pg.Client({ ...pgClientConfig(target.pgUrl), application_name: 'authbench-shard-check', connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      const present = await client.query<{ t: string | null }>("SELECT to_regclass('authbench.dataset')::text AS t");
      if (present.rows[0]?.t == null) throw new InfrastructureError(NOT_PREPARED, 'This shard\'s database holds no authbench dataset: shards do not migrate or seed.', { hint });
      const expected = datasetFingerprint(resolved, await schemaChecksum(client));
      const found = (await client.query<{ fingerprint: string }>('SELECT fingerprint FROM authbench.dataset')).rows[0]?.fingerprint;
      if (found !== expected) {
        throw new InfrastructureError(
          NOT_PREPARED,
          `This shard's database holds dataset ${found ? found.slice(0, 12) : '(none)'}, not the ${resolved.users} users of seed ${resolved.seed} that ${file} needs (${expected.slice(0, 12)}).`,
          { hint },
        );
      }
      opts.log(`Dataset ${expected.slice(0, 12)} prepared for this scenario: shard ${plan.shard?.index ?? 0}/${plan.shard?.count ?? 1} starts without seeding.`);
      return {
        target,
        ...workerUrlsOf(target, true),
        dataset: resolved,
        schema: true,
        seeded: { users: resolved.users, seed: resolved.seed, fingerprint: expected, reused: true },
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (err) {
    await target[Symbol.asyncDispose]();
    throw err;
  }
}
