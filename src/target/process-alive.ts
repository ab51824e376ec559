// Whether a server process is still running. A zombie (exited, not yet reaped — common for detached servers whose
// parent is gone when PID 1 reaps slowly) counts as gone, so stop/teardown do not wait for the reaper. And the one
// way a server authbench started is stopped by pid: signals of rising force, each given its share of the time.
import { readFileSync } from 'node:fs';

export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — comm may contain spaces and parentheses, so split at the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) is all we have
  }
}

/** Sends `signals` in turn (the next only if the process outlived its share of `timeoutMs`) until it is gone. */
export async function stopProcess(pid: number, signals: readonly NodeJS.Signals[], timeoutMs: number): Promise<void> {
  for (const signal of signals) {
    if (!isRunning(pid)) return;
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    const deadline = Date.now() + timeoutMs / signals.length;
    while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
