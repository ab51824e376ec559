// Stops the servers `authbench provision` left running (by pid from state.json, checked against /proc so a
// reused pid is never killed), verifies nothing remains, and with purge deletes the data authbench created.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InfraCode, InfrastructureError } from '../errors.js';
import { stopServer } from './embedded-postgres.js';
import { pgDataDirOf } from './embedded.js';
import { stopRedisServer } from './redis-server.js';
import { pgbouncerDirsIn, stopLeftoverPgbouncer } from './pgbouncer.js';
import { isAlive, isProcessOf, readState, resolveHome, stateFilePath, writeState } from './state.js';

export interface TeardownResult {
  home: string;
  /** Processes stopped, e.g. { name: 'postgres', pid: 123 }. */
  stopped: { name: 'postgres' | 'redis-server' | 'pgbouncer'; pid: number }[];
  purged: boolean;
}

/** pid in <dataDir>/postmaster.pid, when a server left one (also catches servers the state file lost track of). */
async function postmasterPid(pgDataDir: string): Promise<number | undefined> {
  const text = await fs.readFile(path.join(pgDataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export async function teardownEmbedded(opts: { dataDir?: string; purge?: boolean } = {}): Promise<TeardownResult> {
  const home = resolveHome(opts.dataDir);
  const state = await readState(home).catch((err: unknown) => {
    if (opts.purge) return undefined; // a corrupt state file is purged with the rest
    throw err;
  });
  const pgDataDir = state?.pgDataDir ?? pgDataDirOf(home);
  const stopped: TeardownResult['stopped'] = [];

  // The poolers first (they hold backends); only one a killed run (or shard) left behind is still up.
  const poolerDirs = await pgbouncerDirsIn(home);
  for (const dir of poolerDirs) {
    const pgbouncerPid = await stopLeftoverPgbouncer(dir);
    if (pgbouncerPid !== undefined) stopped.push({ name: 'pgbouncer', pid: pgbouncerPid });
  }
  const redisPid = state?.running?.redis.pid;
  if (redisPid !== undefined && (await isProcessOf(redisPid, 'redis-server'))) {
    await stopRedisServer(redisPid);
    stopped.push({ name: 'redis-server', pid: redisPid });
  }
  const pgPids = new Set([state?.running?.postgres.pid, await postmasterPid(pgDataDir)].filter((p): p is number => p !== undefined));
  for (const pid of pgPids) {
    if (await isProcessOf(pid, 'postgres')) {
      await stopServer(pid);
      stopped.push({ name: 'postgres', pid });
    }
  }
  const survivors = stopped.filter((p) => isAlive(p.pid));
  if (survivors.length > 0) {
    throw new InfrastructureError(InfraCode.pgStartFailed, `Could not stop ${survivors.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}.`, {
      hint: `Stop ${survivors.length === 1 ? 'it' : 'them'} with \`kill -9 ${survivors.map((p) => p.pid).join(' ')}\`.`,
    });
  }

  if (opts.purge) {
    // Only what authbench creates: never `rm -rf` a --data-dir the user may have pointed at something else.
    for (const entry of [pgDataDir, path.join(home, 'redis'), ...poolerDirs, stateFilePath(home)]) await fs.rm(entry, { recursive: true, force: true });
    await fs.rmdir(home).catch(() => undefined);
  } else if (state?.running) {
    await writeState(home, { ...state, running: undefined });
  }
  return { home, stopped, purged: opts.purge ?? false };
}
