// backup_manifest, the JSON file PostgreSQL writes beside a base backup: read it, check its own SHA-256 and each
// listed file's size and CRC-32C against a directory, and write one for a combined data directory.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InfraCode, InfrastructureError } from '../errors.js';
import { Crc32c } from './crc32c.js';

export interface ManifestFile {
  /** Relative to the data directory, `/`-separated. */
  readonly path: string;
  readonly size: number;
  readonly lastModified: string;
  readonly checksumAlgorithm?: string;
  readonly checksum?: string;
}

export interface WalRange {
  readonly timeline: number;
  readonly startLsn: string;
  readonly endLsn: string;
}

export interface Manifest {
  readonly version: number;
  /** The cluster's system identifier (version 2): every backup of a chain must come from the same cluster. */
  readonly systemIdentifier?: string;
  readonly files: readonly ManifestFile[];
  readonly walRanges: readonly WalRange[];
}

const CHECKSUM_KEY = '"Manifest-Checksum"';

interface RawFile {
  Path?: string;
  'Encoded-Path'?: string;
  Size?: number;
  'Last-Modified'?: string;
  'Checksum-Algorithm'?: string;
  Checksum?: string;
}

/**
 * Reads `file` and checks its Manifest-Checksum: the SHA-256 of every byte before the `"Manifest-Checksum"` key.
 * A manifest that does not parse or whose checksum is wrong is corrupt (exit 3).
 */
export async function readManifest(file: string): Promise<Manifest> {
  const bytes = await fs.readFile(file).catch((cause: NodeJS.ErrnoException) => {
    throw new InfrastructureError(InfraCode.restoreFailed, `${file} could not be read: ${cause.message}`, { cause });
  });
  const text = bytes.toString('utf8');
  const at = text.lastIndexOf(CHECKSUM_KEY);
  let raw: { 'PostgreSQL-Backup-Manifest-Version'?: number; 'System-Identifier'?: unknown; Files?: RawFile[]; 'WAL-Ranges'?: { Timeline: number; 'Start-LSN': string; 'End-LSN': string }[]; 'Manifest-Checksum'?: string };
  try {
    // The system identifier is a 64-bit integer: keep its digits exact instead of rounding them to a double.
    raw = JSON.parse(text.replace(/("System-Identifier":\s*)(\d+)/, '$1"$2"')) as typeof raw;
  } catch (cause) {
    throw new InfrastructureError(InfraCode.restoreFailed, `${file} is not a valid backup manifest (JSON: ${(cause as Error).message}); the backup is damaged.`, { cause });
  }
  const expected = raw['Manifest-Checksum'];
  const actual = createHash('sha256').update(bytes.subarray(0, Buffer.byteLength(text.slice(0, Math.max(at, 0))))).digest('hex');
  if (at < 0 || expected !== actual) {
    throw new InfrastructureError(InfraCode.restoreFailed, `${file} fails its own checksum (Manifest-Checksum ${expected ?? 'missing'}, computed ${actual}); the backup is damaged.`);
  }
  return {
    version: Number(raw['PostgreSQL-Backup-Manifest-Version'] ?? 1),
    ...(raw['System-Identifier'] !== undefined ? { systemIdentifier: String(raw['System-Identifier']) } : {}),
    files: (raw.Files ?? []).map((f) => ({
      path: f.Path ?? Buffer.from(f['Encoded-Path'] ?? '', 'hex').toString('utf8'),
      size: Number(f.Size ?? 0),
      lastModified: f['Last-Modified'] ?? '',
      ...(f['Checksum-Algorithm'] ? { checksumAlgorithm: f['Checksum-Algorithm'] } : {}),
      ...(f.Checksum ? { checksum: f.Checksum } : {}),
    })),
    walRanges: (raw['WAL-Ranges'] ?? []).map((r) => ({ timeline: Number(r.Timeline), startLsn: r['Start-LSN'], endLsn: r['End-LSN'] })),
  };
}

/** CRC-32C of a file, streamed (small files, most of a data directory, in one read). */
export async function crc32cOfFile(file: string, size?: number): Promise<string> {
  const crc = new Crc32c();
  if (size !== undefined && size <= 1 << 20) return crc.update(await fs.readFile(file)).digest();
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) crc.update(chunk as Buffer);
  return crc.digest();
}

/**
 * Checks that every file the manifest lists is in `dir` with its size and (CRC-32C) checksum, as pg_verifybackup
 * does for the files; throws on the first file missing, short or changed (the backup is damaged: exit 3).
 */
export async function verifyFilesAgainst(manifest: Manifest, dir: string, label: string): Promise<void> {
  for (const f of manifest.files) {
    const file = path.join(dir, ...f.path.split('/'));
    const stat = await fs.stat(file).catch(() => undefined);
    const problem = !stat
      ? 'is missing'
      : stat.size !== f.size
        ? `has ${stat.size} bytes, the manifest says ${f.size}`
        : f.checksumAlgorithm === 'CRC32C' && f.checksum !== undefined && (await crc32cOfFile(file, stat.size)) !== f.checksum
          ? `does not match its CRC32C checksum ${f.checksum}`
          : undefined;
    if (problem) {
      throw new InfrastructureError(InfraCode.restoreFailed, `Backup ${label}: ${f.path} ${problem}; the backup is damaged and cannot be restored.`, {
        hint: 'Restore an older full backup (authbench backup --list), and take a new full backup.',
      });
    }
  }
}

/** The manifest text PostgreSQL's parser accepts: version 2, one file per line, Manifest-Checksum over what precedes it. */
export function formatManifest(manifest: Manifest): string {
  const file = (f: ManifestFile): string =>
    `{ "Path": ${JSON.stringify(f.path)}, "Size": ${f.size}, "Last-Modified": ${JSON.stringify(f.lastModified)}${f.checksumAlgorithm ? `, "Checksum-Algorithm": ${JSON.stringify(f.checksumAlgorithm)}, "Checksum": ${JSON.stringify(f.checksum ?? '')}` : ''} }`;
  const range = (r: WalRange): string => `{ "Timeline": ${r.timeline}, "Start-LSN": ${JSON.stringify(r.startLsn)}, "End-LSN": ${JSON.stringify(r.endLsn)} }`;
  const body =
    `{ "PostgreSQL-Backup-Manifest-Version": ${manifest.version},\n` +
    (manifest.systemIdentifier !== undefined ? `"System-Identifier": ${manifest.systemIdentifier},\n` : '') +
    `"Files": [\n${manifest.files.map(file).join(',\n')}\n],\n` +
    `"WAL-Ranges": [\n${manifest.walRanges.map(range).join(',\n')}\n],\n`;
  return `${body}${CHECKSUM_KEY}: "${createHash('sha256').update(body).digest('hex')}"}\n`;
}
