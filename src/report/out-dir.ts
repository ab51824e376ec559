// Checks, before any server starts, that a run's report directory can be written: a bad path (empty, an existing
// file, under a file, read-only, no permission) is invalid input (exit 2); too little free disk is infrastructure (exit 3).
import { constants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InfraCode, InfrastructureError, InvalidInputError } from '../errors.js';

/**
 * Free space a run needs to start: results.json, the .hlog, report.html and junit.xml of a long run are a few MB
 * together (report.html carries every interval). 16 MiB leaves room for them with a margin; documented in docs/reports.md.
 */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;

export interface ReportDirectoryCheck {
  /** How the directory is named in messages: `--out`, or `--out (default reports/)` when it was not given. */
  readonly flag: string;
  readonly minFreeBytes?: number;
}

const BAD_PATH_HINT = 'Choose a directory you can write to with --out, e.g. --out reports/my-run.';

/** Throws when `dir` cannot hold the run's reports. Creates nothing that stays: a probe file and new directories are removed. */
export async function assertReportDirectoryWritable(dir: string, check: ReportDirectoryCheck): Promise<void> {
  const bad = (message: string): InvalidInputError => new InvalidInputError([{ path: check.flag, message: `${message}.` }], { code: 'AB_ERR_OUT_DIR', hint: BAD_PATH_HINT });
  if (dir.trim() === '') throw bad('must not be empty; give the directory the reports go to');
  const shown = JSON.stringify(dir);
  const absolute = path.resolve(dir);
  let existing: Awaited<ReturnType<typeof nearestExisting>>;
  try {
    existing = await nearestExisting(absolute);
  } catch (err) {
    throw bad(`${shown} cannot be reached (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!existing.stats.isDirectory()) {
    throw bad(existing.path === absolute ? `${shown} is a file, not a directory` : `${shown} is under ${JSON.stringify(existing.path)}, which is a file, not a directory`);
  }
  const created: string[] = [];
  try {
    // access() names a read-only file system (EROFS) even for root, who may write anywhere else.
    await fs.access(existing.path, constants.W_OK);
    // One level at a time, not mkdir -p: recursive mkdir reports EROFS as ENOENT, and loops on some kernel file systems.
    for (const level of missingLevels(existing.path, absolute)) {
      await fs.mkdir(level);
      created.push(level);
    }
    const probe = path.join(absolute, `.authbench-write-check.${process.pid}`);
    await fs.writeFile(probe, 'authbench\n', { flag: 'wx' });
    await fs.rm(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS') throw bad(`${shown} is on a read-only file system`);
    if (code === 'EACCES' || code === 'EPERM') throw bad(`${shown} cannot be written (permission denied)`);
    if (code === 'ENOTDIR' || code === 'EEXIST') throw bad(`${shown} is not a directory (or a part of it is a file)`);
    if (code === 'ENOENT') throw bad(`${shown} cannot be created there`);
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new InfrastructureError(InfraCode.diskFull, `${check.flag}: no space left to write in ${shown}.`, { hint: 'Free some space, or write the reports elsewhere with --out.' });
    }
    throw new InfrastructureError(InfraCode.reportWriteFailed, `${check.flag}: ${shown} cannot be written (${code ?? String(err)}).`, { hint: BAD_PATH_HINT });
  } finally {
    for (const level of created.reverse()) await fs.rmdir(level).catch(() => undefined);
  }
  const minFree = check.minFreeBytes ?? MIN_FREE_BYTES;
  const fsStats = await fs.statfs(existing.path);
  const free = fsStats.bavail * fsStats.bsize;
  if (free < minFree) {
    throw new InfrastructureError(
      InfraCode.diskFull,
      `${check.flag}: only ${formatBytes(free)} free on the file system of ${shown}; a run needs at least ${formatBytes(minFree)} for its reports.`,
      { hint: 'Free some space, or write the reports elsewhere with --out.' },
    );
  }
}

/** The path itself if it exists, else its closest existing ancestor (stat follows symlinks, as writing would). */
async function nearestExisting(absolute: string): Promise<{ path: string; stats: Stats }> {
  let at = absolute;
  for (;;) {
    try {
      return { path: at, stats: await fs.stat(at) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = path.dirname(at);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === at) throw err;
      at = parent;
    }
  }
}

/** The directories between an existing ancestor and the target, outermost first. */
function missingLevels(existing: string, absolute: string): string[] {
  const levels: string[] = [];
  for (let at = absolute; at !== existing && path.dirname(at) !== at; at = path.dirname(at)) levels.unshift(at);
  return levels;
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1 ? `${Math.floor(mib * 10) / 10} MiB` : `${Math.floor(bytes / 1024)} KiB`;
}
