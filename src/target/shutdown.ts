// The one owner of SIGINT/SIGTERM in authbench. Without a taker, the first signal runs the registered cleanups
// (servers this process started, newest first) and exits 130; while a run has taken the signals over
// (`takeOverSignals`), the first one goes to the run, which stops its load, writes what it measured and disposes
// its target itself. A second signal always kills what is left at once and exits 130; a plain exit kills what is left.
// Handlers are installed only while something is registered, so Node's default signal behaviour returns after.
import { ExitCode } from '../errors.js';

export interface Cleanup {
  /** For messages: "PostgreSQL (pid 123)". */
  name: string;
  /** Orderly stop. */
  stop(): Promise<void>;
  /** Synchronous last resort (SIGKILL/SIGQUIT): used on a second Ctrl-C and on process exit. */
  killNow(): void;
}

/** Receives the first signal while it holds the signals; it must end its work and release its resources itself. */
export type SignalTaker = (signal: NodeJS.Signals) => void;

const registered: Cleanup[] = [];
const takers: SignalTaker[] = [];
let signalsSeen = 0;
/** After the first signal, the process exits by this time whatever still runs (a hung stop must not hang Ctrl-C). */
export const FORCE_EXIT_AFTER_MS = 15_000;
/** SIGINT and SIGTERM both exit 130 ("aborted", src/errors.ts): one code for scripts to test; see docs/reliability.md. */
const EXIT_CODE = ExitCode.aborted;

/** Registers a cleanup; returns a function that unregisters it (call it after an orderly stop). */
export function registerCleanup(cleanup: Cleanup): () => void {
  registered.push(cleanup);
  install();
  return () => {
    const at = registered.indexOf(cleanup);
    if (at >= 0) registered.splice(at, 1);
    uninstallWhenIdle();
  };
}

/**
 * Routes the first SIGINT/SIGTERM to `taker` instead of stopping the servers and exiting, until the returned
 * function is called. The newest taker wins. A second signal still kills the registered servers and exits.
 */
export function takeOverSignals(taker: SignalTaker): () => void {
  takers.push(taker);
  install();
  return () => {
    const at = takers.indexOf(taker);
    if (at >= 0) takers.splice(at, 1);
    uninstallWhenIdle();
  };
}

/** How many cleanups are pending (tests). */
export function pendingCleanups(): number {
  return registered.length;
}

function onSignal(signal: NodeJS.Signals): void {
  signalsSeen += 1;
  if (signalsSeen > 1) {
    process.stderr.write(`authbench: ${signal} again, exiting now without writing results${registered.length ? `; killing ${names()}` : ''}.\n`);
    killAll();
    process.exit(EXIT_CODE);
  }
  const force = setTimeout(() => {
    process.stderr.write(`authbench: still not stopped ${FORCE_EXIT_AFTER_MS / 1000} s after ${signal}; exiting${registered.length ? `, killing ${names()}` : ''}.\n`);
    killAll();
    process.exit(EXIT_CODE);
  }, FORCE_EXIT_AFTER_MS);
  force.unref();
  const taker = takers.at(-1);
  if (taker) {
    taker(signal);
    return;
  }
  process.stderr.write(`authbench: ${signal} received, stopping ${names() || 'nothing'} (press Ctrl-C again to force).\n`);
  void (async () => {
    for (const cleanup of [...registered].reverse()) {
      try {
        await cleanup.stop();
      } catch (err) {
        process.stderr.write(`authbench: could not stop ${cleanup.name}: ${(err as Error).message}\n`);
        cleanup.killNow();
      }
      const at = registered.indexOf(cleanup);
      if (at >= 0) registered.splice(at, 1);
    }
    process.exit(EXIT_CODE);
  })();
}

function names(): string {
  return registered.map((c) => c.name).join(', ');
}

function killAll(): void {
  for (const cleanup of [...registered].reverse()) {
    try {
      cleanup.killNow();
    } catch {
      // already gone
    }
  }
  registered.length = 0;
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);
}

function uninstallWhenIdle(): void {
  if (!installed || registered.length > 0 || takers.length > 0) return;
  installed = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', killAll);
}
