// Table-driven tests of the `events:` section: bad entries in → exact, line-numbered messages out; good ones → the
// plan's events in program units; event windows in threshold scopes resolve and never collide with mix tags.
import { describe, expect, it } from 'vitest';
import { formatInputIssue } from '../errors.js';
import { occurrenceTimes } from './event-types.js';
import { parseScenario, validateScenario } from './parse.js';
import { summarizePlan } from './summary.js';

const HEAD = 'load: { rate: 100/s, duration: 60s }\nmix: [ { op: auth.login } ]\n';

function problems(text: string): string[] {
  const result = validateScenario(text, 'x.yaml', { cores: 4 });
  if (result.ok) return [];
  return result.issues.map((i) => formatInputIssue(i).replace(/^x\.yaml:?/, ''));
}

describe('events: bad entries get line-numbered messages', () => {
  const cases: Array<[string, string, string[]]> = [
    ['not a list', 'events: { at: 1s }\n', ['3 events: expected a list of events, e.g. [ { at: 20s, action: checkpoint } ], got a map']],
    ['no action', 'events:\n  - at: 10s\n', ['4 events[0].action: required: one of checkpoint, vacuum, analyze, refresh-permissions, sql, terminate-backends, role-change, restart, crash, pause or backup']],
    ['misspelt action', 'events:\n  - at: 10s\n    action: chekpoint\n', ['5 events[0].action: expected checkpoint, vacuum, analyze, refresh-permissions, sql, terminate-backends, role-change, restart, crash, pause or backup, got "chekpoint" (did you mean "checkpoint"?)']],
    ['no time', 'events:\n  - action: checkpoint\n', ['4 events[0].at: required: when the event runs, e.g. at: 30s (after the warm-up) or every: 20s']],
    ['a key of another action', 'events:\n  - at: 10s\n    action: checkpoint\n    table: users\n', ['6 events[0].table: unknown key; expected one of name, action, at or every']],
    ['misspelt key', 'events:\n  - at: 10s\n    action: vacuum\n    tabel: users\n', ['6 events[0].tabel: unknown key; did you mean "table"?']],
    ['after the window', 'events:\n  - at: 60s\n    action: checkpoint\n', ['4 events[0].at: is not inside the measured window (60s after the warm-up), so the event would never run']],
    ['every too short', 'events:\n  - every: 500ms\n    action: checkpoint\n', ['4 events[0].every: must be at least 1s, got 500ms']],
    ['sql without query', 'events:\n  - at: 5s\n    action: sql\n', ['4 events[0].query: required for sql: query: the statement to run as admin']],
    ['pause without duration', 'events:\n  - at: 5s\n    action: pause\n    server: redis\n', ['4 events[0].duration: required for pause: duration: how long the server stays stopped, e.g. 2s']],
    ['restart of an unknown server', 'events:\n  - at: 5s\n    action: restart\n    server: mysql\n', ['6 events[0].server: expected postgres or redis, got "mysql"']],
    ['bad table', 'events:\n  - at: 5s\n    action: vacuum\n    table: "users; drop table x"\n', ['6 events[0].table: expected a table name like users or auth.sessions (lower case, optionally schema-qualified), got "users; drop table x"']],
    ['two unnamed of one action', 'events:\n  - at: 5s\n    action: checkpoint\n  - at: 9s\n    action: checkpoint\n', ['6 events[1].name: "checkpoint" is already the name of events[0]; add a name (e.g. name: checkpoint-2) to tell them apart']],
    ['bad name', 'events:\n  - at: 5s\n    name: a@b\n    action: checkpoint\n', ['5 events[0].name: must start with a letter or digit and use only letters, digits, _ and - (thresholds address its window as op@name), got "a@b"']],
    ['crash on an external target', 'target: { kind: external, pgUrl: "postgres://u:p@h/db", redisUrl: "redis://h" }\nevents:\n  - at: 5s\n    action: crash\n', ['6 events[0].action: crash needs the servers authbench starts on this machine (target kind: embedded); target.kind is external']],
  ];
  it.each(cases)('%s', (_, events, expected) => {
    expect(problems(HEAD + events)).toEqual(expected);
  });

  it('refuses an event named like a mix tag, and an abort-on-fail threshold on an event window', () => {
    const text = 'load: { rate: 100/s, duration: 60s }\nmix: [ { op: auth.login, tag: backup } ]\nevents:\n  - at: 5s\n    action: backup\n';
    expect(problems(text)).toEqual(['4 events[0].name: "backup" is also a mix tag, and op@backup in thresholds could mean either; give the event a name']);
    const abort = HEAD + 'events: [ { at: 5s, action: checkpoint } ]\nthresholds:\n  auth.login@checkpoint:\n    - { threshold: "p95 < 50ms", abortOnFail: true }\n';
    expect(problems(abort)).toEqual(['6 thresholds["auth.login@checkpoint"][0].threshold: abortOnFail cannot judge an event window (checkpoint) before the run ends; remove it or put the threshold under auth.login']);
  });
});

describe('events: valid entries', () => {
  it('become plan events in ms after the warm-up, with defaults', () => {
    const plan = parseScenario(
      HEAD +
        'events:\n  - { at: 20s, action: backup }\n  - { at: 50s, name: incr, action: backup, mode: incremental }\n  - { every: 15s, action: checkpoint }\n  - { at: 3s, every: 10s, action: role-change, users: 50 }\n  - { at: 1s, action: pause, server: postgres, duration: 1500ms }\n',
      'x.yaml',
      { cores: 4 },
    );
    expect(plan.events?.map(({ line: _line, ...e }) => e)).toEqual([
      { action: 'backup', mode: 'full', name: 'backup', atMs: 20_000 },
      { action: 'backup', mode: 'incremental', name: 'incr', atMs: 50_000 },
      { action: 'checkpoint', name: 'checkpoint', atMs: 15_000, everyMs: 15_000 },
      { action: 'role-change', users: 50, role: 'auditor', name: 'role-change', atMs: 3_000, everyMs: 10_000 },
      { action: 'pause', server: 'postgres', durationMs: 1_500, name: 'pause', atMs: 1_000 },
    ]);
    expect(plan.events?.[0]?.line).toBe(4);
    expect(summarizePlan(plan)).toBe('open model, 100/s for 60s, 1 operation, 5 events, 0 thresholds');
    expect(occurrenceTimes(plan.events![2]!, 60_000)).toEqual([15_000, 30_000, 45_000]);
    expect(occurrenceTimes(plan.events![3]!, 60_000)).toEqual([3_000, 13_000, 23_000, 33_000, 43_000, 53_000]);
    expect(occurrenceTimes(plan.events![0]!, 60_000)).toEqual([20_000]);
  });

  it('address event windows in thresholds: op@event, op@tag@event, op@event/phase; unknown names are refused', () => {
    const text =
      'load: { rate: 100/s, duration: 60s }\nmix: [ { op: auth.login }, { op: auth.login, tag: attack } ]\nevents: [ { at: 5s, action: checkpoint } ]\n' +
      'thresholds:\n  auth.login@checkpoint: ["p95 < 50ms"]\n  auth.login@attack@checkpoint: ["errors < 2%"]\n  auth.login@checkpoint/db: ["p99 < 80ms"]\n  auth.login@attack: ["p95 < 9ms"]\n';
    const plan = parseScenario(text, 'x.yaml', { cores: 4 });
    expect(plan.thresholds.map((t) => t.scope)).toEqual([
      { kind: 'operation', operation: 'auth.login', event: 'checkpoint' },
      { kind: 'operation', operation: 'auth.login@attack', event: 'checkpoint' },
      { kind: 'operation', operation: 'auth.login', phase: 'db', event: 'checkpoint' },
      { kind: 'operation', operation: 'auth.login@attack' },
    ]);
    expect(problems(text.replace('auth.login@checkpoint:', 'auth.login@chekpoint:'))).toEqual([
      '5 thresholds["auth.login@chekpoint"]: "chekpoint" is neither a mix tag nor an event name (did you mean "checkpoint"?); tags in the mix: attack; events: checkpoint',
    ]);
  });
});
