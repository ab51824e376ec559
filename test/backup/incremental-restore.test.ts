// Restoring PostgreSQL 17 incremental backups without pg_combinebackup, against the embedded server: a full backup,
// rows written, an incremental, more rows (a table grown, shrunk by VACUUM, one created, one dropped), a second
// incremental, rows after it; each incremental restores to exactly the rows before it, and damaged chains are refused.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue, writeCatalogue, type BackupEntry } from '../../src/backup/catalogue.js';
import { restoreBackup, type RestoreOptions } from '../../src/backup/restore.js';
import type { BackupDirs } from '../../src/backup/server-settings.js';
import { takeBackup } from '../../src/backup/take-backup.js';
import { InfrastructureError, InvalidInputError } from '../../src/errors.js';
import { provisionEmbedded } from '../../src/target/embedded.js';
import { serverOsUser, stopServer } from '../../src/target/embedded-postgres.js';
import { prepareDatabase } from '../../src/target/prepare.js';
import { cli } from '../support/cli.js';

let home: string;
let dirs: BackupDirs;
let credentials: { superuser: string; password: string };
const ids: Record<'full' | 'first' | 'second', string> = { full: '', first: '', second: '' };
/** The source's known rows as they were when each backup was taken: the restore must show exactly these. */
const expected: Record<'first' | 'second', string[]> = { first: [], second: [] };

/** Every row of the known tables in one canonical list (table, key, value), and which tables exist. */
async function fingerprint(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ line: string }>(
    `SELECT format('known %s %s %s', i, phase, md5(pad)) AS line FROM public.known
     UNION ALL SELECT format('later %s', i) FROM public.later
     UNION ALL SELECT format('tables %s', string_agg(relname, ',' ORDER BY relname)) FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'
     ORDER BY 1`,
  );
  return rows.map((r) => r.line);
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-incr-'));
  await fs.chmod(home, 0o755);
  const target = await provisionEmbedded({ kind: 'embedded', dataDir: path.join(home, 'ab') });
  try {
    await prepareDatabase(target, { allowNonEmpty: true });
    dirs = target.control!.backup;
    const url = new URL(target.pgUrl);
    credentials = { superuser: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    const client = new pg.Client({ connectionString: target.pgUrl });
    await client.connect();
    try {
      const q = (sql: string) => client.query(sql);
      // autovacuum off on the tables: the VACUUM below is the only one, so what it truncates is known.
      await q(`CREATE TABLE public.known (i int PRIMARY KEY, phase text NOT NULL, pad text NOT NULL) WITH (autovacuum_enabled = off)`);
      await q(`CREATE TABLE public.dropped (i int) WITH (autovacuum_enabled = off)`);
      await q(`CREATE TABLE public.later (i int)`);
      await q(`INSERT INTO public.known SELECT g, 'a', repeat(md5(g::text), 8) FROM generate_series(1, 3000) g`);
      await q(`INSERT INTO public.dropped SELECT generate_series(1, 1000)`);
      ids.full = (await takeBackup({ adminUrl: target.pgUrl, dirs, mode: 'full' })).entry.id;
      // Old pages changed, the table grown at its end.
      await q(`UPDATE public.known SET phase = 'a2' WHERE i % 97 = 0`);
      await q(`INSERT INTO public.known SELECT g, 'b', repeat(md5(g::text), 8) FROM generate_series(3001, 6000) g`);
      expected.first = await fingerprint(client);
      ids.first = (await takeBackup({ adminUrl: target.pgUrl, dirs, mode: 'incremental' })).entry.id;
      // The tail deleted and truncated away by VACUUM (shorter than in both earlier backups), a table created, one dropped.
      await q(`DELETE FROM public.known WHERE i > 4500`);
      await q(`VACUUM public.known`);
      await q(`UPDATE public.known SET phase = 'c' WHERE i % 101 = 0`);
      await q(`CREATE TABLE public.created AS SELECT generate_series(1, 500) AS i`);
      await q(`DROP TABLE public.dropped`);
      await q(`INSERT INTO public.later VALUES (2)`);
      expected.second = await fingerprint(client);
      ids.second = (await takeBackup({ adminUrl: target.pgUrl, dirs, mode: 'incremental' })).entry.id;
      // After the last backup: no restore may show these.
      await q(`INSERT INTO public.later VALUES (3)`);
      await q(`UPDATE public.known SET phase = 'd' WHERE i <= 10`);
    } finally {
      await client.end();
    }
  } finally {
    await target[Symbol.asyncDispose]();
  }
}, 180_000);

afterAll(async () => {
  if (home && !process.env.KEEP) await fs.rm(home, { recursive: true, force: true });
});

const options = (backup: string, to: string, over: Partial<RestoreOptions> = {}): RestoreOptions => ({
  dirs,
  backup,
  toDir: path.join(home, to),
  superuser: credentials.superuser,
  password: credentials.password,
  database: 'authbench',
  ...over,
});

/** Restores, keeps the server up long enough to read the known rows, then stops it. */
async function restoreAndRead(backup: string, to: string): Promise<{ report: Awaited<ReturnType<typeof restoreBackup>>; rows: string[] }> {
  const report = await restoreBackup(options(backup, to, { keepRunning: true }));
  try {
    const client = new pg.Client({ connectionString: report.url });
    await client.connect();
    try {
      return { report, rows: await fingerprint(client) };
    } finally {
      await client.end();
    }
  } finally {
    await stopServer(report.pid!);
  }
}

describe('restoring an incremental backup (the chain combined in TypeScript)', () => {
  it('the second incremental restores to exactly the rows before it: a full and two incrementals combined', async () => {
    const { report, rows } = await restoreAndRead(ids.second, 'second');
    expect(report.chain).toEqual([ids.full, ids.first, ids.second]);
    expect(report.combined!.reconstructed).toBeGreaterThan(100);
    expect(rows).toEqual(expected.second);
    expect(rows).not.toContain('later 3');
    expect(rows.at(-1)).toBe('tables created,known,later');
    expect(report.fence).toEqual({ rows: 5, before: true, after: false, expectedRows: 5 });
    expect(report.indexesChecked).toBeGreaterThan(5);
    // What pg_combinebackup leaves: a full backup's label, a manifest without INCREMENTAL files, no INCREMENTAL file.
    const label = await fs.readFile(path.join(home, 'second', 'backup_label'), 'utf8').catch(() => '');
    expect(label).not.toContain('INCREMENTAL FROM');
    const manifest = await fs.readFile(path.join(home, 'second', 'backup_manifest'), 'utf8');
    expect(manifest).not.toContain('INCREMENTAL.');
  }, 120_000);

  it('authbench restore ID --backup-dir (a catalogue of any server) restores the first incremental, to exactly the rows before it', async () => {
    const args = ['restore', ids.first, '--to', path.join(home, 'first'), '--keep-running', '--backup-dir', path.join(home, 'ab'), '--user', credentials.superuser, '--database', 'authbench'];
    const refused = await cli(args, { PGPASSWORD: '' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--backup-dir: set PGPASSWORD');
    const result = await cli(args, { PGPASSWORD: credentials.password });
    expect(result.stdout + result.stderr).not.toContain(credentials.password);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Chain: combined ${ids.full} + ${ids.first}`);
    expect(result.stdout).toContain('fence rows: 3 of 3 expected');
    const port = Number(/started it on port (\d+)/.exec(result.stdout)![1]);
    const pid = Number(/Running as pid (\d+)/.exec(result.stdout)![1]);
    try {
      const client = new pg.Client({ host: '127.0.0.1', port, user: credentials.superuser, password: credentials.password, database: 'authbench' });
      await client.connect();
      try {
        const rows = await fingerprint(client);
        expect(rows).toEqual(expected.first);
        expect(rows.at(-1)).toBe('tables dropped,known,later');
      } finally {
        await client.end();
      }
    } finally {
      await stopServer(pid);
    }
  }, 120_000);

  it('a chain with a missing link is refused before anything is written (exit 2)', async () => {
    const broken = { archiveDir: dirs.archiveDir, catalogueDir: path.join(home, 'broken-catalogue') };
    await fs.mkdir(broken.catalogueDir);
    const { backups } = await readCatalogue(dirs.catalogueDir);
    await writeCatalogue(broken.catalogueDir, { version: 1, backups: backups.filter((b: BackupEntry) => b.id !== ids.first) });
    const error = await restoreBackup(options(ids.second, 'missing', { dirs: broken })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).exitCode).toBe(2);
    expect((error as Error).message).toContain(`${ids.second} cannot be restored: it is incremental on ${ids.first}, which is not in the catalogue`);
    await expect(fs.readdir(path.join(home, 'missing'))).rejects.toThrow();
  });

  it('a damaged incremental file is refused with the file named (exit 3)', async () => {
    const damaged = { archiveDir: dirs.archiveDir, catalogueDir: path.join(home, 'damaged-catalogue') };
    await fs.cp(dirs.catalogueDir, damaged.catalogueDir, { recursive: true });
    // The copy is the test's; the server's OS user (tar runs as it) must read it, as it reads the catalogue.
    const owner = serverOsUser();
    if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, damaged.catalogueDir]);
    const tar = path.join(damaged.catalogueDir, ids.first, 'base.tar');
    const bytes = await fs.readFile(tar);
    // The first INCREMENTAL member with pages: flip a byte inside its first page (its data follows the 512-byte header).
    let at = bytes.indexOf('INCREMENTAL.');
    while (at >= 0 && parseInt(bytes.subarray(at - (at % 512) + 124, at - (at % 512) + 136).toString().trim(), 8) < 2 * 8192) at = bytes.indexOf('INCREMENTAL.', at + 1);
    expect(at).toBeGreaterThan(0);
    const page = at - (at % 512) + 512 + 8192 + 100;
    bytes[page] = bytes[page]! ^ 0xff;
    await fs.writeFile(tar, bytes);
    const error = await restoreBackup(options(ids.second, 'damaged', { dirs: damaged })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).exitCode).toBe(3);
    expect((error as Error).message).toMatch(new RegExp(`^Backup ${ids.first}: \\S*INCREMENTAL\\.\\d+ does not match its CRC32C checksum`));
  }, 60_000);

  it('authbench backup --auto --pg-url --backup-dir (what the docker service runs) takes the incremental the schedule asks for', async () => {
    const target = await provisionEmbedded({ kind: 'embedded', dataDir: path.join(home, 'ab') });
    try {
      // The daily full is due an hour from now: the last due moment was ~23 h ago, before this file's full backup.
      const inAnHour = new Date(Date.now() + 3_600_000);
      const fullAt = `${String(inAnHour.getUTCHours()).padStart(2, '0')}:${String(inAnHour.getUTCMinutes()).padStart(2, '0')}`;
      const result = await cli(['backup', '--auto', '--full-at', fullAt, '--pg-url', target.pgUrl, '--backup-dir', path.join(home, 'ab')]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Backup \S+-incremental: incremental, /);
      const newest = (await readCatalogue(dirs.catalogueDir)).backups.at(-1)!;
      expect([newest.mode, newest.parentId]).toEqual(['incremental', ids.second]);
      const bad = await cli(['backup', '--pg-url', target.pgUrl]);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--pg-url needs --backup-dir');
      expect(bad.stderr + bad.stdout).not.toContain(credentials.password);
      // A role that may back up but not create the fence table still gets its backup, and is told so.
      const admin = new pg.Client({ connectionString: target.pgUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE ROLE backup_only LOGIN REPLICATION PASSWORD 'fence-test' IN ROLE pg_write_server_files, pg_read_all_data`);
      } finally {
        await admin.end();
      }
      const url = new URL(target.pgUrl);
      url.username = 'backup_only';
      url.password = 'fence-test';
      const taken = await takeBackup({ adminUrl: url.toString(), dirs, mode: 'incremental' });
      expect(taken.entry.fence).toBeUndefined();
      expect(taken.fenceProblem).toMatch(/permission denied/);
    } finally {
      await target[Symbol.asyncDispose]();
    }
  }, 60_000);
});
