// parseTimestamptz reads timestamptz text as PostgreSQL (DateStyle ISO) prints it, in any session time zone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './queries.js';

describe('parseTimestamptz', () => {
  it('reads whole seconds, fractions and offsets of hours, minutes and seconds', () => {
    expect(parseTimestamptz('2026-12-01 21:52:11+00')!.toISOString()).toBe('2026-12-01T21:52:11.000Z');
    expect(parseTimestamptz('2026-12-01 21:52:11.123456+00')!.toISOString()).toBe('2026-12-01T21:52:11.123Z');
    expect(parseTimestamptz('2026-12-02 03:22:11.5+05:30')!.toISOString()).toBe('2026-12-01T21:52:11.500Z');
    expect(parseTimestamptz('2026-12-01 16:52:11-05')!.toISOString()).toBe('2026-12-01T21:52:11.000Z');
    expect(parseTimestamptz('1883-11-18 12:03:58-00:19:32')!.toISOString()).toBe('1883-11-18T12:23:30.000Z');
    expect(parseTimestamptz(null)).toBeNull();
    expect(parseTimestamptz('infinity')!.getTime()).toBe(8.64e15);
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => parseTimestamptz('2026-12-01T21:52:11Z')).toThrow(RangeError);
    expect(() => parseTimestamptz('0044-03-15 12:00:00+00 BC')).toThrow(RangeError);
  });

  it('property: agrees with the ISO form of the same instant at any whole-minute offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (ms, offsetMin) => {
        const local = new Date(ms + offsetMin * 60_000);
        const pad = (n: number, w = 2) => String(n).padStart(w, '0');
        const sign = offsetMin < 0 ? '-' : '+';
        const abs = Math.abs(offsetMin);
        const text = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
        expect(parseTimestamptz(text)!.getTime()).toBe(ms);
      }),
    );
  });
});
