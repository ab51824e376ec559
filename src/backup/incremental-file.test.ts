// The INCREMENTAL file header and the rebuild plan on hand-made files: lengths, truncation, the search order of the
// chain, zero pages, and the whole-file copy; then the rebuilt bytes, and damaged headers named with their fault.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Crc32c } from './crc32c.js';
import { BLOCK_SIZE, parseIncrementalHeader, planReconstruction, readIncrementalHeader, writeReconstruction, type FileSource, type IncrementalHeader } from './incremental-file.js';
import { formatManifest, readManifest } from './manifest.js';

/** An INCREMENTAL file's bytes as the server writes them: magic, count, truncation length, block numbers, padding, pages. */
function incrementalBytes(truncation: number, pages: Record<number, number>): Buffer {
  const blocks = Object.keys(pages).map(Number);
  const listed = 12 + 4 * blocks.length;
  const header = Buffer.alloc(blocks.length > 0 ? Math.ceil(listed / BLOCK_SIZE) * BLOCK_SIZE : listed);
  header.writeUInt32LE(0xd3ae1f0d, 0);
  header.writeUInt32LE(blocks.length, 4);
  header.writeUInt32LE(truncation, 8);
  blocks.forEach((b, i) => header.writeUInt32LE(b, 12 + 4 * i));
  return Buffer.concat([header, ...blocks.map((b) => Buffer.alloc(BLOCK_SIZE, pages[b]!))]);
}

const incremental = (truncation: number, blocks: number[]): FileSource => ({
  kind: 'incremental',
  file: 'x',
  header: { blocks, truncationBlocks: truncation, headerBytes: blocks.length > 0 ? BLOCK_SIZE : 12 } satisfies IncrementalHeader,
});
const full: FileSource = { kind: 'full', file: 'f' };
const where = (plan: ReturnType<typeof planReconstruction>) => plan.blocks.map((b) => (b === null ? 'zero' : `${b.source}@${b.offset / BLOCK_SIZE}`));

describe('planReconstruction', () => {
  it('takes the newest pages first, older incrementals next, the full copy for the rest, zeros where none has the page', () => {
    const plan = planReconstruction([incremental(5, [1]), incremental(5, [1, 3]), full], [0, 0, 3 * BLOCK_SIZE]);
    // Offsets count the header block: page i of an incremental is at block i + 1.
    expect(where(plan)).toEqual(['2@0', '0@1', '2@2', '1@2', 'zero']);
    expect(plan.copyWhole).toBeUndefined();
  });

  it('cuts at the newest truncation length: older pages past it are dropped, newer pages past it extend the file', () => {
    expect(where(planReconstruction([incremental(2, []), incremental(4, [3]), full], [0, 0, 4 * BLOCK_SIZE]))).toEqual(['2@0', '2@1']);
    expect(where(planReconstruction([incremental(1, [3]), full], [0, 4 * BLOCK_SIZE]))).toEqual(['1@0', 'zero', 'zero', '0@1']);
  });

  it('copies the full file whole when no incremental page is needed and its length is the truncation length', () => {
    expect(planReconstruction([incremental(3, []), incremental(3, []), full], [0, 0, 3 * BLOCK_SIZE]).copyWhole).toBe(2);
    expect(planReconstruction([incremental(2, []), full], [0, 3 * BLOCK_SIZE]).copyWhole).toBeUndefined();
  });

  it('rebuilds the bytes on disk with their checksum', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-incrfile-'));
    try {
      await fs.writeFile(path.join(dir, 'full'), Buffer.concat([1, 2, 3].map((v) => Buffer.alloc(BLOCK_SIZE, v))));
      await fs.writeFile(path.join(dir, 'INCREMENTAL.1'), incrementalBytes(4, { 1: 9 }));
      const header = await readIncrementalHeader(path.join(dir, 'INCREMENTAL.1'));
      expect(header).toEqual({ blocks: [1], truncationBlocks: 4, headerBytes: BLOCK_SIZE });
      const sources: FileSource[] = [{ kind: 'incremental', file: path.join(dir, 'INCREMENTAL.1'), header }, { kind: 'full', file: path.join(dir, 'full') }];
      const written = await writeReconstruction(planReconstruction(sources, [0, 3 * BLOCK_SIZE]), sources, path.join(dir, 'out'));
      const expected = Buffer.concat([1, 9, 3, 0].map((v) => Buffer.alloc(BLOCK_SIZE, v)));
      expect(await fs.readFile(path.join(dir, 'out'))).toEqual(expected);
      expect(written).toEqual({ bytes: 4 * BLOCK_SIZE, crc32c: new Crc32c().update(expected).digest() });
      await expect(writeReconstruction(planReconstruction(sources, [0, 3 * BLOCK_SIZE]), sources, path.join(dir, 'out'))).rejects.toThrow(/EEXIST/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parseIncrementalHeader', () => {
  it.each([
    ['a wrong magic number', Buffer.from('not an incremental file'), /magic number 0x20746f6e, expected 0xd3ae1f0d/],
    ['a short file', incrementalBytes(2, { 0: 1 }).subarray(0, BLOCK_SIZE + 10), /8202 bytes, but its header promises 16384/],
    ['a block count past a segment', (() => { const b = incrementalBytes(0, {}); b.writeUInt32LE(131073, 4); return b; })(), /block count 131073 exceeds/],
  ])('names %s', (_name, bytes, message) => {
    expect(() => parseIncrementalHeader(bytes, 'base/5/INCREMENTAL.1', bytes.length)).toThrow(message);
  });
});

describe('backup manifests', () => {
  it('a written manifest reads back and passes its own checksum; a changed byte fails it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-manifest-'));
    try {
      const manifest = { version: 2, systemIdentifier: '7714529692555077622', files: [{ path: 'PG_VERSION', size: 3, lastModified: '2026-12-02 02:35:13 GMT', checksumAlgorithm: 'CRC32C', checksum: '64440205' }], walRanges: [{ timeline: 1, startLsn: '0/2000028', endLsn: '0/2000120' }] };
      const file = path.join(dir, 'backup_manifest');
      await fs.writeFile(file, formatManifest(manifest));
      expect(await readManifest(file)).toEqual(manifest);
      await fs.writeFile(file, formatManifest(manifest).replace('"Size": 3', '"Size": 4'));
      await expect(readManifest(file)).rejects.toThrow(/fails its own checksum/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('CRC-32C is printed as PostgreSQL prints it (the value\'s bytes, little-endian)', () => {
    expect(new Crc32c().update(Buffer.from('123456789')).digest()).toBe('839206e3');
  });
});
