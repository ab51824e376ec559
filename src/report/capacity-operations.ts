// What the capacity console table and capacity.html show per step: which operations get a column, and the
// "P50 / P95 / P99" cell. Shared by both so the two views never disagree; pure, reads only the results contract.
import type { CapacityResults, CapacityStep } from '../results/capacity.js';
import { formatMsValue } from './format.js';

/** Operations shown: top-level ones and the phases the thresholds name, in first-seen order. */
export function shownOperations(r: Pick<CapacityResults, 'steps' | 'thresholds'>): string[] {
  const keys: string[] = [];
  for (const step of r.steps) {
    for (const op of step.operations) {
      const isPhase = op.key.includes('/');
      if (keys.includes(op.key)) continue;
      if (!isPhase || r.thresholds.some((t) => t.startsWith(`${op.key} `))) keys.push(op.key);
    }
  }
  return keys;
}

/** `11.5 / 14.3 / 18.3` (ms, no unit) for one operation at one step; `—` when it recorded nothing. */
export function latencyCell(step: CapacityStep, key: string): string {
  const op = step.operations.find((o) => o.key === key);
  return op && op.count > 0 ? `${formatMsValue(op.p50Ms)} / ${formatMsValue(op.p95Ms)} / ${formatMsValue(op.p99Ms)}` : '—';
}
