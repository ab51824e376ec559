// Reporters show scenario events: the console lists each occurrence with its impact and recovery, the HTML report
// has an events card and hands the events to the charts (which mark them on the time axis).
import { describe, expect, it } from 'vitest';
import type { EventResult } from '../../src/events/types.js';
import { renderConsole } from '../../src/report/console.js';
import { renderHtml } from '../../src/report/html.js';
import { buildRunResults } from './fixtures.js';

const figures = (p95Ms: number, errors: number) => ({ count: 400, errors, errorsByKind: errors ? { connection: errors } : {}, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms, maxMs: p95Ms });
const events: EventResult[] = [
  {
    name: 'backup', action: 'backup', occurrence: 0, plannedMs: 30_000, startMs: 30_004, endMs: 34_900, status: 'done',
    detail: { bytes: 472_000_000, throughputMBps: 98.3, walBytes: 1_200_000, backupId: 'x', files: 10, incrementalFiles: 0 },
    window: { startMs: 30_000, endMs: 36_000 }, recoveryMs: 1_100, impact: { 'auth.login': { before: figures(4.2, 0), during: figures(19.5, 3) } },
  },
  { name: 'restart', action: 'restart', occurrence: 0, plannedMs: 50_000, status: 'not-reached' },
];

describe('events in the reports', () => {
  it('console: one line per occurrence with p95 before → during, errors, recovery and the backup figures', () => {
    const text = renderConsole({ ...buildRunResults('pass'), events }, { color: false });
    expect(text).toContain('Events: 2');
    expect(text).toContain('backup (backup) planned 30.0s, ran 30.0s–34.9s — auth.login p95 4.20 → 19.5 ms, 3 errors of 400; clean again 1.1s after [472.0 MB at 98.3 MB/s, WAL 1.20 MB]');
    expect(text).toContain('restart (restart) planned 50.0s: not-reached');
  });

  it('HTML: an events card, and the events embedded for the chart marks', () => {
    const html = renderHtml({ ...buildRunResults('pass'), events });
    expect(html).toContain('<section class="card" id="events">');
    expect(html).toContain('<li class="bad">restart (restart) planned 50.0s: not-reached</li>');
    expect(html).toContain('eventsPlugin(r.events)');
  });
});
