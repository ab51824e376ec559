// Results JSON on disk: atomic write (temp file in the same directory + fsync + rename), so a reader never sees a
// truncated file. The reader is src/results/read.ts.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RunResults } from '../results/types.js';

/**
 * Write `data` to `file` so that `file` is either the old content or the complete new content, never a mix:
 * the bytes go to a temporary file beside it (same filesystem, so rename is atomic), are fsynced, then renamed over.
 */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await fs.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    renamed = true;
    await syncDirectory(dir);
  } finally {
    if (!renamed) await fs.rm(tmp, { force: true });
  }
}

/** Persist the rename itself; some platforms (Windows) cannot open a directory, and that is not worth failing for. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort only
  } finally {
    await handle?.close();
  }
}

/** Pretty-printed JSON with a trailing newline, written atomically. */
export async function writeResults(file: string, results: RunResults): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(results, null, 2)}\n`);
}
