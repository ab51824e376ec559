import { describe, expect, it } from 'vitest';
import { InfraCode } from '../errors.js';
import { assertSupportedVersion, classifyPostgresError, classifyRedisError, postgresMajor } from './check.js';

describe('PostgreSQL version check', () => {
  it.each([
    ['17.10', 17],
    ['15.18 (Debian 15.18-0+deb12u1)', 15],
    ['18beta1', 18],
  ])('%s is major %d', (version, major) => expect(postgresMajor(version)).toBe(major));

  it('rejects servers older than 17 with the redacted URL', () => {
    expect(() => assertSupportedVersion('17.0', 'postgres://u:p@h/d')).not.toThrow();
    let caught: unknown;
    try {
      assertSupportedVersion('15.18 (Debian 15.18-0+deb12u1)', 'postgres://u:secret@db:5432/d');
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: InfraCode.pgTooOld, exitCode: 3 });
    expect((caught as Error).message).toBe('authbench needs PostgreSQL 17 or newer; postgres://u:***@db:5432/d runs 15.18.');
  });
});

describe('driver error classification', () => {
  const url = 'postgres://app:secret@db:5432/auth';
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:5432' }, InfraCode.pgUnreachable],
    [{ code: '28P01', message: 'password authentication failed for user "app"' }, InfraCode.pgAuthFailed],
    [{ code: '28000', message: 'no pg_hba.conf entry for host "10.0.0.2", user "app", database "auth", no encryption' }, InfraCode.pgTlsRequired],
    [{ message: 'The server does not support SSL connections' }, InfraCode.pgTlsRequired],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, InfraCode.pgTlsRequired],
    [{ code: '3D000', message: 'database "auth" does not exist' }, InfraCode.pgDatabaseMissing],
  ])('%j → %s', (err, code) => {
    const classified = classifyPostgresError(Object.assign(new Error(err.message), err), url);
    expect(classified.code).toBe(code);
    expect(classified.exitCode).toBe(3);
    expect(classified.message).toContain('db:5432');
    expect(classified.toUserText()).not.toContain('secret');
  });

  it('tells Redis auth failures from unreachable servers', () => {
    expect(classifyRedisError(new Error('WRONGPASS invalid username-password pair'), 'redis://:x@h:6379').code).toBe(InfraCode.redisAuthFailed);
    expect(classifyRedisError(new Error('connect ECONNREFUSED'), 'redis://h:6379').code).toBe(InfraCode.redisUnreachable);
  });
});
