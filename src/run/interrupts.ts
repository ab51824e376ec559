// Ctrl-C / SIGTERM during a run: the first stops the load promptly and lets the run write what it measured
// (ABORTED, exit 130); a second one forces the exit at once.
export interface InterruptWatcher {
  /** The signal that stopped the run, if any. */
  readonly signal: NodeJS.Signals | undefined;
  dispose(): void;
}

export function watchInterrupts(onFirst: (signal: NodeJS.Signals) => void, write: (line: string) => void = (l) => process.stderr.write(l)): InterruptWatcher {
  let seen: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (seen !== undefined) {
      write(`authbench: ${signal} again, exiting now without writing results.\n`);
      process.exit(130);
    }
    seen = signal;
    write(`authbench: ${signal} received, stopping the load and writing what was measured (press Ctrl-C again to force).\n`);
    onFirst(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get signal() {
      return seen;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
