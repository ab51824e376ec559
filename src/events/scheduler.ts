// Runs a plan's events at their times while the load goes on (timers on the load's start instant), records each
// occurrence's start, end and outcome, and waits for the running ones when the load ends.
import { epochNowMs } from '../load/clock.js';
import { occurrenceTimes, type PlanEvent } from '../scenario/event-types.js';
import { redactUrlsInText } from '../target/url.js';
import { runAction, type ActionContext } from './actions.js';
import type { EventRecord } from './types.js';

export interface SchedulerOptions {
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly context: ActionContext;
  readonly log?: (line: string) => void;
  /** For tests: the action runner. */
  readonly run?: typeof runAction;
}

export class EventScheduler {
  readonly #events: readonly PlanEvent[];
  readonly #options: SchedulerOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #records: EventRecord[] = [];
  readonly #running = new Map<string, Promise<void>>();
  readonly #pending = new Map<string, { event: PlanEvent; occurrence: number; plannedMs: number }>();
  #startAtMs = Number.NaN;
  #stopped = false;

  constructor(events: readonly PlanEvent[], options: SchedulerOptions) {
    this.#events = events;
    this.#options = options;
  }

  /** `startAtMs`: the load's common start instant (epoch ms), as the pool reports it. */
  start(startAtMs: number): void {
    this.#startAtMs = startAtMs;
    for (const event of this.#events) {
      const times = occurrenceTimes(event, this.#options.durationMs);
      // A flag (--duration) may have shortened the window past the event: it is reported, not silently dropped.
      if (times.length === 0) this.#records.push({ name: event.name, action: event.action, occurrence: 0, plannedMs: this.#options.warmupMs + event.atMs, status: 'not-reached' });
      times.forEach((t, occurrence) => {
        const plannedMs = this.#options.warmupMs + t;
        const key = `${event.name}#${occurrence}`;
        this.#pending.set(key, { event, occurrence, plannedMs });
        this.#arm(startAtMs + plannedMs, () => {
          this.#pending.delete(key);
          this.#fire(event, occurrence, plannedMs);
        });
      });
    }
  }

  /** Node's timers may fire up to a millisecond early against the load's clock: re-armed, an event at 0s never starts in the warm-up. */
  #arm(dueAtMs: number, fire: () => void): void {
    const delay = dueAtMs - epochNowMs();
    if (delay <= 0) return fire();
    this.#timers.push(setTimeout(() => this.#arm(dueAtMs, fire), Math.ceil(delay)));
  }

  #now(): number {
    return epochNowMs() - this.#startAtMs;
  }

  #fire(event: PlanEvent, occurrence: number, plannedMs: number): void {
    if (this.#stopped) return;
    const base = { name: event.name, action: event.action, occurrence, plannedMs };
    if (this.#running.has(event.name)) {
      this.#records.push({ ...base, status: 'skipped', error: 'its previous occurrence was still running' });
      return;
    }
    const startMs = this.#now();
    this.#options.log?.(`Event ${event.name} (${event.action}) at ${(startMs / 1000).toFixed(1)} s.`);
    const run = this.#options.run ?? runAction;
    const done = run(event, occurrence, this.#options.context).then(
      (detail) => {
        this.#records.push({ ...base, startMs, endMs: this.#now(), status: 'done', ...(Object.keys(detail).length > 0 ? { detail } : {}) });
      },
      (err: unknown) => {
        const message = redactUrlsInText(err instanceof Error ? err.message : String(err));
        this.#options.log?.(`Event ${event.name} failed: ${message}`);
        this.#records.push({ ...base, startMs, endMs: this.#now(), status: 'failed', error: message });
      },
    );
    this.#running.set(event.name, done.finally(() => this.#running.delete(event.name)));
  }

  /** No new occurrence starts; resolves when the running ones have finished. Records sorted by planned time. */
  async stop(): Promise<EventRecord[]> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    await Promise.all([...this.#running.values()]);
    for (const { event, occurrence, plannedMs } of this.#pending.values()) {
      this.#records.push({ name: event.name, action: event.action, occurrence, plannedMs, status: 'not-reached' });
    }
    this.#pending.clear();
    return [...this.#records].sort((a, b) => a.plannedMs - b.plannedMs || (a.name < b.name ? -1 : 1));
  }
}
