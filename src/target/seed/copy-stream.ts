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
