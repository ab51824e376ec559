// The external target: servers the user already runs, named by --pg-url/--redis-url or DATABASE_URL/REDIS_URL.
// authbench only checks them (reachable, credentials, PostgreSQL >= 17, emptiness) and never stops them.
import { InvalidInputError } from '../errors.js';
import { assertDatabaseUsable, checkRedis, connectPostgres, readPostgresFacts } from './check.js';
import { APP_ROLE } from './embedded.js';
import { createHmac } from 'node:crypto';
import { usesTls, withResolvedSslMode } from './tls.js';
import type { Target, TargetSpec } from './types.js';
import { resolveExternalUrls } from './url.js';

export async function provisionExternal(spec: TargetSpec, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const urls = resolveExternalUrls({ pgUrl: spec.pgUrl, redisUrl: spec.redisUrl, pgUrlSource: spec.pgUrlSource, redisUrlSource: spec.redisUrlSource }, env);
  const missing = [
    ...(urls.pgUrl === undefined ? [{ path: '--pg-url', message: 'is required for --target external (or set DATABASE_URL)' }] : []),
    ...(urls.redisUrl === undefined ? [{ path: '--redis-url', message: 'is required for --target external (or set REDIS_URL)' }] : []),
  ];
  if (missing.length > 0 || urls.pgUrl === undefined || urls.redisUrl === undefined) throw new InvalidInputError(missing);
  const client = await connectPostgres(urls.pgUrl, urls.pgSource);
  let facts;
  let pgUrl = urls.pgUrl;
  try {
    // sslmode=prefer/allow: later connections (workers) do what this one settled on (src/target/tls.ts).
    pgUrl = withResolvedSslMode(pgUrl, await usesTls(client));
    facts = await readPostgresFacts(client, pgUrl);
    await assertDatabaseUsable(client, spec.allowNonEmpty ?? false);
  } finally {
    await client.end().catch(() => undefined);
  }
  const { redisVersion } = await checkRedis(urls.redisUrl, urls.redisSource);
  // prepare.ts sets this password on authbench_app, a cluster-wide role. Derived from the admin credentials
  // and server address (not random per run), so concurrent runs against one server agree on it instead of
  // locking each other's workers out; it is as secret as the admin password it comes from.
  const appPassword = deriveAppPassword(pgUrl);
  const app = new URL(pgUrl);
  app.username = APP_ROLE;
  app.password = appPassword;
  return {
    kind: 'external',
    pgUrl,
    appPgUrl: app.toString(),
    appPassword,
    redisUrl: urls.redisUrl,
    serverVersion: facts.serverVersion,
    redisVersion,
    settings: facts.settings,
    started: false,
    async [Symbol.asyncDispose]() {
      // Not ours to stop.
    },
  };
}

/** A stable app-role password for one server and admin login: HMAC of the admin password over host, port, user. */
export function deriveAppPassword(adminUrl: string): string {
  const url = new URL(adminUrl);
  const key = decodeURIComponent(url.password) || 'authbench-no-admin-password';
  const subject = `authbench_app|${url.hostname}|${url.port}|${decodeURIComponent(url.username)}`;
  return createHmac('sha256', key).update(subject).digest('base64url');
}
