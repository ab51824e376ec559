// The retention rule on a simulated calendar: a backup every day (full on Sundays, incremental otherwise) for
// ten weeks, pruned each day as `authbench backup` does; the ones kept are exactly the rule's. Plus ISO weeks and LSNs.
import { describe, expect, it } from 'vitest';
import { backupsToKeep, isoWeek, parseRetentionDays, type BackupEntry } from './catalogue.js';
import { lsnToBytes, walSegmentOf } from './lsn.js';

const DAY = 86_400_000;

function entry(day: Date, mode: 'full' | 'incremental', parentId?: string): BackupEntry {
  const id = `${day.toISOString().slice(0, 10)}-${mode}`;
  return { id, mode, startedAt: day.toISOString(), finishedAt: day.toISOString(), startLsn: '0/0', endLsn: '0/1', timeline: 1, bytes: 1, ...(parentId ? { parentId } : {}) };
}

describe('backupsToKeep on a simulated calendar', () => {
  it('keeps every backup of the last 7 days, the newest full of each week for 30 days, and what kept incrementals build on', () => {
    // Sunday 2026-09-06 to Saturday 2026-11-14, a backup at 02:00 each day.
    let kept: BackupEntry[] = [];
    let today = new Date('2026-09-06T02:00:00Z');
    for (let i = 0; i < 70; i++, today = new Date(today.getTime() + DAY)) {
      const full = today.getUTCDay() === 0;
      const backup = entry(today, full ? 'full' : 'incremental', full ? undefined : kept.at(-1)?.id);
      const all = [...kept, backup];
      const keep = backupsToKeep(all, today);
      kept = all.filter((b) => keep.has(b.id));
    }
    const last = new Date(today.getTime() - DAY); // the day of the last backup: Saturday 2026-11-14
    expect(last.toISOString().slice(0, 10)).toBe('2026-11-14');
    expect(kept.map((b) => b.id)).toEqual([
      // Weekly fulls younger than 30 days (Sundays 10-18, 10-25, 11-01; 10-11 is 34 days old).
      '2026-10-18-full',
      '2026-10-25-full',
      '2026-11-01-full',
      // 11-08's full and every backup of the last seven days; 11-07 (7 days) fell out, and 11-08's full is also the base of the incrementals after it.
      '2026-11-08-full',
      '2026-11-09-incremental',
      '2026-11-10-incremental',
      '2026-11-11-incremental',
      '2026-11-12-incremental',
      '2026-11-13-incremental',
      '2026-11-14-incremental',
    ]);
  });

  it('keeps an old full backup a kept incremental depends on, and always the newest full', () => {
    const old = entry(new Date('2026-01-01T00:00:00Z'), 'full');
    const inc = entry(new Date('2026-03-01T00:00:00Z'), 'incremental', old.id);
    expect(backupsToKeep([old, inc], new Date('2026-03-02T00:00:00Z'))).toEqual(new Set([old.id, inc.id]));
    expect(backupsToKeep([old], new Date('2027-01-01T00:00:00Z'))).toEqual(new Set([old.id]));
  });
});

describe('units', () => {
  it('ISO weeks start on Monday; week 1 holds the first Thursday', () => {
    expect(isoWeek(new Date('2026-12-01T12:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2021-01-03T12:00:00Z'))).toBe('2020-W53');
    expect(isoWeek(new Date('2026-11-08T23:00:00Z'))).toBe('2026-W45');
    expect(isoWeek(new Date('2026-11-09T00:00:00Z'))).toBe('2026-W46');
  });

  it('retention periods, LSNs and WAL segment names', () => {
    expect([parseRetentionDays('7d'), parseRetentionDays('2w'), parseRetentionDays('0d'), parseRetentionDays('7 days')]).toEqual([7, 14, undefined, undefined]);
    expect(lsnToBytes('0/2000028')).toBe(0x2000028);
    expect(lsnToBytes('16/B374D848')).toBe(0x16 * 2 ** 32 + 0xb374d848);
    expect(walSegmentOf('0/2000028', 1)).toBe('000000010000000000000002');
    expect(walSegmentOf('16/B374D848', 3)).toBe('0000000300000016000000B3');
    expect(() => lsnToBytes('nope')).toThrow(RangeError);
  });
});
