// The embedded target's TLS material, one set per data directory (`<home>/tls/`): a CA and a server certificate for
// 127.0.0.1 and localhost signed by it, made with the openssl CLI and reused until it is within a week of expiry.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { InfraCode, InfrastructureError } from '../errors.js';
import { serverOsUser } from './embedded-postgres.js';

const run = promisify(execFile);

export interface ServerCertificates {
  readonly dir: string;
  /** The CA clients trust (sslrootcert, tls_ca). */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** A year: long enough that a kept data directory rarely renews, short enough to be a certificate, not a fixture. */
const SERVER_DAYS = 365;
const CA_DAYS = 3650;
const RENEW_BEFORE_S = 7 * 86_400;

async function openssl(cwd: string, args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new InfrastructureError(InfraCode.tlsSetupFailed, 'openssl was not found on PATH; the embedded target makes its TLS certificates with it.', {
        hint: 'Install it with `apt-get install -y openssl`, or run with --no-tls.',
      });
    }
    throw new InfrastructureError(InfraCode.tlsSetupFailed, `openssl failed making the embedded target's certificates: ${(e.stderr ?? e.message).trim().split('\n').pop() ?? ''}`, {
      hint: `Remove ${cwd} to start over, or run with --no-tls.`,
    });
  }
}

async function stillValid(dir: string): Promise<boolean> {
  const files = ['ca.pem', 'server.crt', 'server.key'].map((f) => path.join(dir, f));
  if (!(await Promise.all(files.map((f) => fs.stat(f).then(() => true, () => false)))).every(Boolean)) return false;
  try {
    await run('openssl', ['x509', '-checkend', String(RENEW_BEFORE_S), '-noout', '-in', 'server.crt'], { cwd: dir });
    return true;
  } catch {
    return false;
  }
}

/** The data directory's certificates, made (or renewed) when missing or about to expire. Keys are mode 600. */
export async function ensureServerCertificates(home: string): Promise<ServerCertificates> {
  const dir = path.join(home, 'tls');
  const certs = { dir, caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
  if (await stillValid(dir)) return certs;
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(dir, ['req', '-x509', ...ec, '-days', String(CA_DAYS), '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=authbench embedded CA']);
  await openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  await fs.writeFile(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  await openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', String(SERVER_DAYS), '-out', 'server.crt', '-extfile', 'server.ext']);
  await Promise.all(['ca.key', 'server.key'].map((f) => fs.chmod(path.join(dir, f), 0o600)));
  return certs;
}

/** Adds the client's TLS parameters: PostgreSQL checks chain and host name against our CA. */
export function withPgTls(url: string, caFile: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('sslmode', 'verify-full');
  parsed.searchParams.set('sslrootcert', caFile);
  return parsed.toString();
}

/**
 * Installs the server certificate and key in a PostgreSQL data directory and returns the settings that turn TLS on.
 * PostgreSQL reads its key as the server's OS user and refuses one others can read: copies, mode 600, owned by it.
 */
export async function installPostgresCertificates(dataDir: string, certs: Pick<ServerCertificates, 'certFile' | 'keyFile'>): Promise<Record<string, string>> {
  const owner = serverOsUser();
  for (const [from, to] of [[certs.certFile, 'server.crt'], [certs.keyFile, 'server.key']] as const) {
    const target = path.join(dataDir, to);
    await fs.copyFile(from, target);
    await fs.chmod(target, 0o600);
    if (owner) await fs.chown(target, owner.uid, owner.gid);
  }
  return { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key', ssl_min_protocol_version: 'TLSv1.2' };
}
