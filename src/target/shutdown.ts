// Stops servers this process started when it is interrupted: Ctrl-C/SIGTERM runs the registered cleanups
// (newest first) then exits 130/143; a second Ctrl-C kills them at once; a plain exit kills what is left.
// Handlers are installed only while something is registered, so Node's default signal behaviour returns after.

export interface Cleanup {
  /** For messages: "PostgreSQL (pid 123)". */
  name: string;
  /** Orderly stop. */
  stop(): Promise<void>;
  /** Synchronous last resort (SIGKILL/SIGQUIT): used on a second Ctrl-C and on process exit. */
  killNow(): void;
}

const registered: Cleanup[] = [];
let signalsSeen = 0;
const FORCE_AFTER_MS = 20_000;

/** Registers a cleanup; returns a function that unregisters it (call it after an orderly stop). */
export function registerCleanup(cleanup: Cleanup): () => void {
  registered.push(cleanup);
  install();
  return () => {
    const at = registered.indexOf(cleanup);
    if (at >= 0) registered.splice(at, 1);
    if (registered.length === 0) uninstall();
  };
}

/** How many cleanups are pending (tests). */
export function pendingCleanups(): number {
  return registered.length;
}

function onSignal(signal: NodeJS.Signals): void {
  signalsSeen += 1;
  const exitCode = signal === 'SIGINT' ? 130 : 143;
  if (signalsSeen > 1) {
    process.stderr.write(`authbench: ${signal} again, killing ${registered.map((c) => c.name).join(', ') || 'nothing'} now.\n`);
    killAll();
    process.exit(exitCode);
  }
  process.stderr.write(`authbench: ${signal} received, stopping ${registered.map((c) => c.name).join(', ')} (press Ctrl-C again to force).\n`);
  const force = setTimeout(() => {
    killAll();
    process.exit(exitCode);
  }, FORCE_AFTER_MS);
  force.unref();
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
    process.exit(exitCode);
  })();
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

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('exit', killAll);
}
