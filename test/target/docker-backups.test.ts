// docker/compose.yaml's scheduled backups, checked as YAML (no Docker engine here): the server archives and summarizes
// WAL into the volume the backup service shares at the same path, and the service's loop calls flags the CLI has.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../support/cli.js';

const REPO = path.resolve(import.meta.dirname, '../..');

interface Service {
  image?: string;
  user?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(fs.readFileSync(path.join(REPO, 'docker/compose.yaml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { postgres, backup, 'backup-init': init } = compose.services;

/** What `sh -c` receives after compose's own interpolation turns `$$` into `$`. */
const script = (backup?.command ?? []).join(' ').replace(/\$\$/g, '$');

describe('scheduled backups in docker/compose.yaml', () => {
  it('the server summarizes WAL and archives it into the shared backups volume', () => {
    expect(compose.volumes).toHaveProperty('backups');
    expect(postgres!.volumes).toContain('backups:/backups');
    const args = postgres!.command!;
    for (const setting of ['summarize_wal=on', 'archive_mode=on', 'archive_library=basic_archive', 'basic_archive.archive_directory=/backups/wal-archive']) expect(args).toContain(setting);
    // The archive directory exists, owned by the server's user, before the server starts.
    expect(postgres!.depends_on!['backup-init']).toEqual({ condition: 'service_completed_successfully' });
    expect(init!.volumes).toContain('backups:/backups');
    expect(init!.entrypoint!.join(' ')).toContain('mkdir -p /backups/wal-archive /backups/backups && chown -R postgres:postgres /backups');
  });

  it('the backup service runs authbench backup --auto in a loop, as the server\'s user, on the same volume path', () => {
    expect(backup!.image).toBe('authbench');
    expect(backup!.user).toBe('999:999');
    expect(backup!.volumes).toContain('backups:/backups');
    expect(backup!.depends_on!.postgres).toEqual({ condition: 'service_healthy' });
    expect(backup!.entrypoint).toEqual(['sh', '-c']);
    expect(script).toMatch(/^while :; do authbench backup --auto --pg-url "\$PG_URL" --backup-dir \/backups .*; sleep "\$EVERY_SECONDS"; done$/);
    // Every variable the loop reads is set on the service (compose would leave an unset one empty).
    for (const name of script.match(/\$([A-Z_]+)/g)!.map((v) => v.slice(1))) expect(backup!.environment, name).toHaveProperty(name);
    expect(backup!.environment!.PG_URL).toContain('@postgres:5432/');
  });

  it('every flag the loop passes is one authbench backup has', async () => {
    const flags = [...script.matchAll(/ (--[a-z-]+)/g)].map((m) => m[1]!);
    expect(flags).toEqual(['--auto', '--pg-url', '--backup-dir', '--full-at', '--retention']);
    const help = await cli(['backup', '--help']);
    expect(help.status).toBe(0);
    for (const flag of flags) expect(help.stdout, flag).toContain(flag);
  }, 60_000);
});
