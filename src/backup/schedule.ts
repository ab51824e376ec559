// Which backup a scheduled run takes (`authbench backup --auto`): a full one once a day after a fixed UTC time, an
// incremental on the newest backup otherwise. Pure, so it is tested on a simulated calendar.
import type { BackupEntry } from './catalogue.js';

/** Time of day (UTC) after which the day's full backup is due. */
export interface DailyTime {
  readonly hour: number;
  readonly minute: number;
}

export const DEFAULT_FULL_AT: DailyTime = { hour: 2, minute: 0 };

/** `02:00` → {2, 0}; undefined when it is not a time of day. */
export function parseDailyTime(text: string): DailyTime | undefined {
  const match = /^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$/.exec(text);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

/**
 * Full when the catalogue has no full backup, or its newest full backup started before the last `fullAt` moment at
 * or before `now`; incremental otherwise (on the newest backup, as `authbench backup --incremental` does).
 */
export function scheduledMode(backups: readonly BackupEntry[], now: Date, fullAt: DailyTime = DEFAULT_FULL_AT): 'full' | 'incremental' {
  const due = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), fullAt.hour, fullAt.minute));
  if (due.getTime() > now.getTime()) due.setUTCDate(due.getUTCDate() - 1);
  const newestFull = backups.filter((b) => b.mode === 'full').reduce<number | undefined>((t, b) => Math.max(t ?? -Infinity, Date.parse(b.startedAt)), undefined);
  return newestFull === undefined || newestFull < due.getTime() ? 'full' : 'incremental';
}
