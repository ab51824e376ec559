// Unit parsing at the edge: durations, rates and ratios as users write them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseRate, parseRatio } from './units.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['250us', 0.25],
    [' 10s ', 10_000],
    ['-5s', -5_000],
    ['0s', 0],
    ['10', null],
    ['10 sec', null],
    ['s', null],
    ['10d', null],
    ['', null],
  ] as const)('%j → %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 24 * 3_600_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
      }),
    );
  });
});

describe('parseRate', () => {
  it.each([
    ['2000/s', 2000],
    ['120/m', 2],
    ['3600/h', 1],
    ['0.5/s', 0.5],
    ['2000 / s', 2000],
    ['-5/s', -5],
    ['2000', null],
    ['2000 per sec', null],
    ['2000/d', null],
  ] as const)('%j → %j', (text, perSec) => {
    expect(parseRate(text)).toBe(perSec);
  });
});

describe('parseRatio', () => {
  it.each([
    ['5%', 0.05],
    ['0.1%', 0.001],
    [0.05, 0.05],
    ['0.05', 0.05],
    ['150%', 1.5],
    [Number.NaN, null],
    ['five', null],
    ['5 percent', null],
  ] as const)('%j → %j', (value, ratio) => {
    expect(parseRatio(value)).toBe(ratio);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [60_000, '60s'],
    [90_000, '90s'],
    [150_000, '2m30s'],
    [2_500, '2.5s'],
    [3_600_000, '1h'],
    [86_400_000, '24h'],
  ])('%i → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
