// The events that need the servers authbench starts (backup full and incremental, pause, restart, crash) during one
// short login load on an embedded target of this file's own; then the full and the incremental backup taken under
// load are restored into new directories, started and verified exactly at their end LSN (the fence rows), and a
// backup of the quiet cluster restores to exactly its row counts.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue } from '../../src/backup/catalogue.js';
import { countRows, restoreBackup } from '../../src/backup/restore.js';
import { readManifestFiles, takeBackup } from '../../src/backup/take-backup.js';
import type { RunResults } from '../../src/results/types.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { provisionEmbedded } from '../../src/target/embedded.js';

let home: string;
let results: RunResults;

/** Two loads on one embedded home: the backups (an incremental waits for its full one), then the server faults. */
const base = (name: string, seconds: number) => `
name: ${name}
dataset: { users: 300, seed: 5 }
load: { model: open, rate: 40/s, duration: ${seconds}s, warmup: 1s, connections: 6, workers: 2 }
mix:
  - op: auth.login
    params: { user: "uniform(1, 300)" }
`;
const backups = `${base('backups', 4)}events:
  - { at: 1s, name: full, action: backup }
  - { at: 2s, name: incr, action: backup, mode: incremental }
`;
// Changes to one server run one at a time, so the clean restart waits for the crash's recovery whatever the timing.
const faults = `${base('faults', 5)}events:
  - { at: 1s, action: pause, server: redis, duration: 500ms }
  - { at: 2s, name: redis-restart, action: restart, server: redis }
  - { at: 3s, action: crash }
  - { at: 4s, action: restart, server: postgres }
thresholds:
  auth.login@crash: [{ threshold: "errors < 100%", minSamples: 1 }]
`;

function password(url: string): { user: string; password: string } {
  const u = new URL(url);
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

let faultResults: RunResults;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-events-'));
  await fs.chmod(home, 0o755);
  const silent = { write: () => true };
  const run = async (yaml: string, name: string): Promise<RunResults> =>
    (
      await runBenchmark(parseScenario(yaml, `${name}.yaml`), {
        target: { kind: 'embedded', dataDir: path.join(home, 'ab') },
        outDir: path.join(home, name),
        progress: silent,
        stdout: silent,
        reports: { html: false, junit: false, console: false },
        latenessBoundMs: 100,
      })
    ).results;
  results = await run(backups, 'backups');
  faultResults = await run(faults, 'faults');
}, 240_000);

afterAll(async () => {
  if (home && !process.env.KEEP) await fs.rm(home, { recursive: true, force: true });
});

const event = (name: string, from: RunResults = results) => from.events!.find((e) => e.name === name)!;

describe('server events on the embedded target', () => {
  it('all ran during the loads and are recorded with their windows', () => {
    for (const r of [results, faultResults]) {
      expect(r.status).toBe('completed');
      for (const e of r.events!) {
        expect(e.status, `${e.name}: ${e.error}`).toBe('done');
        expect(e.window, e.name).toBeDefined();
      }
    }
    // A crash loses every connection: the load sees connection errors in the crash's window, then recovers.
    const crash = event('crash', faultResults);
    expect(crash.impact!['auth.login']!.during.errorsByKind.connection ?? 0).toBeGreaterThan(0);
    expect(faultResults.recovery?.faults.length ?? 0).toBeGreaterThan(0);
    expect(faultResults.thresholds.find((t) => t.scopeKey === 'auth.login@crash')!.status).toBe('PASS');
    // The restart began after the crash's recovery had finished.
    expect(event('restart', faultResults).endMs!).toBeGreaterThan(crash.endMs!);
    // The load goes on after the last restart.
    const last = faultResults.intervals.filter((i) => !i.warmup).at(-1)!;
    expect(last.operations['auth.login']!.count).toBeGreaterThan(0);
  });

  it('takes an incremental backup smaller than the full one, whose manifest lists incremental files', async () => {
    const full = event('full').detail!;
    const incr = event('incr').detail!;
    expect(Number(incr.bytes)).toBeLessThan(Number(full.bytes));
    expect(Number(full.incrementalFiles)).toBe(0);
    expect(Number(incr.incrementalFiles)).toBeGreaterThan(0);
    const catalogue = await readCatalogue(path.join(home, 'ab', 'backups'));
    expect(catalogue.backups.map((b) => [b.id, b.mode, b.parentId])).toEqual([
      [full.backupId, 'full', undefined],
      [incr.backupId, 'incremental', full.backupId],
    ]);
    const files = await readManifestFiles(path.join(home, 'ab', 'backups', String(incr.backupId), 'backup_manifest'));
    expect(files.some((f) => /INCREMENTAL\./.test(f))).toBe(true);
  });

  it('restores the full and the incremental backup taken under load exactly at their end LSN: fence rows equal, amcheck clean', async () => {
    const full = event('full').detail!;
    const state = JSON.parse(await fs.readFile(path.join(home, 'ab', 'state.json'), 'utf8')) as { superuser: string; superuserPassword: string };
    const restore = (id: unknown, to: string) =>
      restoreBackup({
        dirs: { archiveDir: path.join(home, 'ab', 'wal-archive'), catalogueDir: path.join(home, 'ab', 'backups') },
        backup: String(id),
        toDir: path.join(home, to),
        superuser: state.superuser,
        password: state.superuserPassword,
        database: 'authbench',
      });
    const report = await restore(full.backupId, 'restored');
    // Exact: the restore holds precisely the fence rows committed before the backup began, not the one after it ended.
    expect(report.fence).toEqual({ rows: Number(full.fenceRows), before: true, after: false, expectedRows: Number(full.fenceRows) });
    expect(report.counts.users).toBe(300);
    // The load's own rows can only be bounded (docs/reliability.md says why): between the counts around the backup.
    expect(report.counts.sessions).toBeGreaterThanOrEqual(Number(full.sessionsBefore));
    expect(report.counts.sessions).toBeLessThanOrEqual(Number(full.sessionsAfter));
    expect(report.counts.securityEvents).toBeGreaterThanOrEqual(Number(full.securityEventsBefore));
    expect(report.counts.securityEvents).toBeLessThanOrEqual(Number(full.securityEventsAfter));
    expect(report.indexesChecked).toBeGreaterThan(5);
    const incr = event('incr').detail!;
    const combined = await restore(incr.backupId, 'restored-incr');
    expect(combined.chain).toEqual([full.backupId, incr.backupId]);
    expect(combined.fence).toEqual({ rows: Number(incr.fenceRows), before: true, after: false, expectedRows: Number(incr.fenceRows) });
    expect(combined.counts.sessions).toBeGreaterThanOrEqual(Number(incr.sessionsBefore));
    expect(combined.counts.sessions).toBeLessThanOrEqual(Number(incr.sessionsAfter));
  }, 180_000);

  it('a backup of the quiet cluster restores to exactly the source row counts', async () => {
    const target = await provisionEmbedded({ kind: 'embedded', dataDir: path.join(home, 'ab') });
    let source;
    let id: string;
    try {
      const taken = await takeBackup({ adminUrl: target.pgUrl, dirs: target.control!.backup, mode: 'full' });
      id = taken.entry.id;
      const client = new pg.Client({ connectionString: target.pgUrl });
      await client.connect();
      source = await countRows(client);
      await client.end();
    } finally {
      await target[Symbol.asyncDispose]();
    }
    const { user, password: pw } = password(target.pgUrl);
    const report = await restoreBackup({ dirs: target.control!.backup, backup: id, toDir: path.join(home, 'restored-quiet'), superuser: user, password: pw, database: 'authbench' });
    expect(report.counts).toEqual(source);
    expect(source.sessions).toBeGreaterThan(0);
  }, 120_000);
});
