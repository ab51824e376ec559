// After provisioning: refuse a foreign non-empty database, apply the schema (sql/), and give the application role
// the password the Target carries, so workers can connect as authbench_app through target.appPgUrl.
import { assertDatabaseUsable, connectPostgres } from './check.js';
import { ensurePartitions } from '../authdb/maintenance.js';
import { applyMigrations, setAppRolePassword, type ApplyMigrationsResult } from './migrate.js';
import type { Target } from './types.js';

export interface PrepareOptions {
  allowNonEmpty?: boolean;
  /** Folder of the migrations; defaults to the package's sql/. */
  migrationsDir?: string;
}

/** Emptiness check → migrations → today's partitions (yesterday to tomorrow) → authbench_app password, on one admin connection. */
export async function prepareDatabase(target: Target, opts: PrepareOptions = {}): Promise<ApplyMigrationsResult> {
  const client = await connectPostgres(target.pgUrl);
  try {
    await assertDatabaseUsable(client, opts.allowNonEmpty ?? false);
    const result = await applyMigrations(client, opts.migrationsDir === undefined ? {} : { dir: opts.migrationsDir });
    // The schema keeps day partitions from yesterday to tomorrow (sql/009): a database last used days ago gets today's.
    await ensurePartitions(client);
    if (target.appPassword !== undefined) await setAppRolePassword(client, target.appPassword);
    return result;
  } finally {
    await client.end().catch(() => undefined);
  }
}
