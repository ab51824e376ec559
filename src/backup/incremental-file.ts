// One `INCREMENTAL.<name>` file of a PostgreSQL 17 incremental backup: its header (magic, block count, truncation
// length, block numbers, padded to a block) and the rebuild of the full file from it and the older backups' copies.
import fs from 'node:fs/promises';
import { InfraCode, InfrastructureError } from '../errors.js';
import { Crc32c } from './crc32c.js';

/** Page size of the embedded build (and of every PostgreSQL built with the default BLCKSZ). */
export const BLOCK_SIZE = 8192;
/** Blocks per 1 GB relation segment (RELSEG_SIZE): no file holds more. */
const SEGMENT_BLOCKS = 131072;
const INCREMENTAL_MAGIC = 0xd3ae1f0d;

export interface IncrementalHeader {
  /** Block numbers (within this segment file) whose pages the file carries, in the order they follow the header. */
  readonly blocks: readonly number[];
  /** The file's length in blocks at the backup: blocks at or past it in older backups were truncated away. */
  readonly truncationBlocks: number;
  /** Offset of the first page: the header rounded up to a whole block when there are pages, so pages stay aligned. */
  readonly headerBytes: number;
}

/** Parses the header of an INCREMENTAL file (native-endian uint32s; the server and this machine are the same kind). */
export function parseIncrementalHeader(bytes: Buffer, file: string, fileSize: number): IncrementalHeader {
  const fail = (what: string): never => {
    throw new InfrastructureError(InfraCode.restoreFailed, `${file} is not a valid incremental file: ${what}; the backup is damaged.`);
  };
  if (bytes.length < 12) fail(`only ${bytes.length} bytes`);
  const magic = bytes.readUInt32LE(0);
  if (magic !== INCREMENTAL_MAGIC) fail(`magic number 0x${magic.toString(16)}, expected 0x${INCREMENTAL_MAGIC.toString(16)}`);
  const count = bytes.readUInt32LE(4);
  const truncationBlocks = bytes.readUInt32LE(8);
  if (count > SEGMENT_BLOCKS) fail(`block count ${count} exceeds the ${SEGMENT_BLOCKS} blocks of a segment`);
  if (truncationBlocks > SEGMENT_BLOCKS) fail(`truncation length ${truncationBlocks} exceeds the ${SEGMENT_BLOCKS} blocks of a segment`);
  const listed = 12 + 4 * count;
  if (bytes.length < listed) fail(`its header lists ${count} blocks but the file ends first`);
  const blocks: number[] = [];
  for (let i = 0; i < count; i++) blocks.push(bytes.readUInt32LE(12 + 4 * i));
  const headerBytes = count > 0 && listed % BLOCK_SIZE !== 0 ? listed + BLOCK_SIZE - (listed % BLOCK_SIZE) : listed;
  if (fileSize !== headerBytes + count * BLOCK_SIZE) fail(`${fileSize} bytes, but its header promises ${headerBytes + count * BLOCK_SIZE}`);
  return { blocks, truncationBlocks, headerBytes };
}

export async function readIncrementalHeader(file: string): Promise<IncrementalHeader> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const fixed = Buffer.alloc(Math.min(size, 12));
    await handle.read(fixed, 0, fixed.length, 0);
    const count = fixed.length === 12 ? Math.min(fixed.readUInt32LE(4), SEGMENT_BLOCKS + 1) : 0;
    const head = Buffer.alloc(Math.min(size, 12 + 4 * count));
    await handle.read(head, 0, head.length, 0);
    return parseIncrementalHeader(head, file, size);
  } finally {
    await handle.close();
  }
}

/** A version of the file in one backup of the chain, newest first. */
export type FileSource = { readonly kind: 'full'; readonly file: string } | { readonly kind: 'incremental'; readonly file: string; readonly header: IncrementalHeader };

/** Where each block of the rebuilt file comes from: a source index and byte offset, or null for a zero page. */
export interface ReconstructionPlan {
  readonly blocks: readonly ({ readonly source: number; readonly offset: number } | null)[];
  /** Set when the file is exactly an older full copy (no page from any incremental, same length): copy it whole. */
  readonly copyWhole?: number;
}

/**
 * Plans the rebuild, as pg_combinebackup does: the newest incremental fixes the length (its truncation length, or
 * further if it carries later blocks) and supplies its pages; each older incremental supplies the pages still
 * missing below that truncation length; the full copy at the chain's root supplies the rest it has; pages found
 * nowhere were never written since they were allocated and are zeros. `sizes[i]` is the byte size of a full source.
 */
export function planReconstruction(sources: readonly FileSource[], sizes: readonly number[]): ReconstructionPlan {
  const newest = sources[0];
  if (newest?.kind !== 'incremental') throw new RangeError('the newest source of a reconstruction must be an incremental file');
  const limit = newest.header.truncationBlocks;
  const length = Math.max(limit, ...newest.header.blocks.map((b) => b + 1));
  const blocks: ({ source: number; offset: number } | null)[] = new Array<null>(length).fill(null);
  let fromIncremental = newest.header.blocks.length > 0;
  newest.header.blocks.forEach((b, i) => (blocks[b] = { source: 0, offset: newest.header.headerBytes + i * BLOCK_SIZE }));
  for (let s = 1; s < sources.length; s++) {
    const source = sources[s]!;
    if (source.kind === 'full') {
      const have = Math.floor(sizes[s]! / BLOCK_SIZE);
      for (let b = 0; b < limit; b++) if (blocks[b] === null && b < have) blocks[b] = { source: s, offset: b * BLOCK_SIZE };
      return !fromIncremental && sizes[s] === limit * BLOCK_SIZE ? { blocks, copyWhole: s } : { blocks };
    }
    source.header.blocks.forEach((b, i) => {
      if (b < limit && blocks[b] === null) {
        blocks[b] = { source: s, offset: source.header.headerBytes + i * BLOCK_SIZE };
        fromIncremental = true;
      }
    });
  }
  throw new RangeError('the chain of sources must end with a full copy of the file');
}

/** Writes the planned file to `output` (which must not exist): its size, and its CRC-32C unless copied whole (the source's manifest has that). */
export async function writeReconstruction(plan: ReconstructionPlan, sources: readonly FileSource[], output: string): Promise<{ bytes: number; crc32c?: string }> {
  if (plan.copyWhole !== undefined) {
    await fs.copyFile(sources[plan.copyWhole]!.file, output, fs.constants.COPYFILE_EXCL);
    return { bytes: plan.blocks.length * BLOCK_SIZE };
  }
  const crc = new Crc32c();
  const handles = await Promise.all(sources.map((s) => fs.open(s.file, 'r')));
  const out = await fs.open(output, 'wx', 0o600);
  try {
    const page = Buffer.alloc(BLOCK_SIZE);
    for (let b = 0; b < plan.blocks.length; b++) {
      const from = plan.blocks[b];
      if (from === null || from === undefined) {
        page.fill(0);
      } else {
        const { bytesRead } = await handles[from.source]!.read(page, 0, BLOCK_SIZE, from.offset);
        if (bytesRead !== BLOCK_SIZE) {
          throw new InfrastructureError(InfraCode.restoreFailed, `${sources[from.source]!.file} ends inside block ${b} (read ${bytesRead} of ${BLOCK_SIZE} bytes at ${from.offset}); the backup is damaged.`);
        }
      }
      crc.update(page);
      await out.write(page, 0, BLOCK_SIZE, b * BLOCK_SIZE);
    }
    return { bytes: plan.blocks.length * BLOCK_SIZE, crc32c: crc.digest() };
  } finally {
    await out.close();
    await Promise.all(handles.map((h) => h.close()));
  }
}
