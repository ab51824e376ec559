// Restarts, crashes and pauses of the servers the embedded target started, for scenario events: one owner of their
// current pids, so the target's cleanup always stops the server that is running now, not the one started first.
import { startServer, stopServer, type StartOptions } from './embedded-postgres.js';
import { isRunning } from './process-alive.js';
import { startRedisServer, stopRedisServer, type RedisStartOptions } from './redis-server.js';

export type LocalServer = 'postgres' | 'redis';

/** What scenario events may do to servers running on this machine (src/events/actions.ts). */
export interface LocalServerControl {
  /** `clean`: fast shutdown (PostgreSQL) / SHUTDOWN (Redis), then a start on the same port. `crash`: SIGKILL first. */
  restart(server: LocalServer, how: 'clean' | 'crash'): Promise<void>;
  /** Stops every process of the server (SIGSTOP to its process group) for `ms`, then continues it. */
  pause(server: LocalServer, ms: number): Promise<void>;
  /** Where the embedded cluster archives WAL and keeps its backups (src/backup/). */
  readonly backup: { readonly archiveDir: string; readonly catalogueDir: string; readonly dataDir: string };
}

export interface LocalServersOptions {
  readonly postgres: { readonly pid: number; readonly start: StartOptions };
  readonly redis: { readonly pid: number; readonly start: RedisStartOptions };
  readonly backup: LocalServerControl['backup'];
}

/** A crashed postmaster's backends notice its death and exit on their own; a start before that fails. */
const CRASH_START_ATTEMPTS = 20;
const CRASH_RETRY_MS = 250;

export class LocalServers implements LocalServerControl {
  postgresPid: number;
  redisPid: number;
  readonly backup: LocalServerControl['backup'];
  readonly #options: LocalServersOptions;
  readonly #paused = new Set<number>();

  constructor(options: LocalServersOptions) {
    this.#options = options;
    this.postgresPid = options.postgres.pid;
    this.redisPid = options.redis.pid;
    this.backup = options.backup;
  }

  /** One change at a time per server: a restart that began while a crash recovery was still starting would find its lock file. */
  readonly #queues = new Map<LocalServer, Promise<unknown>>();

  #serialized<T>(server: LocalServer, change: () => Promise<T>): Promise<T> {
    const next = (this.#queues.get(server) ?? Promise.resolve()).catch(() => undefined).then(change);
    this.#queues.set(server, next);
    return next;
  }

  restart(server: LocalServer, how: 'clean' | 'crash'): Promise<void> {
    return this.#serialized(server, () => this.#restart(server, how));
  }

  pause(server: LocalServer, ms: number): Promise<void> {
    return this.#serialized(server, () => this.#pause(server, ms));
  }

  async #restart(server: LocalServer, how: 'clean' | 'crash'): Promise<void> {
    if (server === 'redis') {
      if (how === 'crash') signal(this.redisPid, 'SIGKILL');
      await stopRedisServer(this.redisPid);
      this.redisPid = (await startRedisServer(this.#options.redis.start)).pid;
      return;
    }
    if (how === 'crash') {
      signal(this.postgresPid, 'SIGKILL');
      await waitGone(this.postgresPid);
    } else {
      await stopServer(this.postgresPid);
    }
    for (let attempt = 1; ; attempt += 1) {
      try {
        this.postgresPid = (await startServer(this.#options.postgres.start)).pid;
        return;
      } catch (err) {
        if (how !== 'crash' || attempt >= CRASH_START_ATTEMPTS) throw err;
        await sleep(CRASH_RETRY_MS);
      }
    }
  }

  async #pause(server: LocalServer, ms: number): Promise<void> {
    const pid = server === 'postgres' ? this.postgresPid : this.redisPid;
    // Both servers are started as process-group leaders (detached), so -pid reaches the postmaster and every backend.
    signal(-pid, 'SIGSTOP');
    this.#paused.add(pid);
    try {
      await sleep(ms);
    } finally {
      signal(-pid, 'SIGCONT');
      this.#paused.delete(pid);
    }
  }

  /** Before stopping: a paused server cannot shut down, so continue it first. */
  resumeAll(): void {
    for (const pid of this.#paused) signal(-pid, 'SIGCONT');
    this.#paused.clear();
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function waitGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid) && Date.now() < deadline) await sleep(20);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
