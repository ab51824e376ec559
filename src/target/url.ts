// Database URLs: redaction for anything shown or written, and validation of --pg-url / --redis-url /
// DATABASE_URL / REDIS_URL with errors that name where the bad value came from.
import { InvalidInputError, type InputIssue } from '../errors.js';
import { redactSecrets } from './redact.js';

export { redactSecrets } from './redact.js';

/**
 * The URL with its password replaced by `***` (userinfo, `password=`), parsed or not: the one rule of
 * `redactSecrets`, so a malformed URL in an error message does not leak its password either.
 */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

/** Free text (a scenario file as written, an error message) with every password in it replaced by `***`. */
export function redactUrlsInText(text: string): string {
  return redactSecrets(text);
}

/** Where a URL came from, for error messages: a flag (`--pg-url`) or an environment variable (`DATABASE_URL`). */
export type UrlSource = string;

function checkPort(parsed: URL, source: UrlSource, issues: InputIssue[]): void {
  if (parsed.port === '') return;
  const port = Number(parsed.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) issues.push({ path: source, message: `port ${parsed.port} is not between 1 and 65535` });
}

function parseOrIssue(value: string, source: UrlSource, example: string, issues: InputIssue[]): URL | undefined {
  if (value.trim() === '') {
    issues.push({ path: source, message: `is empty; expected a URL like ${example}` });
    return undefined;
  }
  try {
    return new URL(value);
  } catch {
    issues.push({ path: source, message: `"${redactUrl(value)}" is not a valid URL; expected ${example}` });
    return undefined;
  }
}

const PG_EXAMPLE = 'postgres://user:password@host:5432/dbname';
const REDIS_EXAMPLE = 'redis://[:password@]host:6379[/db] or rediss://...';

/** Problems with a PostgreSQL URL (empty when it is usable). */
export function postgresUrlIssues(value: string, source: UrlSource): InputIssue[] {
  const issues: InputIssue[] = [];
  const parsed = parseOrIssue(value, source, PG_EXAMPLE, issues);
  if (!parsed) return issues;
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    issues.push({ path: source, message: `"${redactUrl(value)}" must start with postgres:// or postgresql://` });
    return issues;
  }
  // libpq allows an empty host with ?host=/socket/dir
  if (!parsed.hostname && !parsed.searchParams.get('host')) issues.push({ path: source, message: `"${redactUrl(value)}" has no host; expected ${PG_EXAMPLE}` });
  checkPort(parsed, source, issues);
  const sslmode = parsed.searchParams.get('sslmode');
  if (sslmode !== null && !['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'].includes(sslmode)) {
    issues.push({ path: source, message: `sslmode=${sslmode} is not one of disable, prefer, require, verify-ca, verify-full, no-verify` });
  }
  return issues;
}

/** Problems with a Redis URL (empty when it is usable). */
export function redisUrlIssues(value: string, source: UrlSource): InputIssue[] {
  const issues: InputIssue[] = [];
  const parsed = parseOrIssue(value, source, REDIS_EXAMPLE, issues);
  if (!parsed) return issues;
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    issues.push({ path: source, message: `"${redactUrl(value)}" must start with redis:// or rediss://` });
    return issues;
  }
  if (!parsed.hostname) issues.push({ path: source, message: `"${redactUrl(value)}" has no host; expected ${REDIS_EXAMPLE}` });
  checkPort(parsed, source, issues);
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) issues.push({ path: source, message: `database "${redactUrl(db)}" must be a number (redis://host:6379/0)` });
  return issues;
}

/** Throws InvalidInputError (exit 2) naming `source` when `value` is not a usable PostgreSQL URL. */
export function parsePostgresUrl(value: string, source: UrlSource): URL {
  const issues = postgresUrlIssues(value, source);
  if (issues.length > 0) throw new InvalidInputError(issues);
  return new URL(value);
}

/** Throws InvalidInputError (exit 2) naming `source` when `value` is not a usable Redis URL. */
export function parseRedisUrl(value: string, source: UrlSource): URL {
  const issues = redisUrlIssues(value, source);
  if (issues.length > 0) throw new InvalidInputError(issues);
  return new URL(value);
}

export interface ExternalUrls {
  pgUrl?: string;
  /** `--pg-url` or `DATABASE_URL`: named in later errors. */
  pgSource?: UrlSource;
  redisUrl?: string;
  redisSource?: UrlSource;
}

/**
 * Picks the URLs for an external target: flags (or the scenario file's, named by `*UrlSource`) win over DATABASE_URL /
 * REDIS_URL (an empty variable counts as unset).
 * Validates both and reports every problem at once (InvalidInputError, exit 2).
 */
export function resolveExternalUrls(
  flags: { pgUrl?: string; redisUrl?: string; pgUrlSource?: string; redisUrlSource?: string },
  env: NodeJS.ProcessEnv = process.env,
): ExternalUrls {
  const result: ExternalUrls = {};
  if (flags.pgUrl !== undefined) Object.assign(result, { pgUrl: flags.pgUrl, pgSource: flags.pgUrlSource ?? '--pg-url' });
  else if (env.DATABASE_URL) Object.assign(result, { pgUrl: env.DATABASE_URL, pgSource: 'DATABASE_URL' });
  if (flags.redisUrl !== undefined) Object.assign(result, { redisUrl: flags.redisUrl, redisSource: flags.redisUrlSource ?? '--redis-url' });
  else if (env.REDIS_URL) Object.assign(result, { redisUrl: env.REDIS_URL, redisSource: 'REDIS_URL' });
  const issues = [
    ...(result.pgUrl !== undefined ? postgresUrlIssues(result.pgUrl, result.pgSource ?? '--pg-url') : []),
    ...(result.redisUrl !== undefined ? redisUrlIssues(result.redisUrl, result.redisSource ?? '--redis-url') : []),
  ];
  if (issues.length > 0) throw new InvalidInputError(issues);
  return result;
}

/** host:port of a URL for messages (default ports filled in). */
export function hostPort(url: string): string {
  try {
    const parsed = new URL(url);
    const defaultPort = parsed.protocol.startsWith('redis') ? '6379' : '5432';
    const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
    return `${host}:${parsed.port || defaultPort}`;
  } catch {
    return redactUrl(url);
  }
}
