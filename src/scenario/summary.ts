// One-line human summary of a plan, for `authbench validate` and run headers:
// "open model, 2000/s for 60s, 3 operations, 4 thresholds".
import type { Plan } from './plan.js';
import { formatDuration, formatRate } from './units.js';

export function summarizePlan(plan: Plan): string {
  const load = plan.load;
  let model: string;
  if (load.model === 'closed') {
    const think = load.thinkTime.maxMs > 0 ? `, think ${load.thinkTime.minMs === load.thinkTime.maxMs ? formatDuration(load.thinkTime.minMs) : `${formatDuration(load.thinkTime.minMs)}..${formatDuration(load.thinkTime.maxMs)}`}` : '';
    model = `closed model, ${plural(load.vus, 'VU')} for ${formatDuration(load.durationMs)}${think}`;
  } else if (load.stages.length === 1 && load.stages[0]!.targetRate === load.startRate) {
    model = `open model, ${formatRate(load.startRate)} for ${formatDuration(load.durationMs)}`;
  } else {
    const peak = Math.max(load.startRate, ...load.stages.map((s) => s.targetRate));
    model = `open model, ${plural(load.stages.length, 'stage')} up to ${formatRate(peak)} over ${formatDuration(load.durationMs)}`;
  }
  const events = plan.events?.length ? `, ${plural(plan.events.length, 'event')}` : '';
  return `${model}, ${plural(plan.mix.length, 'operation')}${events}, ${plural(plan.thresholds.length, 'threshold')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
