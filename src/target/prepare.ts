// After provisioning: refuse a foreign non-empty database, apply the schema, and give the application role
// the password the Target carries, so workers can connect as authbench_app through target.appPgUrl.
import type pg from 'pg';
import { assertDatabaseUsable, connectPostgres } from './check.js';
import type { Target } from './types.js';

export interface PrepareOptions {
  allowNonEmpty?: boolean;
  /** Applies sql/ (src/target/migrate.ts). Injected so this module does not depend on the migration runner's shape. */
  applyMigrations(client: pg.Client): Promise<unknown>;
  /** Sets authbench_app's password (src/authdb/queries.ts setAppRolePassword). */
  setAppRolePassword(client: pg.Client, password: string): Promise<unknown>;
}

/** Emptiness check → migrations → app role password, on one admin connection. */
export async function prepareDatabase(target: Target, opts: PrepareOptions): Promise<void> {
  const client = await connectPostgres(target.pgUrl);
  try {
    await assertDatabaseUsable(client, opts.allowNonEmpty ?? false);
    await opts.applyMigrations(client);
    if (target.appPassword !== undefined) await opts.setAppRolePassword(client, target.appPassword);
  } finally {
    await client.end().catch(() => undefined);
  }
}
