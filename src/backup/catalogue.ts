// The backup catalogue: catalogue.json beside one directory per backup, and the retention rule (daily backups kept
// 7 days, weekly ones 30 days) as a pure function of the entries and today's date, so it is tested with a calendar.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FenceExpectation } from './fence.js';

export interface BackupEntry {
  /** Directory name under the catalogue, e.g. `20261201T231500Z-full`. */
  readonly id: string;
  readonly mode: 'full' | 'incremental';
  /** ISO timestamps. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** WAL positions from BASE_BACKUP: the backup is consistent once replay reaches endLsn. */
  readonly startLsn: string;
  readonly endLsn: string;
  readonly timeline: number;
  /** Size of the files written (base.tar, backup_manifest). */
  readonly bytes: number;
  /** The backup this one is incremental to (its manifest was uploaded first). */
  readonly parentId?: string;
  /**
   * The source's settings a server replaying its WAL must match or exceed (max_connections, max_worker_processes,
   * max_wal_senders, max_prepared_transactions, max_locks_per_transaction): recovery stops below them.
   */
  readonly recoverySettings?: Readonly<Record<string, string>>;
  /** Fence rows (authbench.backup_fence) a restore at the end LSN must hold exactly: src/backup/fence.ts. */
  readonly fence?: FenceExpectation;
}

/** Settings PostgreSQL checks at recovery against the values the WAL was written under. */
export const RECOVERY_SETTINGS = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'] as const;

export interface Catalogue {
  readonly version: 1;
  readonly backups: readonly BackupEntry[];
}

export interface RetentionPolicy {
  /** Every backup is kept this long. */
  readonly dailyDays: number;
  /** The last full backup of each ISO week is kept this long. */
  readonly weeklyDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { dailyDays: 7, weeklyDays: 30 };

const DAY_MS = 86_400_000;

/**
 * The ids to keep. A backup is kept when it is younger than `dailyDays`, or when it is the newest full backup of its
 * ISO week and younger than `weeklyDays`; the newest full backup is always kept (a catalogue never empties itself);
 * and every backup a kept incremental depends on is kept with it.
 */
export function backupsToKeep(backups: readonly BackupEntry[], now: Date, policy: RetentionPolicy = DEFAULT_RETENTION): Set<string> {
  const keep = new Set<string>();
  const age = (b: BackupEntry): number => now.getTime() - Date.parse(b.finishedAt);
  const fulls = backups.filter((b) => b.mode === 'full').sort((a, b) => Date.parse(b.finishedAt) - Date.parse(a.finishedAt));
  for (const b of backups) if (age(b) < policy.dailyDays * DAY_MS) keep.add(b.id);
  const weeks = new Set<string>();
  for (const b of fulls) {
    const week = isoWeek(new Date(b.finishedAt));
    if (weeks.has(week)) continue;
    weeks.add(week);
    if (age(b) < policy.weeklyDays * DAY_MS) keep.add(b.id);
  }
  if (fulls[0]) keep.add(fulls[0].id);
  const byId = new Map(backups.map((b) => [b.id, b]));
  for (const id of [...keep]) {
    for (let parent = byId.get(id)?.parentId; parent !== undefined && !keep.has(parent); parent = byId.get(parent)?.parentId) keep.add(parent);
  }
  return keep;
}

/** `2026-W49`: ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday), in UTC. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** `7d`, `30d`, `2w`: a retention period in days (for `--retention`). Undefined when it does not parse. */
export function parseRetentionDays(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(d|w)\s*$/.exec(text);
  if (!match) return undefined;
  const days = Number(match[1]) * (match[2] === 'w' ? 7 : 1);
  return days >= 1 && days <= 3650 ? days : undefined;
}

const FILE = 'catalogue.json';

export async function readCatalogue(dir: string): Promise<Catalogue> {
  const text = await fs.readFile(path.join(dir, FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return { version: 1, backups: [] };
  const parsed = JSON.parse(text) as Catalogue;
  return { version: 1, backups: Array.isArray(parsed.backups) ? parsed.backups : [] };
}

/** Written to a temporary file and renamed: a crash mid-write leaves the old catalogue, never half of one. */
export async function writeCatalogue(dir: string, catalogue: Catalogue): Promise<void> {
  const file = path.join(dir, FILE);
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(catalogue, null, 2)}\n`);
  await fs.rename(`${file}.tmp`, file);
}
