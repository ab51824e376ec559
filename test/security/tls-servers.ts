// Real TLS servers for the security tests: a self-signed CA and a server certificate made with the openssl CLI, a
// dedicated PostgreSQL 17 with ssl=on whose pg_hba only accepts `hostssl`, and a redis-server with a TLS port.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { installPostgresCertificates } from '../../src/target/certificates.js';
import { initCluster, startServer, stopServer } from '../../src/target/embedded-postgres.js';
import { findFreePort } from '../../src/target/free-port.js';
import { startRedisServer, stopRedisServer } from '../../src/target/redis-server.js';

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface Certificates {
  dir: string;
  /** CA that signed the server certificate. */
  caFile: string;
  /** Another CA, which signed nothing the servers present. */
  wrongCaFile: string;
  certFile: string;
  keyFile: string;
}

function openssl(cwd: string, args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=authbench test ${name}`]);
}

/** A CA, a server certificate for 127.0.0.1 / localhost signed by it, and an unrelated CA. */
export async function makeCertificates(): Promise<Certificates> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-tls-'));
  await fs.chmod(dir, 0o755);
  makeCa(dir, 'ca');
  makeCa(dir, 'wrong-ca');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  await fs.writeFile(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', 'server.crt', '-extfile', 'server.ext']);
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    wrongCaFile: path.join(dir, 'wrong-ca.pem'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  };
}

export interface TlsPostgres {
  /** Superuser URL of the `postgres` database, without any sslmode. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** PostgreSQL 17 with ssl=on; pg_hba accepts TCP only over TLS (`hostssl`), so plaintext is refused. */
export async function startTlsPostgres(certs: Certificates): Promise<TlsPostgres> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-tls-pg-'));
  await fs.chmod(root, 0o755);
  const dataDir = path.join(root, 'data');
  const password = randomBytes(12).toString('hex');
  await initCluster({ dataDir, superuser: 'postgres', password });
  const tls = await installPostgresCertificates(dataDir, certs);
  await fs.writeFile(path.join(dataDir, 'pg_hba.conf'), 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
  const port = await findFreePort();
  const server = await startServer({
    dataDir,
    port,
    settings: { ...tls, max_connections: 60, shared_buffers: '32MB', shared_preload_libraries: 'pg_stat_statements' },
  });
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await stopServer(server.pid);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

export interface TlsRedis {
  /** `rediss://127.0.0.1:<tls port>` without a CA. */
  tlsUrl: string;
  stop(): Promise<void>;
}

/** redis-server with a TLS port (client certificates not required) next to a plaintext port used for readiness. */
export async function startTlsRedis(certs: Certificates): Promise<TlsRedis> {
  const [port, tlsPort] = [await findFreePort(), await findFreePort()];
  const server = await startRedisServer({
    port,
    dir: os.tmpdir(),
    settings: { 'tls-port': tlsPort, 'tls-cert-file': certs.certFile, 'tls-key-file': certs.keyFile, 'tls-ca-cert-file': certs.caFile, 'tls-auth-clients': 'no' },
  });
  return { tlsUrl: `rediss://127.0.0.1:${tlsPort}`, stop: () => stopRedisServer(server.pid) };
}

/** `url` with query parameters added. */
export function withParams(url: string, params: Record<string, string>): string {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(params)) parsed.searchParams.set(name, value);
  return parsed.toString();
}
