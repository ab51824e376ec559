// Turns a full backup and its chain of PostgreSQL 17 incremental backups (each extracted) into one data directory,
// as pg_combinebackup does (the embedded package does not ship it): checks, rebuilds INCREMENTAL files, fixes labels.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InfraCode, InfrastructureError } from '../errors.js';
import { planReconstruction, readIncrementalHeader, writeReconstruction, type FileSource } from './incremental-file.js';
import { crc32cOfFile, formatManifest, readManifest, verifyFilesAgainst, type Manifest, type ManifestFile } from './manifest.js';

export interface ExtractedBackup {
  readonly id: string;
  /** The backup's base.tar extracted here. */
  readonly dir: string;
  /** Its backup_manifest (beside base.tar in the catalogue). */
  readonly manifestFile: string;
}

export interface CombineReport {
  /** Files in the combined data directory's manifest. */
  readonly files: number;
  /** INCREMENTAL files rebuilt from pages of the chain. */
  readonly reconstructed: number;
  /** Of those, files that were an older full copy unchanged (copied whole). */
  readonly copiedWhole: number;
}

const INCREMENTAL_PREFIX = 'INCREMENTAL.';
const INCREMENTAL_LABEL_LINE = /^INCREMENTAL FROM (LSN|TLI): /;

interface BackupLabel {
  readonly startLsn: string;
  readonly startTimeline: number;
  readonly incrementalFromLsn?: string;
  readonly incrementalFromTimeline?: number;
  readonly text: string;
}

/**
 * Combines `chain` (oldest first: a full backup, then incrementals each taken on the one before) in place: the newest
 * backup's directory becomes the data directory. Throws InfrastructureError (exit 3) when a manifest, file or label
 * shows the chain damaged or not one chain; nothing is changed before every check has passed.
 */
export async function combineInPlace(chain: readonly ExtractedBackup[]): Promise<CombineReport> {
  const newest = chain.at(-1);
  if (!newest || chain.length < 2) throw new RangeError('a chain to combine holds a full backup and at least one incremental');
  const manifests = await Promise.all(chain.map((b) => readManifest(b.manifestFile)));
  const labels = await Promise.all(chain.map((b) => readLabel(b)));
  checkChain(chain, manifests, labels);
  for (let i = 0; i < chain.length; i++) await verifyFilesAgainst(manifests[i]!, chain[i]!.dir, chain[i]!.id);

  const files: ManifestFile[] = [];
  let reconstructed = 0;
  let copiedWhole = 0;
  for (const entry of manifests.at(-1)!.files) {
    const base = path.posix.basename(entry.path);
    if (!base.startsWith(INCREMENTAL_PREFIX)) {
      files.push(entry);
      continue;
    }
    const relative = path.posix.join(path.posix.dirname(entry.path), base.slice(INCREMENTAL_PREFIX.length));
    const { sources, sizes } = await sourcesOf(chain, relative, entry.path);
    const plan = planReconstruction(sources, sizes);
    const output = path.join(newest.dir, ...relative.split('/'));
    const written = await writeReconstruction(plan, sources, output);
    await fs.rm(path.join(newest.dir, ...entry.path.split('/')));
    reconstructed += 1;
    // A file copied whole is byte for byte the one an older (verified) manifest lists: its checksum holds.
    const copiedFrom = plan.copyWhole === undefined ? undefined : manifests[chain.length - 1 - plan.copyWhole]!.files.find((f) => f.path === relative);
    if (plan.copyWhole !== undefined) copiedWhole += 1;
    const checksum = written.crc32c ?? (copiedFrom?.checksumAlgorithm === 'CRC32C' ? copiedFrom.checksum : undefined) ?? (await crc32cOfFile(output));
    files.push({ path: relative, size: written.bytes, lastModified: entry.lastModified, checksumAlgorithm: 'CRC32C', checksum });
  }

  // The server refuses to start from a backup_label that says "incremental": the combined directory is a full one.
  const label = labels.at(-1)!.text.split('\n').filter((line) => !INCREMENTAL_LABEL_LINE.test(line)).join('\n');
  const labelFile = path.join(newest.dir, 'backup_label');
  await fs.writeFile(labelFile, label);
  const labelEntry = files.findIndex((f) => f.path === 'backup_label');
  const labelManifest: ManifestFile = { path: 'backup_label', size: Buffer.byteLength(label), lastModified: files[labelEntry]?.lastModified ?? '', checksumAlgorithm: 'CRC32C', checksum: await crc32cOfFile(labelFile) };
  if (labelEntry >= 0) files[labelEntry] = labelManifest;
  const combined: Manifest = { ...manifests.at(-1)!, files };
  await fs.writeFile(path.join(newest.dir, 'backup_manifest'), formatManifest(combined));
  return { files: files.length, reconstructed, copiedWhole };
}

/** The versions of `relative` from the newest backup back to the first full copy (pg_combinebackup's search order). */
async function sourcesOf(chain: readonly ExtractedBackup[], relative: string, incrementalPath: string): Promise<{ sources: FileSource[]; sizes: number[] }> {
  const newest = chain.at(-1)!;
  const newestFile = path.join(newest.dir, ...incrementalPath.split('/'));
  const sources: FileSource[] = [{ kind: 'incremental', file: newestFile, header: await readIncrementalHeader(newestFile) }];
  const sizes = [0];
  for (let i = chain.length - 2; i >= 0; i--) {
    const backup = chain[i]!;
    const full = path.join(backup.dir, ...relative.split('/'));
    const stat = await fs.stat(full).catch(() => undefined);
    if (stat) {
      sources.push({ kind: 'full', file: full });
      sizes.push(stat.size);
      return { sources, sizes };
    }
    const incremental = path.join(backup.dir, ...incrementalPath.split('/'));
    const header = await readIncrementalHeader(incremental).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== 'ENOENT') throw cause;
      throw new InfrastructureError(InfraCode.restoreFailed, `${relative} is incremental in ${newest.id} but backup ${backup.id} has neither a full nor an incremental copy of it; the chain is damaged.`, {
        hint: 'Restore the full backup of the chain, and take a new full backup.',
      });
    });
    sources.push({ kind: 'incremental', file: incremental, header });
    sizes.push(0);
  }
  throw new InfrastructureError(InfraCode.restoreFailed, `${relative} is incremental all the way back to the full backup ${chain[0]!.id}, which should hold it whole; the chain is damaged.`);
}

/** One chain: the same cluster, the first backup full, each later one incremental on exactly the one before it. */
function checkChain(chain: readonly ExtractedBackup[], manifests: readonly Manifest[], labels: readonly BackupLabel[]): void {
  const fail = (message: string): never => {
    throw new InfrastructureError(InfraCode.restoreFailed, `${message}; these backups do not form one chain, so they cannot be combined.`, {
      hint: 'Restore the full backup, or take a new full backup and incrementals on it (authbench backup, then authbench backup --incremental).',
    });
  };
  const system = manifests[0]!.systemIdentifier;
  chain.forEach((backup, i) => {
    const label = labels[i]!;
    if (manifests[i]!.version < 2) fail(`${backup.id}'s manifest is version ${manifests[i]!.version}; incremental chains need version 2 (PostgreSQL 17)`);
    if (manifests[i]!.systemIdentifier !== system) fail(`${backup.id} comes from cluster ${manifests[i]!.systemIdentifier}, ${chain[0]!.id} from cluster ${system}`);
    if (i === 0) {
      if (label.incrementalFromLsn !== undefined) fail(`${backup.id} is itself incremental (from ${label.incrementalFromLsn}), not a full backup`);
      return;
    }
    const parent = labels[i - 1]!;
    if (label.incrementalFromLsn === undefined) fail(`${backup.id} is a full backup, not an incremental one on ${chain[i - 1]!.id}`);
    if (label.incrementalFromLsn !== parent.startLsn || label.incrementalFromTimeline !== parent.startTimeline) {
      fail(`${backup.id} is incremental from ${label.incrementalFromLsn} on timeline ${label.incrementalFromTimeline}, but ${chain[i - 1]!.id} starts at ${parent.startLsn} on timeline ${parent.startTimeline}`);
    }
  });
}

async function readLabel(backup: ExtractedBackup): Promise<BackupLabel> {
  const file = path.join(backup.dir, 'backup_label');
  const text = await fs.readFile(file, 'utf8').catch((cause: Error) => {
    throw new InfrastructureError(InfraCode.restoreFailed, `Backup ${backup.id} has no readable backup_label (${cause.message}); the backup is damaged.`, { cause });
  });
  const field = (name: string): string | undefined => new RegExp(`^${name}: (\\S+)`, 'm').exec(text)?.[1];
  const startLsn = field('START WAL LOCATION');
  const startTimeline = field('START TIMELINE');
  if (startLsn === undefined || startTimeline === undefined) {
    throw new InfrastructureError(InfraCode.restoreFailed, `Backup ${backup.id}'s backup_label lacks START WAL LOCATION or START TIMELINE; the backup is damaged.`);
  }
  const fromLsn = field('INCREMENTAL FROM LSN');
  const fromTimeline = field('INCREMENTAL FROM TLI');
  return {
    startLsn,
    startTimeline: Number(startTimeline),
    ...(fromLsn !== undefined ? { incrementalFromLsn: fromLsn } : {}),
    ...(fromTimeline !== undefined ? { incrementalFromTimeline: Number(fromTimeline) } : {}),
    text,
  };
}
