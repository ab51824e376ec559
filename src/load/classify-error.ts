// Maps whatever an iteration threw (pg, ioredis, node net errors, our own) to the results' ErrorKind vocabulary.
// One place decides, so "connection" vs "server" vs "timeout" means the same thing for every operation.
import type { ErrorKind } from '../results/types.js';

/** Node socket errors that mean the connection is gone or never came up. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ETIMEDOUT']);

/**
 * SQLSTATEs that mean the backend is gone: class 08 (connection exception), 57P01 admin_shutdown,
 * 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections.
 */
function isConnectionSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

const CONNECTION_MESSAGES = /connection terminated|connection is closed|client has encountered a connection error|not queryable|socket hang up|stream isn't writeable/i;
const TIMEOUT_MESSAGES = /timed? ?out|timeout/i;

/** An error thrown on purpose by the generator when the server answered wrongly. */
export class WrongAnswerError extends Error {
  override readonly name = 'WrongAnswerError';
}

/** A failure of the Redis layer an operation depends on (not of the generic `redis` operation's own command). */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
}

/** The iteration's connection is lost and its reconnect is backing off (the server refused the last attempt). */
export class ConnectionBackoffError extends Error {
  override readonly name = 'ConnectionBackoffError';
}

export function classifyError(err: unknown): ErrorKind {
  if (err instanceof WrongAnswerError) return 'wrong_answer';
  if (err instanceof CacheUnavailableError) return 'cache';
  if (err instanceof ConnectionBackoffError) return 'connection';
  if (!(err instanceof Error)) return 'client';
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return 'connection';
    // 57014 query_canceled: statement_timeout or a cancel request.
    if (code === '57014') return 'timeout';
    if (/^[0-9A-Z]{5}$/.test(code)) return isConnectionSqlState(code) ? 'connection' : 'server';
  }
  // ioredis: a reply from the server (WRONGTYPE, script error …) is a server error.
  if (err.name === 'ReplyError') return 'server';
  if (TIMEOUT_MESSAGES.test(err.message)) return 'timeout';
  if (CONNECTION_MESSAGES.test(err.message)) return 'connection';
  return 'client';
}

/** True when the pg client that threw this can no longer be used and must be reconnected. */
export function breaksConnection(err: unknown): boolean {
  return classifyError(err) === 'connection' || classifyError(err) === 'timeout';
}
