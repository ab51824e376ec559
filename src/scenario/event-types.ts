// The `events:` of a plan: operations (backup, checkpoint, restart, …) the main process runs at set times while the
// load goes on. Produced by the scenario parser (events-section.ts), run by src/events/, reported per event window.

/** Every action an event may run; docs/scenarios.md describes each. */
export const EVENT_ACTIONS = [
  'checkpoint',
  'vacuum',
  'analyze',
  'refresh-permissions',
  'sql',
  'terminate-backends',
  'role-change',
  'restart',
  'crash',
  'pause',
  'backup',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/** Actions that signal or restart a server process, so they need servers authbench started on this machine. */
export const LOCAL_SERVER_ACTIONS: readonly EventAction[] = ['restart', 'crash', 'pause', 'backup'];

export type EventServer = 'postgres' | 'redis';

export type EventSpec =
  | { readonly action: 'checkpoint' }
  /** `table` absent: the whole database. */
  | { readonly action: 'vacuum'; readonly table?: string }
  | { readonly action: 'analyze'; readonly table?: string }
  /** REFRESH MATERIALIZED VIEW CONCURRENTLY auth.user_permission_masks. */
  | { readonly action: 'refresh-permissions' }
  /** Any statement, run as the admin role. */
  | { readonly action: 'sql'; readonly query: string }
  /** pg_terminate_backend on `count` of the load's connections. */
  | { readonly action: 'terminate-backends'; readonly count: number }
  /** Grants `role` to `users` users who lack it and revokes it from those who hold it, then invalidates their cached masks. */
  | { readonly action: 'role-change'; readonly users: number; readonly role: string }
  /** A clean restart (PostgreSQL: fast shutdown; Redis: SHUTDOWN NOSAVE) on the same port. */
  | { readonly action: 'restart'; readonly server: EventServer }
  /** SIGKILL of the embedded postmaster, then a start (crash recovery). */
  | { readonly action: 'crash' }
  /** SIGSTOP, then SIGCONT after `durationMs`. */
  | { readonly action: 'pause'; readonly server: EventServer; readonly durationMs: number }
  /** A server-side base backup into the backup catalogue (src/backup/). */
  | { readonly action: 'backup'; readonly mode: 'full' | 'incremental' };

export type PlanEvent = EventSpec & {
  /** Unique among the events; addresses the event's window in thresholds (`auth.login@backup`). Default: the action. */
  readonly name: string;
  /** First run, ms after the end of the warm-up (the measured window's start). */
  readonly atMs: number;
  /** Repeats every `everyMs` after `atMs` until the measured window ends. */
  readonly everyMs?: number;
  /** Where the event was written, for errors raised before the load. */
  readonly line?: number;
};

/** The times (ms after the warm-up) an event runs within a measured window of `durationMs`. */
export function occurrenceTimes(event: Pick<PlanEvent, 'atMs' | 'everyMs'>, durationMs: number): number[] {
  const times: number[] = [];
  for (let t = event.atMs; t < durationMs; t += event.everyMs ?? Infinity) {
    times.push(t);
    if (event.everyMs === undefined) break;
  }
  return times;
}
