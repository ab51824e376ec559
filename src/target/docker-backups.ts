// The scheduled backups of docker/compose.yaml: the server archives WAL and summarizes it into a shared volume, and a
// service runs `authbench backup --auto` on a loop (a full backup nightly, incrementals between, retention). docs/reliability.md.
import { backupDirsOf, backupServerSettings } from '../backup/server-settings.js';

/** Where the `backups` volume is mounted in both the server and the backup service: BASE_BACKUP writes server-side. */
export const DOCKER_BACKUP_DIR = '/backups';

/** The postgres:17 image's postgres user: the backup service runs as it, so both may write and prune the catalogue. */
const POSTGRES_UID = '999:999';

/** Extra `-c name=value` arguments of the compose postgres service (the embedded target's backup settings). */
export function dockerBackupPostgresArgs(): string[] {
  return Object.entries(backupServerSettings(backupDirsOf(DOCKER_BACKUP_DIR))).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/** Appended under `services:` (two-space indent). */
export function backupCompose(): string {
  const dirs = backupDirsOf(DOCKER_BACKUP_DIR);
  const loop = [
    'while :; do',
    'authbench backup --auto --pg-url "$$PG_URL" --backup-dir /backups --full-at "$$FULL_AT" --retention "$$RETENTION"',
    '|| echo "authbench backup failed; the next round retries" >&2;',
    'sleep "$$EVERY_SECONDS"; done',
  ].join(' ');
  return `  # Scheduled backups (docs/reliability.md): the first run after FULL_AT (UTC) each day takes a full backup, every other
  # run an incremental one on the newest backup; retention keeps every backup RETENTION, weekly fulls 30 days.
  # The server writes them itself (BASE_BACKUP TARGET 'server') into the backups volume, mounted at the same path here.
  backup-init:
    image: postgres:17
    user: root
    entrypoint: ["sh", "-c", ${JSON.stringify(`mkdir -p ${dirs.archiveDir} ${dirs.catalogueDir} && chown -R postgres:postgres ${DOCKER_BACKUP_DIR}`)}]
    volumes:
      - backups:${DOCKER_BACKUP_DIR}
  backup:
    build: { context: .., dockerfile: docker/Dockerfile }
    image: authbench
    user: "${POSTGRES_UID}"
    entrypoint: ["sh", "-c"]
    command: [${JSON.stringify(loop)}]
    environment:
      PG_URL: "postgresql://postgres:\${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@postgres:5432/postgres?sslmode=disable"
      FULL_AT: "02:00"
      EVERY_SECONDS: "3600"
      RETENTION: "7d"
    volumes:
      - backups:${DOCKER_BACKUP_DIR}
    depends_on:
      postgres: { condition: service_healthy }
`;
}
