// Test fixture: a fresh database with the migrations applied, an admin client, and clients acting as the
// application role (SET ROLE authbench_app), so every call goes through the app's EXECUTE-only privileges.
import pg from 'pg';
import { hash } from '@node-rs/argon2';
import { applyMigrations } from '../../src/target/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/servers.js';

export interface AuthDatabase {
  db: TestDatabase;
  admin: pg.Client;
  /** A new connection acting as authbench_app; closed by close(). */
  appClient(): Promise<pg.Client>;
  /** Inserts an active user with an Argon2id hash of `password` (cheap parameters); returns its id. */
  createUser(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

/** Cheap Argon2id parameters for tests (the production cost is the seeder's concern). */
export const testArgon2 = { algorithm: 2, memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

export async function openAuthDatabase(): Promise<AuthDatabase> {
  const db = await createTestDatabase('authdb');
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  await applyMigrations(admin);
  const clients: pg.Client[] = [];
  return {
    db,
    admin,
    async appClient() {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      clients.push(client);
      await client.query('SET ROLE authbench_app');
      return client;
    },
    async createUser(username, password) {
      const passwordHash = await hash(password, testArgon2);
      const { rows } = await admin.query<{ id: string }>(
        `WITH u AS (INSERT INTO auth.users (username, email) VALUES ($1, $1 || '@example.test') RETURNING id)
         INSERT INTO auth.credentials (user_id, password_hash) SELECT id, $2 FROM u RETURNING user_id AS id`,
        [username, passwordHash],
      );
      return rows[0]!.id;
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await admin.end();
      await db.drop();
    },
  };
}
