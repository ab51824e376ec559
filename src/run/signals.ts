// The run's side of Ctrl-C / SIGTERM. src/target/shutdown.ts owns the process's signal handlers; a run takes the
// first signal over from it, so the run stops its load, writes what it measured, and only then disposes the servers.
import { takeOverSignals } from '../target/shutdown.js';

/** The phases of a run, in order; an interrupt names the one it arrived in. */
export type RunPhase = 'provision' | 'migrate' | 'seed' | 'warm' | 'load' | 'report';

export interface RunSignals {
  /** The signal that interrupted the run, if any. */
  readonly signal: NodeJS.Signals | undefined;
  dispose(): void;
}

/**
 * While the returned handle is live, the first SIGINT/SIGTERM calls `onFirst` (which must stop the run promptly) and a
 * second one exits 130 at once, killing the servers this process started (shutdown.ts).
 */
export function watchRunSignals(onFirst: (signal: NodeJS.Signals) => void, phase: () => RunPhase, write: (line: string) => void = (l) => process.stderr.write(l)): RunSignals {
  let seen: NodeJS.Signals | undefined;
  const release = takeOverSignals((signal) => {
    seen = signal;
    const what = phase() === 'load' ? 'stopping the load and writing what was measured' : phase() === 'report' ? 'finishing the reports' : `stopping (${phase()})`;
    write(`authbench: ${signal} received, ${what} (press Ctrl-C again to force).\n`);
    onFirst(signal);
  });
  return {
    get signal() {
      return seen;
    },
    dispose: release,
  };
}
