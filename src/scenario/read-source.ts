// Reads a scenario's text from a file or from standard input (`-`), refusing what cannot be a scenario before
// reading it: directories, named pipes, devices and sockets, files over the size limit, and bytes that are not UTF-8.
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { InvalidInputError } from '../errors.js';

/** Scenario files bigger than this are not scenarios (and would make a YAML parser slow). */
export const MAX_SCENARIO_BYTES = 1_000_000;
/** The file argument that means "read the scenario from standard input". */
export const STDIN_ARGUMENT = '-';
/**
 * What the command line passes for a positional `-`: yargs drops a bare `-` from positional lists, and a path can
 * never hold a NUL, so this cannot be a file.
 */
export const STDIN_SENTINEL = '\u0000stdin';
/** How standard input is named in messages and in results (`scenario.file`). */
export const STDIN_LABEL = '<stdin>';

export interface ScenarioSource {
  /** The path as given, or STDIN_LABEL. */
  readonly file: string;
  readonly text: string;
}

const HINT = 'Pass the path of a scenario YAML file (e.g. scenarios/login.yaml), or - to read one from standard input.';

function refuse(file: string, message: string): InvalidInputError {
  return new InvalidInputError([{ file, path: '(file)', message: `${message}.` }], { hint: HINT });
}

/** Reads one scenario. Never blocks on a pipe or device and never reads more than MAX_SCENARIO_BYTES + 1 bytes. */
export async function readScenarioSource(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<ScenarioSource> {
  if (file === STDIN_ARGUMENT || file === STDIN_SENTINEL) return { file: STDIN_LABEL, text: decode(STDIN_LABEL, await readBounded(stdin)) };
  if (file === '') throw refuse('""', 'is an empty path');
  let stats: Stats;
  try {
    stats = await fs.stat(file);
  } catch (err) {
    throw refuse(file, unreadable(err));
  }
  // Checked before opening: opening a named pipe for reading waits for a writer, forever if none comes.
  if (!stats.isFile()) throw refuse(file, notRegular(stats));
  if (stats.size > MAX_SCENARIO_BYTES) throw refuse(file, tooLarge(stats.size));
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: if the path was swapped for a pipe since the stat, open returns instead of waiting.
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw refuse(file, unreadable(err));
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw refuse(file, notRegular(opened));
    const buffer = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_SCENARIO_BYTES) throw refuse(file, tooLarge(length, true));
    }
    return { file, text: decode(file, buffer.subarray(0, length)) };
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    throw refuse(file, unreadable(err));
  } finally {
    await handle.close();
  }
}

async function readBounded(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(bytes);
    length += bytes.length;
    if (length > MAX_SCENARIO_BYTES) {
      stream.pause();
      throw refuse(STDIN_LABEL, tooLarge(length, true));
    }
  }
  return Buffer.concat(chunks, length);
}

/** UTF-8 (a BOM is dropped); anything else is binary, and its bytes are never echoed. */
function decode(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuse(file, 'is not a text file (its bytes are not UTF-8); a scenario is a YAML text file');
  }
}

function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory, not a scenario file';
  if (code === 'ENOTDIR') return 'no such file (a part of the path is a file, not a directory)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
}

function notRegular(stats: Stats): string {
  if (stats.isDirectory()) return 'is a directory, not a scenario file';
  const kind = stats.isFIFO() ? 'a named pipe' : stats.isSocket() ? 'a socket' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : 'not a regular file';
  return `is ${kind}, not a regular file; authbench reads scenarios from regular files or from standard input (-)`;
}

function tooLarge(bytes: number, atLeast = false): string {
  return `is larger than ${MAX_SCENARIO_BYTES} bytes${atLeast ? '' : ` (${bytes} bytes)`}; a scenario is a short YAML file`;
}
