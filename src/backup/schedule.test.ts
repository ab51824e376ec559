// The scheduled backup rule on a simulated calendar: hourly runs over three days give one full backup each day after
// 02:00 UTC and incrementals in between; a catalogue without a full backup starts with one.
import { describe, expect, it } from 'vitest';
import type { BackupEntry } from './catalogue.js';
import { parseDailyTime, scheduledMode } from './schedule.js';

const entry = (at: Date, mode: 'full' | 'incremental'): BackupEntry => ({
  id: at.toISOString(),
  mode,
  startedAt: at.toISOString(),
  finishedAt: at.toISOString(),
  startLsn: '0/1',
  endLsn: '0/2',
  timeline: 1,
  bytes: 1,
});

describe('scheduledMode', () => {
  it('hourly runs from Monday 00:30 UTC: a full first, then one full each day at the first run after 02:00', () => {
    const backups: BackupEntry[] = [];
    for (let hour = 0; hour < 72; hour++) {
      const now = new Date(Date.UTC(2026, 11, 7, hour, 30));
      backups.push(entry(now, scheduledMode(backups, now)));
    }
    const fulls = backups.filter((b) => b.mode === 'full').map((b) => b.startedAt);
    expect(fulls).toEqual(['2026-12-07T00:30:00.000Z', '2026-12-07T02:30:00.000Z', '2026-12-08T02:30:00.000Z', '2026-12-09T02:30:00.000Z']);
    expect(backups.filter((b) => b.mode === 'incremental')).toHaveLength(68);
  });

  it('a missed night is caught up by the next run, and --full-at moves the boundary', () => {
    const full = entry(new Date(Date.UTC(2026, 11, 7, 3)), 'full');
    expect(scheduledMode([full], new Date(Date.UTC(2026, 11, 9, 1)))).toBe('full');
    expect(scheduledMode([full], new Date(Date.UTC(2026, 11, 7, 23)))).toBe('incremental');
    expect(scheduledMode([full], new Date(Date.UTC(2026, 11, 7, 23)), { hour: 22, minute: 0 })).toBe('full');
  });

  it('parses a time of day', () => {
    expect(parseDailyTime('02:00')).toEqual({ hour: 2, minute: 0 });
    expect(parseDailyTime('23:59')).toEqual({ hour: 23, minute: 59 });
    for (const bad of ['24:00', '2', '02:60', 'noon']) expect(parseDailyTime(bad), bad).toBeUndefined();
  });
});
