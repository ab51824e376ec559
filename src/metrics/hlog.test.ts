// The .hlog writer: lines identical to HdrHistogramJS's HistogramLogWriter, and a log read back by the
// library's HistogramLogReader gives the same tags, times and totals.
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { IntervalAggregator } from './aggregator.js';
import { createHistogram, decode, encode, maxUs, summarize } from './histogram.js';
import { hlogLine, hlogTag, writeHlog } from './hlog.js';
import { IntervalRecorder } from './interval-recorder.js';

describe('hlog', () => {
  it('writes an interval line as the library writer does (same fields, same histogram)', () => {
    const h = createHistogram();
    for (const v of [120, 2048, 5_500, 1_234_567]) h.recordValue(v);
    const decoded = decode(encode(h)); // the library reports the max as stored by a decode: highest equivalent value
    decoded.tag = 'auth.login';
    let written = '';
    new hdr.HistogramLogWriter((s) => (written += s)).outputIntervalHistogram(decoded, 12.5, 13.5, 1000);
    const ours = hlogLine({ tag: 'auth.login', startMs: 12_500, endMs: 13_500, maxUs: maxUs(h), histogram: encode(h) }).split(',');
    const theirs = written.trimEnd().split(',');
    expect(ours.slice(0, 4)).toEqual(theirs.slice(0, 4));
    // header words differ (Java writes normalizingIndexOffset 0 and the ratio as a double), the counts do not
    expect(summarize(decode(ours[4]!))).toEqual(summarize(decode(theirs[4]!)));
    expect(encode(decode(theirs[4]!))).toBe(ours[4]);
  });

  it('sanitizes tags', () => {
    expect(hlogTag('a b,c/d')).toBe('a_b_c/d');
  });

  it('is read back by HistogramLogReader with the same totals', () => {
    const recorders = [0, 1].map((workerId) => new IntervalRecorder({ workerId, latenessBoundUs: 1000 }));
    const agg = new IntervalAggregator({ workers: 2, warmupMs: 1000, durationMs: 2000, model: 'open' });
    const all = { 'auth.login': createHistogram(), 'auth.login/db': createHistogram() };
    let x = 7;
    for (let i = 0; i < 3; i++) {
      for (const r of recorders) {
        for (let k = 0; k < 100; k++) {
          x = (x * 48271) % 2147483647;
          const us = 200 + (x % 50_000);
          r.record('auth.login', us, us);
          r.record('auth.login/db', us >> 1, us >> 1);
          all['auth.login'].recordValue(us);
          all['auth.login/db'].recordValue(us >> 1);
        }
        agg.add(r.flush(i, i * 1000, (i + 1) * 1000));
      }
    }
    const run = agg.finish();
    const startEpochMs = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
    const log = writeHlog(run.hlog, { startEpochMs, comments: ['[authbench test]'] });
    expect(log).toContain('#[StartTime: 1735787045.678 (seconds since epoch), ');
    expect(log).toContain('#[BaseTime: 1735787045.678 (seconds since epoch)]');
    expect(log).toContain('"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"');
    expect(hdr.listTags(log).sort()).toEqual(['auth.login', 'auth.login/db']);

    const reader = new hdr.HistogramLogReader(log);
    const readBack = { 'auth.login': createHistogram(), 'auth.login/db': createHistogram() };
    const starts: number[] = [];
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      readBack[h.tag as keyof typeof readBack].add(h);
      if (h.tag === 'auth.login') {
        starts.push(h.startTimeStampMsec - startEpochMs);
        expect(h.endTimeStampMsec - h.startTimeStampMsec).toBeCloseTo(1000, 3);
      }
    }
    expect(starts.map(Math.round)).toEqual([0, 1000, 2000]);
    for (const key of ['auth.login', 'auth.login/db'] as const) {
      expect(summarize(readBack[key])).toEqual(summarize(all[key]));
    }
  });
});
