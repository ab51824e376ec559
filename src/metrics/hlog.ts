// Writes HdrHistogram's standard interval log (.hlog, format 1.3, as Java's HistogramLogWriter does), one tagged
// line per key per interval, readable by HistogramLogReader, HistogramLogProcessor and HdrHistogram's plotters.
import type { HlogEntry } from './aggregator.js';

export const HLOG_FORMAT_VERSION = '1.3';

/** The legend line, verbatim from HistogramLogWriter. */
export const HLOG_LEGEND = '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"';

/**
 * Interval_Max is in ms: histograms hold µs, and the writer divides the max by its maxValueUnitRatio (1000 here,
 * the same default as HdrHistogramJS's writer). Timestamps are seconds relative to BaseTime (= load start).
 */
const MAX_VALUE_UNIT_RATIO = 1000;

export interface HlogOptions {
  /** Epoch ms of load start (interval times are ms since it). */
  readonly startEpochMs: number;
  /** Extra `#` comment lines (e.g. the authbench version and scenario name). */
  readonly comments?: readonly string[];
}

/** `%.3f` as in the Java writer (Locale.US, no grouping). */
const fixed3 = (x: number): string => x.toFixed(3);

/** Tags are the first comma-separated field: commas and whitespace would break parsing. */
export function hlogTag(key: string): string {
  return key.replace(/[\s,]/g, '_');
}

/** One interval line: `Tag=<tag>,<start s>,<length s>,<max ms>,<base64>`. */
export function hlogLine(entry: HlogEntry): string {
  const startSec = entry.startMs / 1000;
  const lengthSec = (entry.endMs - entry.startMs) / 1000;
  return `Tag=${hlogTag(entry.tag)},${fixed3(startSec)},${fixed3(lengthSec)},${fixed3(entry.maxUs / MAX_VALUE_UNIT_RATIO)},${entry.histogram}`;
}

/**
 * The whole log. Lines are written from the already-encoded histograms (HistogramLogWriter would decode and
 * re-encode each one); hlog.test.ts checks that a line is byte-identical to the library writer's.
 */
export function writeHlog(entries: readonly HlogEntry[], options: HlogOptions): string {
  const startSec = options.startEpochMs / 1000;
  const lines: string[] = [];
  for (const c of options.comments ?? []) lines.push(`#${c.replace(/[\r\n]+/g, ' ')}`);
  lines.push(`#[Histogram log format version ${HLOG_FORMAT_VERSION}]`);
  lines.push(`#[StartTime: ${fixed3(startSec)} (seconds since epoch), ${new Date(options.startEpochMs).toString()}]`);
  lines.push(`#[BaseTime: ${fixed3(startSec)} (seconds since epoch)]`);
  lines.push('#[Values in microseconds; Interval_Max in milliseconds]');
  lines.push(HLOG_LEGEND);
  for (const entry of entries) lines.push(hlogLine(entry));
  return lines.join('\n') + '\n';
}
