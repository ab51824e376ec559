// TLS end to end against real servers: a PostgreSQL 17 that accepts only `hostssl`, a redis-server with a TLS port,
// certificates made at test time. Plaintext is refused with a clear error; require / verify-full work; a wrong CA
// fails clearly; a whole run (checks, migrations, seeding, workers) goes over TLS.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis as connectLayerRedis } from '../../src/authdb/redis/connect.js';
import { ExitCode, InfraCode, InfrastructureError, InvalidInputError } from '../../src/errors.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { checkPostgres, checkRedis, connectPostgres } from '../../src/target/check.js';
import { provisionTarget } from '../../src/target/provision.js';
import { usesTls } from '../../src/target/tls.js';
import { adminUrl } from '../support/servers.js';
import { hasOpenssl, makeCertificates, startTlsPostgres, startTlsRedis, withParams, type Certificates, type TlsPostgres, type TlsRedis } from './tls-servers.js';

const enabled = hasOpenssl();
let certs: Certificates;
let pgServer: TlsPostgres;
let redis: TlsRedis;

beforeAll(async () => {
  if (!enabled) return;
  certs = await makeCertificates();
  [pgServer, redis] = await Promise.all([startTlsPostgres(certs), startTlsRedis(certs)]);
});

afterAll(async () => {
  await Promise.all([pgServer?.stop(), redis?.stop()]);
  if (certs) await fs.rm(certs.dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<InfrastructureError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InfrastructureError);
  return err as InfrastructureError;
}

describe.skipIf(!enabled)('PostgreSQL over TLS', () => {
  it('a plaintext URL gets "requires TLS" (exit 3) with a hint about sslmode', async () => {
    const err = await rejection(checkPostgres(pgServer.url));
    expect(err.code).toBe(InfraCode.pgTlsRequired);
    expect(err.exitCode).toBe(ExitCode.infrastructure);
    expect(err.message).toMatch(/requires TLS/);
    expect(err.hint).toMatch(/sslmode=require/);
    expect(err.toUserText()).not.toContain(new URL(pgServer.url).password);
  });

  it('sslmode=disable is refused the same way', async () => {
    const err = await rejection(checkPostgres(withParams(pgServer.url, { sslmode: 'disable' })));
    expect(err.code).toBe(InfraCode.pgTlsRequired);
  });

  it('sslmode=require connects encrypted without checking the certificate (libpq semantics)', async () => {
    const client = await connectPostgres(withParams(pgServer.url, { sslmode: 'require' }));
    try {
      expect(await usesTls(client)).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('sslmode=prefer uses TLS when offered, and falls back to plaintext on a server without TLS', async () => {
    const tls = await connectPostgres(withParams(pgServer.url, { sslmode: 'prefer' }));
    const plain = await connectPostgres(withParams(adminUrl(), { sslmode: 'prefer' }));
    try {
      expect(await usesTls(tls)).toBe(true);
      expect(await usesTls(plain)).toBe(false);
    } finally {
      await Promise.all([tls.end(), plain.end()]);
    }
  });

  it('a TLS sslmode against a server without TLS says so', async () => {
    const err = await rejection(checkPostgres(withParams(adminUrl(), { sslmode: 'require' })));
    expect(err.code).toBe(InfraCode.pgTlsRequired);
    expect(err.message).toMatch(/does not support it/);
  });

  it('verify-full with the right CA works; verify-ca too', async () => {
    const facts = await checkPostgres(withParams(pgServer.url, { sslmode: 'verify-full', sslrootcert: certs.caFile }));
    expect(facts.serverVersion).toMatch(/^17\./);
    await checkPostgres(withParams(pgServer.url, { sslmode: 'verify-ca', sslrootcert: certs.caFile }));
  });

  it('verify-full with the wrong CA (or none: the system CAs) fails clearly', async () => {
    const wrong = await rejection(checkPostgres(withParams(pgServer.url, { sslmode: 'verify-full', sslrootcert: certs.wrongCaFile })));
    expect(wrong.code).toBe(InfraCode.pgTlsRequired);
    expect(wrong.message).toMatch(/TLS handshake .* failed/);
    expect(wrong.hint).toMatch(/sslrootcert/);
    const none = await rejection(checkPostgres(withParams(pgServer.url, { sslmode: 'verify-full' })));
    expect(none.code).toBe(InfraCode.pgTlsRequired);
  });

  it('an unreadable sslrootcert is an input error (exit 2) naming the parameter', async () => {
    const err = await checkPostgres(withParams(pgServer.url, { sslmode: 'verify-full', sslrootcert: '/nonexistent/ca.pem' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).message).toMatch(/sslrootcert: cannot read "\/nonexistent\/ca.pem": ENOENT/);
  });
});

describe.skipIf(!enabled)('Redis over TLS (rediss://)', () => {
  it('rediss:// with ?tls_ca= connects (target check and the layer client)', async () => {
    const url = withParams(redis.tlsUrl, { tls_ca: certs.caFile });
    expect((await checkRedis(url)).redisVersion).toMatch(/^\d+\./);
    const client = await connectLayerRedis(url);
    try {
      expect(await client.ping()).toBe('PONG');
    } finally {
      client.disconnect();
    }
  });

  it('the wrong CA, or no CA for a self-signed server, fails as unreachable with the TLS reason', async () => {
    const wrong = await rejection(checkRedis(withParams(redis.tlsUrl, { tls_ca: certs.wrongCaFile })));
    expect(wrong.code).toBe(InfraCode.redisUnreachable);
    expect(wrong.message).toMatch(/certificate/i);
    expect(wrong.message).toMatch(/TLS handshake/);
    expect(wrong.hint).toMatch(/tls_ca=/);
    const none = await rejection(checkRedis(redis.tlsUrl));
    expect(none.message).toMatch(/certificate/i);
    const layer = await rejection(connectLayerRedis(withParams(redis.tlsUrl, { tls_ca: certs.wrongCaFile }), { connectTimeoutMs: 1000 }));
    expect(layer.message).toMatch(/certificate/i);
  });

  it('tls_ca on a plaintext redis:// URL is an input error, not a silent plaintext connection', async () => {
    const err = await checkRedis(`redis://127.0.0.1:1?tls_ca=${certs.caFile}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toMatch(/tls_ca: needs a rediss:\/\/ URL/);
  });
});

describe.skipIf(!enabled)('a whole run over TLS', () => {
  it('provisioning, migrations, seeding, warming and the workers all connect with verify-full and rediss://', async () => {
    const admin = new pg.Client({ connectionString: pgServer.url, ssl: { ca: await fs.readFile(certs.caFile, 'utf8') } });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const benchUrl = new URL(pgServer.url);
    benchUrl.pathname = '/bench';
    const pgUrl = withParams(benchUrl.toString(), { sslmode: 'verify-full', sslrootcert: certs.caFile });
    const redisUrl = withParams(redis.tlsUrl, { tls_ca: certs.caFile });

    await using target = await provisionTarget({ kind: 'external', pgUrl, redisUrl });
    expect(new URL(target.appPgUrl ?? '').searchParams.get('sslmode')).toBe('verify-full');

    const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-tls-run-'));
    try {
      const plan = parseScenario(SCENARIO, 'tls.yaml');
      const silent = { write: () => true };
      const { results } = await runBenchmark(plan, {
        target: { kind: 'external', pgUrl, redisUrl },
        outDir,
        progress: silent,
        stdout: silent,
        reports: { html: false, junit: false, console: false },
        latenessBoundMs: 200,
      });
      expect(results.status).toBe('completed');
      const login = results.operations.find((o) => o.key === 'auth.login');
      expect(login?.outcomes.granted ?? 0).toBeGreaterThan(0);
      for (const op of results.operations) expect(op.errors, op.key).toEqual({});
    } finally {
      await fs.rm(outDir, { recursive: true, force: true });
    }
  });
});

// pg_hba refuses plaintext, so every connection of this run (admin, app role, workers) is encrypted or fails.
const SCENARIO = `
name: tls
seed: 2
dataset:
  users: 200
load:
  rate: 40/s
  duration: 2s
  warmup: 0s
  connections: 4
  workers: 1
mix:
  - op: auth.login
    options: { wrongPasswordShare: 0% }
  - op: session.validate
`;
