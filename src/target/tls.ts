// TLS for every connection authbench opens: PostgreSQL `sslmode` / `sslrootcert` / `sslcert` / `sslkey` in the URL
// with libpq's meaning, and Redis `rediss://` with an optional CA (`?tls_ca=/path/ca.pem`). Every pg.Client and
// ioredis client is configured through `pgClientConfig` / `redisTlsOptions`, so all connection sites agree.
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import { InvalidInputError } from '../errors.js';

export type PgSslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full' | 'no-verify';
const PG_SSL_MODES: readonly PgSslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];
/** URL parameters this module interprets; they are removed from the string node-postgres parses (it would override us). */
const PG_TLS_PARAMS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'uselibpqcompat'];
/** Redis URL parameter naming the CA file that signed the server's certificate (PEM). */
export const REDIS_CA_PARAM = 'tls_ca';

/** File contents by path: a worker opens hundreds of connections and reads each certificate once. */
const fileCache = new Map<string, string>();

function readPem(file: string, param: string): string {
  const cached = fileCache.get(file);
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidInputError([{ path: param, message: `cannot read "${file}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }], {
      hint: 'Give the path of a PEM file readable by authbench.',
    });
  }
  fileCache.set(file, text);
  return text;
}

/** The URL's sslmode, else PGSSLMODE, else `disable` (node-postgres' default; libpq's is `prefer`: write it to get it). */
export function pgSslMode(url: string, env: NodeJS.ProcessEnv = process.env): PgSslMode {
  let mode: string | null = null;
  try {
    mode = new URL(url).searchParams.get('sslmode');
  } catch {
    // An unparsable URL fails later with the URL validation's own message.
  }
  mode ??= env.PGSSLMODE ?? 'disable';
  if (!(PG_SSL_MODES as readonly string[]).includes(mode)) {
    throw new InvalidInputError([{ path: 'sslmode', message: `"${mode}" is not one of ${PG_SSL_MODES.join(', ')}` }]);
  }
  return mode as PgSslMode;
}

/**
 * node-postgres `ssl` for a URL, with libpq's meaning of each mode:
 * disable/allow → no TLS first; prefer/require/no-verify → TLS without certificate checks (require with sslrootcert
 * = verify-ca, as libpq); verify-ca → chain checked against sslrootcert, host name not; verify-full → chain (sslrootcert
 * or the system CAs) and host name checked.
 */
export function pgSsl(url: string, env: NodeJS.ProcessEnv = process.env): false | ConnectionOptions {
  const mode = pgSslMode(url, env);
  const params = new URL(url).searchParams;
  const rootCert = params.get('sslrootcert');
  const clientCert = params.get('sslcert');
  const clientKey = params.get('sslkey');
  if (mode === 'disable' || mode === 'allow') return false;
  const tls: ConnectionOptions = {};
  if (clientCert) tls.cert = readPem(clientCert, 'sslcert');
  if (clientKey) tls.key = readPem(clientKey, 'sslkey');
  const verifyChain = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && rootCert !== null);
  if (!verifyChain) return { ...tls, rejectUnauthorized: false };
  if (rootCert) tls.ca = readPem(rootCert, 'sslrootcert');
  else if (mode === 'verify-ca') {
    throw new InvalidInputError([{ path: 'sslmode', message: 'verify-ca needs sslrootcert=/path/to/ca.pem in the URL' }], {
      hint: 'Name the CA that signed the server certificate, or use sslmode=verify-full to check against the system CAs.',
    });
  }
  // verify-ca (and require + root cert): the chain is checked, the host name is not.
  if (mode !== 'verify-full') tls.checkServerIdentity = () => undefined;
  return { ...tls, rejectUnauthorized: true };
}

/** The URL without the TLS parameters (node-postgres would parse them itself and override `ssl`). */
export function withoutTlsParams(url: string): string {
  const parsed = new URL(url);
  if (!PG_TLS_PARAMS.some((name) => parsed.searchParams.has(name))) return url;
  for (const name of PG_TLS_PARAMS) parsed.searchParams.delete(name);
  return parsed.toString();
}

/** Connection config for `new pg.Client({ ...pgClientConfig(url), application_name, ... })`. */
export function pgClientConfig(url: string, env: NodeJS.ProcessEnv = process.env): Pick<ClientConfig, 'connectionString' | 'ssl'> {
  if (!URL.canParse(url)) return { connectionString: url }; // node-postgres reports it (without the URL)
  return { connectionString: withoutTlsParams(url), ssl: pgSsl(url, env) };
}

/**
 * libpq's second attempt: `prefer` falls back to plaintext when the server has no TLS, `allow` to TLS (no checks)
 * when the server refuses plaintext. Undefined when there is no second attempt for this mode and error.
 */
export function pgFallbackSsl(url: string, err: unknown, env: NodeJS.ProcessEnv = process.env): false | ConnectionOptions | undefined {
  const mode = pgSslMode(url, env);
  const e = err as { code?: string; message?: string };
  if (mode === 'prefer' && /does not support SSL/i.test(e.message ?? '')) return false;
  if (mode === 'allow' && e.code === '28000' && /no encryption/i.test(e.message ?? '')) return { rejectUnauthorized: false };
  return undefined;
}

/**
 * The URL with `prefer`/`allow` replaced by what the check connection settled on (`disable` or `no-verify`), so the
 * workers' connections, which make no second attempt, do the same thing. Other modes are returned unchanged.
 */
export function withResolvedSslMode(url: string, usedTls: boolean, env: NodeJS.ProcessEnv = process.env): string {
  const mode = pgSslMode(url, env);
  if (mode !== 'prefer' && mode !== 'allow') return url;
  const parsed = new URL(url);
  parsed.searchParams.set('sslmode', usedTls ? 'no-verify' : 'disable');
  return parsed.toString();
}

/**
 * ioredis options for a URL: for `rediss://`, TLS with the system CAs, or with `?tls_ca=/path/ca.pem` the CA that signed
 * the server certificate (the host name is always checked). `tls_ca` on a `redis://` URL is an error, not a silent
 * plaintext connection.
 */
export function redisTlsOptions(url: string): { tls?: ConnectionOptions } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const ca = parsed.searchParams.get(REDIS_CA_PARAM);
  if (parsed.protocol !== 'rediss:') {
    if (ca !== null) {
      throw new InvalidInputError([{ path: REDIS_CA_PARAM, message: 'needs a rediss:// URL (TLS); redis:// is plaintext' }]);
    }
    return {};
  }
  return { tls: ca ? { ca: readPem(ca, REDIS_CA_PARAM) } : {} };
}

/** Whether this connection is encrypted (asked of the server, so it holds whatever the driver did). */
export async function usesTls(client: { query<R>(text: string): Promise<{ rows: R[] }> }): Promise<boolean> {
  const result = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return result.rows[0]?.ssl === true;
}
