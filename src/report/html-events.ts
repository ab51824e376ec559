// The HTML report's events card: one row per event occurrence (when, how long, outcome, impact, recovery); the
// charts mark the same events on their time axis (html-client.ts).
import { describeEvent } from '../events/describe.js';
import type { RunResults } from '../results/types.js';
import { escapeHtml as h } from './html.js';

export function eventsCard(results: RunResults): string {
  const events = results.events ?? [];
  if (events.length === 0) return '';
  const rows = events.map((e) => `<li class="${e.status === 'done' ? '' : 'bad'}">${h(describeEvent(e))}</li>`).join('');
  return `<section class="card" id="events"><h2>Events<span class="hint">window vs the 5 s before; recovery = first clean second after</span></h2><ul class="events">${rows}</ul></section>`;
}
