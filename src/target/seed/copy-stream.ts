// Streams generated rows into PostgreSQL with COPY … FROM STDIN (text format), in ~64 KiB chunks.
// Rows are produced lazily by a generator, so memory stays flat whatever the row count.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value of one COPY text-format column; null becomes `\N`. */
export type CopyValue = string | number | bigint | boolean | null;

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Escapes a string for COPY text format: backslash, tab, newline and carriage return. */
export function escapeCopyText(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One COPY text-format line (with trailing newline) from column values. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let c = 0; c < values.length; c++) {
    const v = values[c];
    if (c > 0) line += '\t';
    if (v === null || v === undefined) line += '\\N';
    else if (typeof v === 'string') line += escapeCopyText(v);
    else if (typeof v === 'boolean') line += v ? 't' : 'f';
    else line += String(v);
  }
  return line + '\n';
}

const dayCache = new Map<number, string>();
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * A UTC instant as COPY text for timestamptz (`2024-10-03 14:05:09.123+00`). Several times faster than
 * toISOString() because the date part is cached per day; seeded timestamps fall on about a thousand days.
 */
export function copyTimestamp(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  let date = dayCache.get(day);
  if (date === undefined) {
    date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dayCache.size < 100_000) dayCache.set(day, date);
  }
  const t = ms - day * 86_400_000;
  const msPart = t % 1000;
  const sec = Math.floor(t / 1000);
  return `${date} ${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}.${msPart < 10 ? '00' : msPart < 100 ? '0' : ''}${msPart}+00`;
}

const CHUNK_CHARS = 64 * 1024;

/** Groups lines into chunks of about 64 KiB, counting rows for progress reports. */
export function* chunkLines(lines: Iterable<string>, onRows?: (rows: number) => void): Generator<string> {
  let chunk = '';
  let rows = 0;
  for (const line of lines) {
    chunk += line;
    rows++;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
      onRows?.(rows);
    }
  }
  if (chunk.length > 0) yield chunk;
  onRows?.(rows);
}

export interface CopyTableOptions {
  signal?: AbortSignal;
  /** `FREEZE`: rows are written frozen; allowed when the table was created or truncated in this transaction. */
  freeze?: boolean;
  onRows?: (rows: number) => void;
}

/**
 * COPY `lines` into `table(columns)`; resolves to the row count PostgreSQL reports.
 * On abort the copy stream is destroyed, which sends CopyFail: the server discards the rows of this COPY.
 */
export async function copyLines(
  client: pg.Client,
  table: string,
  columns: readonly string[],
  lines: Iterable<string>,
  opts: CopyTableOptions = {},
): Promise<number> {
  const options = opts.freeze ? ' WITH (FORMAT text, FREEZE true)' : ' WITH (FORMAT text)';
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN${options}`));
  const source = Readable.from(chunkLines(lines, opts.onRows), { objectMode: false });
  await pipeline(source, sink, opts.signal ? { signal: opts.signal } : {});
  return sink.rowCount;
}
