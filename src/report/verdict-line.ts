// The one-line verdict every reporter shows (`PASS — 4/4 thresholds held`, `FAIL — auth.login/db p95 < 25ms measured 31.2ms`).
// It explains the verdict already in RunResults; it never decides one.
import type { RunResults, RunVerdict } from '../results/types.js';
import type { ThresholdVerdict } from '../thresholds/types.js';
import { formatMetricValue, thresholdLabel } from './format.js';

export interface VerdictSummary {
  readonly verdict: RunVerdict;
  /** Everything after the dash: `4/4 thresholds held`. */
  readonly detail: string;
  /** `PASS — 4/4 thresholds held`. */
  readonly line: string;
}

/** `auth.login/db p95 < 25ms measured 31.2ms`. */
export function describeThreshold(v: ThresholdVerdict): string {
  const label = thresholdLabel(v);
  if (v.status === 'INCONCLUSIVE') return `${label}: ${v.reason ?? `only ${v.samples} samples`}`;
  return `${label} measured ${formatMetricValue(v.metric, v.measured)}`;
}

function moreSuffix(n: number, word: string): string {
  return n > 0 ? ` (+${n} more ${word})` : '';
}

export function summarizeVerdict(
  results: Pick<RunResults, 'verdict' | 'thresholds' | 'generator' | 'abortReason' | 'status'> & { readonly target?: Pick<RunResults['target'], 'nonDurable'> },
): VerdictSummary {
  const { verdict, thresholds } = results;
  const failed = thresholds.filter((t) => t.status === 'FAIL');
  const inconclusive = thresholds.filter((t) => t.status === 'INCONCLUSIVE');
  const held = thresholds.filter((t) => t.status === 'PASS').length;
  let detail: string;
  switch (verdict) {
    case 'PASS':
      detail = thresholds.length === 0 ? 'run completed, no thresholds defined' : `${held}/${thresholds.length} thresholds held`;
      break;
    case 'FAIL':
      detail = failed[0]
        ? `${describeThreshold(failed[0])}${moreSuffix(failed.length - 1, 'failed')}`
        : `${thresholds.length - held}/${thresholds.length} thresholds did not hold`;
      break;
    case 'INCONCLUSIVE':
      detail = inconclusive[0]
        ? `${describeThreshold(inconclusive[0])}${moreSuffix(inconclusive.length - 1, 'inconclusive')}`
        : 'too few samples to judge';
      break;
    case 'INVALID': {
      const reasons = results.generator.invalidReasons;
      detail = reasons.length > 0 ? `the load generator could not keep up: ${reasons.join('; ')}` : 'the load generator could not keep up';
      break;
    }
    case 'ABORTED':
      detail = results.abortReason ? `run stopped early: ${results.abortReason}` : 'run stopped early';
      break;
  }
  // A FAIL or INVALID reached before the planned end: the run was cut short by abort-on-fail (or a stop), and says so.
  if (results.status === 'aborted' && verdict !== 'ABORTED') detail = `${detail}; run cut short${results.abortReason ? `: ${results.abortReason}` : ''}`;
  const durability = nonDurableNote(results.target?.nonDurable);
  if (durability) detail = `${detail}; ${durability}`;
  return { verdict, detail, line: `${verdict} — ${detail}` };
}

/** The warning every reporter carries for a run on a server that may lose commits, or '' for a durable one. */
export function nonDurableNote(nonDurable: readonly string[] | undefined): string {
  if (!nonDurable || nonDurable.length === 0) return '';
  return `NON-DURABLE server (${nonDurable.join(', ')}): committed transactions may be lost in a crash, so these numbers do not show durable performance`;
}
