// After provisioning: refuse a foreign non-empty database, apply the schema (sql/), and give the application role
// the password the Target carries, so workers can connect as authbench_app through target.appPgUrl.
import { assertDatabaseUsable, connectPostgres } from './check.js';
import { runUpkeep, type Retention, type UpkeepReport } from '../authdb/maintenance.js';
import { applyMigrations, setAppRolePassword, type ApplyMigrationsResult } from './migrate.js';
import type { Target } from './types.js';

export interface PrepareOptions {
  allowNonEmpty?: boolean;
  /** Folder of the migrations; defaults to the package's sql/. */
  migrationsDir?: string;
  /** The scenario's retention policy (target.retention), written into auth.settings before expired partitions are dropped. */
  retention?: Retention;
}

export interface PrepareResult extends ApplyMigrationsResult {
  /** The partition upkeep done after the migrations. */
  readonly upkeep: UpkeepReport;
}

/** Emptiness check → migrations → partition upkeep (yesterday to tomorrow, expired dropped) → authbench_app password, on one admin connection. */
export async function prepareDatabase(target: Target, opts: PrepareOptions = {}): Promise<PrepareResult> {
  const client = await connectPostgres(target.pgUrl);
  try {
    await assertDatabaseUsable(client, opts.allowNonEmpty ?? false);
    const result = await applyMigrations(client, opts.migrationsDir === undefined ? {} : { dir: opts.migrationsDir });
    // The schema keeps day partitions from yesterday to tomorrow (sql/009): a database last used days ago gets today's,
    // and the partitions past the retention go.
    const upkeep = await runUpkeep(client, opts.retention ? { retention: opts.retention } : {});
    if (target.appPassword !== undefined) await setAppRolePassword(client, target.appPassword);
    return { ...result, upkeep };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `authbench provision` on a database that already has the schema: one upkeep pass (null when there is no schema yet). */
export async function upkeepIfMigrated(target: Target): Promise<UpkeepReport | null> {
  const client = await connectPostgres(target.pgUrl);
  try {
    const { rows } = await client.query<{ ok: boolean }>("SELECT to_regprocedure('auth.set_retention(interval, interval)') IS NOT NULL AS ok");
    return rows[0]?.ok ? await runUpkeep(client) : null;
  } finally {
    await client.end().catch(() => undefined);
  }
}
