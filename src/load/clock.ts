// One clock for every thread: epoch milliseconds with sub-millisecond precision, comparable across workers.
// performance.timeOrigin differs per thread, timeOrigin + now() does not (both are anchored to the wall clock).
import { performance } from 'node:perf_hooks';

/** Epoch ms, µs-precise, monotonic within a thread. */
export function epochNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Milliseconds → integer microseconds for histograms. */
export function msToUs(ms: number): number {
  return Math.round(ms * 1000);
}
