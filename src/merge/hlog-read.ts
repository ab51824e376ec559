// Reads back the interval log authbench writes (src/metrics/hlog.ts): one tagged line per key per interval, times
// relative to the log's BaseTime. Only what the merge needs; lines it does not know are refused, not skipped.
import type { HlogEntry } from '../metrics/aggregator.js';

export interface ReadHlog {
  /** BaseTime, epoch ms (the shard's load start). */
  readonly baseEpochMs: number;
  readonly entries: HlogEntry[];
}

/** Parses `text`; throws an Error naming the line on anything that is not an authbench interval log. */
export function readHlog(text: string): ReadHlog {
  let baseEpochMs = Number.NaN;
  const entries: HlogEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '' || line.startsWith('"StartTimestamp"')) return;
    if (line.startsWith('#')) {
      const base = /^#\[BaseTime: ([\d.]+) /.exec(line);
      if (base) baseEpochMs = Math.round(Number(base[1]) * 1000);
      return;
    }
    const m = /^Tag=([^,]+),([\d.]+),([\d.]+),([\d.]+),(\S+)$/.exec(line);
    if (!m) throw new Error(`line ${i + 1} is not an interval line: ${JSON.stringify(line.slice(0, 60))}`);
    const startMs = Math.round(Number(m[2]) * 1000);
    entries.push({ tag: m[1]!, startMs, endMs: startMs + Math.round(Number(m[3]) * 1000), maxUs: Math.round(Number(m[4]) * 1000), histogram: m[5]! });
  });
  if (!Number.isFinite(baseEpochMs)) throw new Error('no #[BaseTime: …] line: not an interval log authbench wrote');
  return { baseEpochMs, entries };
}
