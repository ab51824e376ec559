// The URL → driver TLS option mapping (src/target/tls.ts), table-driven: libpq's meaning of each sslmode, the
// parameters node-postgres must not see, prefer/allow resolution, and Redis `rediss://` with `?tls_ca=`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { pgClientConfig, pgFallbackSsl, pgSsl, redisTlsOptions, withResolvedSslMode, withoutTlsParams } from '../../src/target/tls.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-tls-opts-'));
const ca = path.join(dir, 'ca.pem');
fs.writeFileSync(ca, 'CA PEM');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const base = 'postgres://u:secret@db.example:5432/app';
const noEnv = {};

describe('pgSsl: libpq sslmode semantics', () => {
  it.each([
    ['(none)', '', false],
    ['disable', '?sslmode=disable', false],
    ['allow', '?sslmode=allow', false],
    ['prefer', '?sslmode=prefer', { rejectUnauthorized: false }],
    ['require', '?sslmode=require', { rejectUnauthorized: false }],
    ['no-verify', '?sslmode=no-verify', { rejectUnauthorized: false }],
    ['verify-full (system CAs)', '?sslmode=verify-full', { rejectUnauthorized: true }],
    ['verify-full + CA', `?sslmode=verify-full&sslrootcert=${ca}`, { rejectUnauthorized: true, ca: 'CA PEM' }],
  ])('%s', (_name, query, expected) => {
    expect(pgSsl(`${base}${query}`, noEnv)).toEqual(expected);
  });

  it('verify-ca and require with a root certificate check the chain but not the host name', () => {
    for (const mode of ['verify-ca', 'require']) {
      const ssl = pgSsl(`${base}?sslmode=${mode}&sslrootcert=${ca}`, noEnv);
      expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: 'CA PEM' });
      expect(ssl && typeof ssl.checkServerIdentity).toBe('function');
    }
  });

  it('verify-ca without sslrootcert, an unknown mode and an unreadable file are input errors', () => {
    expect(() => pgSsl(`${base}?sslmode=verify-ca`, noEnv)).toThrow(InvalidInputError);
    expect(() => pgSsl(`${base}?sslmode=bogus`, noEnv)).toThrow(/"bogus" is not one of/);
    expect(() => pgSsl(`${base}?sslmode=verify-full&sslrootcert=/nope.pem`, noEnv)).toThrow(/sslrootcert: cannot read/);
  });

  it('PGSSLMODE applies when the URL has no sslmode', () => {
    expect(pgSsl(base, { PGSSLMODE: 'require' })).toEqual({ rejectUnauthorized: false });
    expect(pgSsl(`${base}?sslmode=disable`, { PGSSLMODE: 'require' })).toBe(false);
  });
});

describe('pgClientConfig', () => {
  it('hands node-postgres the URL without TLS parameters (they would override ssl) and keeps others', () => {
    const config = pgClientConfig(`${base}?sslmode=verify-full&sslrootcert=${ca}&application_name=x`, noEnv);
    expect(config.connectionString).toBe(`${base}?application_name=x`);
    expect(config.ssl).toMatchObject({ ca: 'CA PEM' });
    expect(withoutTlsParams(base)).toBe(base);
  });
});

describe('prefer / allow', () => {
  it('have a second attempt only for the matching failure', () => {
    expect(pgFallbackSsl(`${base}?sslmode=prefer`, new Error('The server does not support SSL connections'), noEnv)).toBe(false);
    expect(pgFallbackSsl(`${base}?sslmode=allow`, Object.assign(new Error('no pg_hba.conf entry ..., no encryption'), { code: '28000' }), noEnv)).toEqual({ rejectUnauthorized: false });
    expect(pgFallbackSsl(`${base}?sslmode=require`, new Error('The server does not support SSL connections'), noEnv)).toBeUndefined();
    expect(pgFallbackSsl(`${base}?sslmode=prefer`, new Error('password authentication failed'), noEnv)).toBeUndefined();
  });

  it('are resolved for the workers to what the check connection used', () => {
    expect(new URL(withResolvedSslMode(`${base}?sslmode=prefer`, true, noEnv)).searchParams.get('sslmode')).toBe('no-verify');
    expect(new URL(withResolvedSslMode(`${base}?sslmode=allow`, false, noEnv)).searchParams.get('sslmode')).toBe('disable');
    expect(withResolvedSslMode(`${base}?sslmode=verify-full`, true, noEnv)).toBe(`${base}?sslmode=verify-full`);
  });
});

describe('redisTlsOptions', () => {
  it.each([
    ['redis://', 'redis://h:6379', {}],
    ['rediss:// (system CAs)', 'rediss://h:6380', { tls: {} }],
    ['rediss:// + tls_ca', `rediss://:pw@h:6380/0?tls_ca=${ca}`, { tls: { ca: 'CA PEM' } }],
  ])('%s', (_name, url, expected) => {
    expect(redisTlsOptions(url)).toEqual(expected);
  });

  it('refuses tls_ca on redis:// (it would silently stay plaintext)', () => {
    expect(() => redisTlsOptions(`redis://h:6379?tls_ca=${ca}`)).toThrow(/needs a rediss:\/\/ URL/);
  });
});
