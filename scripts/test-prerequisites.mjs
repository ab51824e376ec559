// Runs before `npm test`: the suite talks to a real redis-server, pgbouncer and Prometheus (with its exporters and promtool),
// drives headless Chromium, makes certificates with openssl, refuses a real PostgreSQL 15, and skips none of it. What is missing is installed
// from the OS packages when we may (root with apt-get); otherwise the suite stops here with the command to run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import console from 'node:console';
import process from 'node:process';

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const needs = [
  { pkg: 'redis-server', present: () => onPath('redis-server') },
  { pkg: 'chromium', present: () => fs.existsSync(process.env.AUTHBENCH_CHROMIUM ?? '/usr/bin/chromium') },
  { pkg: 'openssl', present: () => onPath('openssl') },
  // Prometheus: the remote-write stream's receiver and promtool for the alert rules; the exporters behind those rules.
  { pkg: 'prometheus', present: () => onPath('prometheus') && onPath('promtool') },
  { pkg: 'prometheus-postgres-exporter', present: () => onPath('prometheus-postgres-exporter') },
  { pkg: 'prometheus-redis-exporter', present: () => onPath('prometheus-redis-exporter') },
  // A real PostgreSQL 15 server: the external target must refuse it (test/target/external.test.ts).
  { pkg: 'postgresql-15', present: () => fs.existsSync('/usr/lib/postgresql/15/bin/postgres') },
  // target.pooler: the tests start pgbouncer from their own ini (the package's service is not used).
  { pkg: 'pgbouncer', present: () => onPath('pgbouncer') },
];
const missing = needs.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length > 0) {
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const root = process.getuid?.() === 0;
  if (!root || !onPath('apt-get')) {
    console.error(`The test suite needs ${missing.join(', ')}, which this machine lacks. Install them (${command}) and run npm test again.`);
    process.exit(1);
  }
  console.log(`npm test: installing what the suite needs: ${missing.join(', ')} (${command})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const r = spawnSync('apt-get', argv, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      console.error(`npm test: \`apt-get ${argv.join(' ')}\` failed (exit ${r.status}); install ${missing.join(', ')} by hand and run npm test again.`);
      process.exit(1);
    }
  }
  // Debian's postgresql-15 creates and starts a cluster of its own on port 5432; the suite starts its servers itself.
  if (missing.includes('postgresql-15') && onPath('pg_dropcluster')) {
    spawnSync('sh', ['-c', 'pg_lsclusters -h 2>/dev/null | grep -q "^15 main" && pg_dropcluster --stop 15 main'], { stdio: 'ignore' });
  }
  const still = needs.filter((n) => missing.includes(n.pkg) && !n.present()).map((n) => n.pkg);
  if (still.length > 0) {
    console.error(`npm test: ${still.join(', ')} still missing after apt-get install; install by hand and run npm test again.`);
    process.exit(1);
  }
}
