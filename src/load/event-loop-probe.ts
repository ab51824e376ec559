// Measures the worker's own event-loop lag with perf_hooks.monitorEventLoopDelay and hands each interval's
// distribution to the IntervalRecorder, so a generator too busy to keep its schedule is seen, not assumed away.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { IntervalRecorder } from '../metrics/interval-recorder.js';

/**
 * 5 ms sampling: each sample is how late the monitor's own timer fired, so a stall longer than the 10 ms lateness
 * bound is caught at this resolution, and 200 wake-ups per second cost nothing beside the load.
 */
const RESOLUTION_MS = 5;

export class EventLoopProbe {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  constructor(private readonly recorder: IntervalRecorder) {
    this.histogram.enable();
  }

  /**
   * Moves the samples since the last call into the recorder and resets. Node's histogram cannot be merged, so its
   * percentile points are re-binned: each point gets the share of samples between it and the previous one.
   */
  transfer(): void {
    const h = this.histogram;
    const count = h.count;
    if (count > 0) {
      let moved = 0;
      for (const [percentile, valueNs] of h.percentiles) {
        const upTo = Math.round((percentile / 100) * count);
        // Node records the whole gap between the monitor's timer firings; the lag is what exceeds the period.
        const lagUs = Math.max(0, valueNs / 1000 - RESOLUTION_MS * 1000);
        for (; moved < upTo; moved++) this.recorder.recordEventLoopLag(lagUs);
      }
    }
    h.reset();
  }

  dispose(): void {
    this.histogram.disable();
  }
}
