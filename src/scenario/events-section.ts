// Validates the `events:` section: each entry names an action, a time (`at`, `every`) and the action's own fields,
// checked against the measured window and the target, so that no event can fail for a reason the file already shows.
import { SCENARIO_LIMITS } from './defaults.js';
import { listWords } from './did-you-mean.js';
import { EVENT_ACTIONS, LOCAL_SERVER_ACTIONS, type EventAction, type EventSpec, type PlanEvent } from './event-types.js';
import { childPath, describe, type Issues, type MapReader, readDuration, readEnum, readInteger, readMap, readString } from './fields.js';
import type { SourceNode } from './source-tree.js';

/** Keys every event may have; the action's own keys are in ACTION_KEYS. */
export const EVENT_COMMON_KEYS: readonly string[] = ['name', 'action', 'at', 'every'];
export const ACTION_KEYS: Readonly<Record<EventAction, readonly string[]>> = {
  checkpoint: [],
  vacuum: ['table'],
  analyze: ['table'],
  'refresh-permissions': [],
  sql: ['query'],
  'terminate-backends': ['count'],
  'role-change': ['users', 'role'],
  restart: ['server'],
  crash: [],
  pause: ['server', 'duration'],
  backup: ['mode'],
};
export const MAX_EVENTS = 100;
/** No two occurrences closer than this: the windows around them would be the same seconds. */
export const MIN_EVERY_MS = 1_000;
const MAX_PAUSE_MS = 60_000;
const MAX_ROLE_CHANGE_USERS = 100_000;
const MAX_TERMINATED = 10_000;
/** An event name becomes part of threshold scopes (`auth.login@backup`): no `/`, `@` or `+`. */
const NAME_PATTERN = /^[A-Za-z0-9][\w-]*$/;
/** `users`, `auth.users`: a table name authbench quotes into VACUUM/ANALYZE, so nothing else. */
const TABLE_PATTERN = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

export interface EventContext {
  readonly targetKind: 'embedded' | 'docker' | 'external';
  readonly measuredMs: number | undefined;
  /** Mix tags: an event may not share a name with one (both would be `op@name` in thresholds). */
  readonly tags: readonly string[];
}

export function parseEvents(node: SourceNode | undefined, issues: Issues, context: EventContext): PlanEvent[] {
  if (node === undefined) return [];
  if (node.kind !== 'seq') {
    issues.add('events', node.line, `expected a list of events, e.g. [ { at: 20s, action: checkpoint } ], got ${describe(node)}`);
    return [];
  }
  if (node.items.length > MAX_EVENTS) {
    issues.add('events', node.line, `must have at most ${MAX_EVENTS} events, got ${node.items.length}`);
    return [];
  }
  const events: PlanEvent[] = [];
  const seen = new Map<string, number>();
  node.items.forEach((item, i) => {
    const path = `events[${i}]`;
    const event = parseEvent(item, path, issues, context);
    if (!event) return;
    const first = seen.get(event.name);
    if (first !== undefined) {
      const hint = item.kind === 'map' && item.entries.some((e) => e.key === 'name') ? 'give each event its own name' : `add a name (e.g. name: ${event.action}-2) to tell them apart`;
      issues.add(childPath(path, 'name'), item.line, `"${event.name}" is already the name of events[${first}]; ${hint}`);
      return;
    }
    seen.set(event.name, i);
    events.push(event);
  });
  return events;
}

function parseEvent(node: SourceNode, path: string, issues: Issues, context: EventContext): PlanEvent | undefined {
  const before = issues.count;
  if (node.kind !== 'map') {
    issues.add(path, node.line, `expected an event (a map with at or every, and action), got ${describe(node)}`);
    return undefined;
  }
  const actionNode = node.entries.find((e) => e.key === 'action')?.value;
  if (actionNode === undefined) {
    issues.add(childPath(path, 'action'), node.line, `required: one of ${listWords(EVENT_ACTIONS)}`);
    return undefined;
  }
  const action = readEnum(actionNode, childPath(path, 'action'), issues, EVENT_ACTIONS);
  const map = readMap(node, path, issues, action ? [...EVENT_COMMON_KEYS, ...ACTION_KEYS[action]] : null, 'an event');
  if (!action || !map) return undefined;
  const name = field(map, 'name', (n, p) => readName(n, p, issues)) ?? action;
  if (context.tags.includes(name)) {
    issues.add(map.child('name'), map.keyLine('name'), `"${name}" is also a mix tag, and op@${name} in thresholds could mean either; ${map.has('name') ? 'rename the event or the tag' : 'give the event a name'}`);
  }
  const atMs = field(map, 'at', (n, p) => readDuration(n, p, issues, { positive: false, maxMs: SCENARIO_LIMITS.maxDurationMs }));
  const everyMs = field(map, 'every', (n, p) => readDuration(n, p, issues, { positive: true, maxMs: SCENARIO_LIMITS.maxDurationMs }));
  if (!map.has('at') && !map.has('every')) issues.add(childPath(path, 'at'), node.line, 'required: when the event runs, e.g. at: 30s (after the warm-up) or every: 20s');
  if (everyMs !== undefined && everyMs < MIN_EVERY_MS) issues.add(map.child('every'), map.keyLine('every'), `must be at least 1s, got ${everyMs}ms`);
  const first = atMs ?? everyMs;
  if (first !== undefined && context.measuredMs !== undefined && first >= context.measuredMs) {
    const key = atMs !== undefined ? 'at' : 'every';
    issues.add(map.child(key), map.keyLine(key), `is not inside the measured window (${context.measuredMs / 1000}s after the warm-up), so the event would never run`);
  }
  if (LOCAL_SERVER_ACTIONS.includes(action) && context.targetKind !== 'embedded') {
    issues.add(map.child('action'), map.keyLine('action'), `${action} needs the servers authbench starts on this machine (target kind: embedded); target.kind is ${context.targetKind}`);
  }
  const spec = parseSpec(action, map, issues);
  if (issues.count > before || !spec || first === undefined) return undefined;
  return { ...spec, name, atMs: first, ...(everyMs === undefined ? {} : { everyMs }), ...(node.line === undefined ? {} : { line: node.line }) };
}

function parseSpec(action: EventAction, map: MapReader, issues: Issues): EventSpec | undefined {
  const required = <T>(key: string, read: (n: SourceNode, p: string) => T | undefined, example: string): T | undefined => {
    if (!map.has(key)) {
      issues.add(map.child(key), map.node.line, `required for ${action}: ${example}`);
      return undefined;
    }
    return field(map, key, read);
  };
  const server = (n: SourceNode, p: string): 'postgres' | 'redis' | undefined => readEnum(n, p, issues, ['postgres', 'redis'] as const);
  switch (action) {
    case 'checkpoint':
    case 'refresh-permissions':
    case 'crash':
      return { action };
    case 'vacuum':
    case 'analyze': {
      const table = field(map, 'table', (n, p) => readTable(n, p, issues));
      return { action, ...(table === undefined ? {} : { table }) };
    }
    case 'sql': {
      const query = required('query', (n, p) => readString(n, p, issues, { nonEmpty: true, maxLength: 10_000 }), 'query: the statement to run as admin');
      return query === undefined ? undefined : { action, query };
    }
    case 'terminate-backends': {
      const count = required('count', (n, p) => readInteger(n, p, issues, { min: 1, max: MAX_TERMINATED }), 'count: how many of the load\'s connections to terminate');
      return count === undefined ? undefined : { action, count };
    }
    case 'role-change': {
      const users = required('users', (n, p) => readInteger(n, p, issues, { min: 1, max: MAX_ROLE_CHANGE_USERS }), 'users: how many users get the role granted or revoked');
      const role = field(map, 'role', (n, p) => readString(n, p, issues, { nonEmpty: true, maxLength: 100 })) ?? 'auditor';
      return users === undefined ? undefined : { action, users, role };
    }
    case 'restart': {
      const which = required('server', server, 'server: postgres or redis');
      return which === undefined ? undefined : { action, server: which };
    }
    case 'pause': {
      const which = required('server', server, 'server: postgres or redis');
      const durationMs = required('duration', (n, p) => readDuration(n, p, issues, { positive: true, maxMs: MAX_PAUSE_MS }), 'duration: how long the server stays stopped, e.g. 2s');
      return which === undefined || durationMs === undefined ? undefined : { action, server: which, durationMs };
    }
    case 'backup': {
      const mode = field(map, 'mode', (n, p) => readEnum(n, p, issues, ['full', 'incremental'] as const)) ?? 'full';
      return { action, mode };
    }
  }
}

function field<T>(map: MapReader, key: string, read: (node: SourceNode, path: string) => T | undefined): T | undefined {
  const node = map.get(key);
  return node === undefined ? undefined : read(node, map.child(key));
}

function readName(node: SourceNode, path: string, issues: Issues): string | undefined {
  const name = readString(node, path, issues, { nonEmpty: true, maxLength: 50 });
  if (name === undefined) return undefined;
  if (!NAME_PATTERN.test(name)) {
    issues.add(path, node.line, `must start with a letter or digit and use only letters, digits, _ and - (thresholds address its window as op@name), got ${JSON.stringify(name)}`);
    return undefined;
  }
  return name;
}

function readTable(node: SourceNode, path: string, issues: Issues): string | undefined {
  const table = readString(node, path, issues, { nonEmpty: true, maxLength: 127 });
  if (table === undefined) return undefined;
  if (!TABLE_PATTERN.test(table)) {
    issues.add(path, node.line, `expected a table name like users or auth.sessions (lower case, optionally schema-qualified), got ${JSON.stringify(table)}`);
    return undefined;
  }
  return table;
}
