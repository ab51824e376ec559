// The scheduler with a stand-in action runner: occurrences fire in order with their records, one still running is
// not started twice (skipped), and what the load never reached is recorded as not-reached, never dropped.
import { describe, expect, it } from 'vitest';
import { epochNowMs } from '../load/clock.js';
import type { PlanEvent } from '../scenario/event-types.js';
import { EventScheduler } from './scheduler.js';

const context = { adminUrl: 'postgres://x@127.0.0.1/db', redisUrl: 'redis://127.0.0.1' };

describe('EventScheduler', () => {
  it('records done, failed, skipped and not-reached occurrences', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const events: PlanEvent[] = [
      { name: 'slow', action: 'checkpoint', atMs: 0, everyMs: 1000 },
      { name: 'bad', action: 'sql', query: 'x', atMs: 0 },
      { name: 'late', action: 'analyze', atMs: 50_000 },
    ];
    const scheduler = new EventScheduler(events, {
      warmupMs: 0,
      durationMs: 2500,
      context,
      run: async (event) => {
        if (event.name === 'bad') throw new Error('syntax error at or near "x" (postgres://u:secret@h/db)');
        await held;
        return { rows: 1 };
      },
    });
    scheduler.start(epochNowMs() - 1100); // the first two occurrences of `slow` are due now; the third at 2 s
    await new Promise((r) => setTimeout(r, 50));
    const stopping = scheduler.stop();
    release();
    const records = await stopping;
    expect(records.map((r) => `${r.name}#${r.occurrence} ${r.status}`)).toEqual(['bad#0 failed', 'slow#0 done', 'slow#1 skipped', 'slow#2 not-reached', 'late#0 not-reached']);
    expect(records[0]!.error).toBe('syntax error at or near "x" (postgres://u:***@h/db)');
    expect(records[1]!.detail).toEqual({ rows: 1 });
  });
});
