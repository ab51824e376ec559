// TLS by default on the embedded target: a CA and server certificate per data directory (Debian's openssl),
// PostgreSQL with ssl on, redis-server on a TLS port, clients on sslmode=verify-full and rediss:// with our CA, the
// workers over TCP + TLS; --no-tls (tls: false) gives plaintext and the Unix sockets back on the same directory.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTarget } from '../../src/target/provision.js';
import { teardownEmbedded } from '../../src/target/teardown.js';
import { pgClientConfig, redisTlsOptions, usesTls } from '../../src/target/tls.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';

let home: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-embedded-tls-'));
  await fs.chmod(home, 0o755);
});

afterAll(async () => {
  await teardownEmbedded({ dataDir: home, purge: true });
  await fs.rm(home, { recursive: true, force: true });
});

describe('embedded target with TLS (the default)', () => {
  it('serves PostgreSQL and Redis over verified TLS, with certificates kept per data directory', async () => {
    const target = await provisionTarget({ kind: 'embedded', dataDir: home });
    try {
      const pgUrl = new URL(target.pgUrl);
      expect(pgUrl.searchParams.get('sslmode')).toBe('verify-full');
      expect(pgUrl.searchParams.get('sslrootcert')).toBe(path.join(home, 'tls', 'ca.pem'));
      expect(target.redisUrl).toMatch(/^rediss:\/\/127\.0\.0\.1:\d+\/\?tls_ca=/);
      expect(target.local).toEqual({}); // workers use TCP + TLS, so TLS is on the measured path
      expect((await fs.stat(path.join(home, 'tls', 'server.key'))).mode & 0o777).toBe(0o600);

      const admin = new pg.Client(pgClientConfig(target.pgUrl));
      await admin.connect();
      expect(await usesTls(admin)).toBe(true);
      await admin.end();

      const redis = new Redis(target.redisUrl, { ...redisTlsOptions(target.redisUrl), lazyConnect: true, maxRetriesPerRequest: 0 });
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
      redis.disconnect();

      // Our CA is the one trusted: the system CAs alone do not verify the server.
      const untrusted = new pg.Client(pgClientConfig(`${target.pgUrl.split('?')[0]}?sslmode=verify-full`));
      await expect(untrusted.connect()).rejects.toThrow(/self-signed|unable to verify|certificate/i);
      await untrusted.end().catch(() => {});
    } finally {
      await target[Symbol.asyncDispose]();
    }
    const ca = await fs.readFile(path.join(home, 'tls', 'ca.pem'), 'utf8');
    const again = await provisionTarget({ kind: 'embedded', dataDir: home });
    await again[Symbol.asyncDispose]();
    expect(await fs.readFile(path.join(home, 'tls', 'ca.pem'), 'utf8')).toBe(ca); // reused, not remade
  }, 120_000);

  it('runs a scenario through TLS: the workers connect over TCP, and with tls: false over the sockets in plaintext', async () => {
    const plan = parseScenario('name: tls-run\nload: { rate: 20/s, duration: 1s, warmup: 0s, connections: 2, workers: 1 }\nmix: [ { op: sql, options: { query: SELECT 1 } } ]\n', 'tls.yaml');
    const quiet = { write: () => true };
    const options = (out: string) => ({ outDir: path.join(home, out), progress: quiet, stdout: quiet, reports: { html: false, junit: false, console: false }, latenessBoundMs: 1000 });
    const tls = await runBenchmark(plan, { ...options('tls'), target: { dataDir: home } });
    expect(tls.exitCode).toBe(0);
    expect(tls.results.target.workerTransport).toEqual({ postgres: 'tcp', redis: 'tcp' });
    expect(tls.results.target.pgUrl).toContain('sslmode=verify-full');
    const plain = await runBenchmark(plan, { ...options('plain'), target: { dataDir: home, tls: false } });
    expect(plain.exitCode).toBe(0);
    expect(plain.results.target.workerTransport).toEqual({ postgres: 'unix-socket', redis: 'unix-socket' });
    expect(plain.results.target.redisUrl).toMatch(/^redis:\/\//);
  }, 120_000);
});
