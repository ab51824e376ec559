// Names the calling thread in the kernel (its comm), so the main thread's series can tell load workers apart in
// /proc/self/task and so can `top -H`. Node 20 leaves every thread named `node`.
import fs from 'node:fs';

/** Best effort: /proc/thread-self is Linux only; a name is at most 15 bytes. */
export function nameThisThread(name: string): void {
  try {
    fs.writeFileSync('/proc/thread-self/comm', name.slice(0, 15));
  } catch {
    // Not Linux, or /proc is read-only: the thread keeps its name and counts as `other`.
  }
}
