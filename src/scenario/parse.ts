// Scenario file → validated, frozen Plan. Every problem in the file is collected (with file, line and path)
// and thrown together as one InvalidInputError (exit 2) before anything starts.
import { availableParallelism } from 'node:os';
import { basename, extname } from 'node:path';
import { InvalidInputError, type InputIssue } from '../errors.js';
import { SCENARIO_DEFAULTS, SCENARIO_LIMITS } from './defaults.js';
import { describe, Issues, type MapReader, readBoolean, readDuration, readEnum, readInteger, readMap, readNumber, readRatio, readString } from './fields.js';
import { didYouMean } from './did-you-mean.js';
import { parseEvents } from './events-section.js';
import { parseLoad } from './load-section.js';
import { parseMix } from './mix-section.js';
import { deepFreeze } from './operations.js';
import type { Plan, PlanDataset, PlanTarget } from './plan.js';
import { MAX_SCENARIO_BYTES, readScenarioSource, STDIN_LABEL } from './read-source.js';
import { classifySetting, knownSettingNames } from './server-settings.js';
import { parseYamlSource, type SourceNode } from './source-tree.js';
import { parseThresholds } from './thresholds-section.js';

export const TOP_LEVEL_KEYS: readonly string[] = ['name', 'description', 'seed', 'target', 'dataset', 'load', 'mix', 'events', 'thresholds'];
export const TARGET_KEYS: readonly string[] = ['kind', 'synchronousCommit', 'serverSettings', 'pgUrl', 'redisUrl', 'allowNonEmpty', 'cache', 'retention', 'pooler', 'poolerPoolSize'];
/** Server connections the pooler keeps per database and user: a few dozen backends serve hundreds of clients. */
export const POOLER_POOL_SIZE = { default: 40, max: 1000 } as const;
export const RETENTION_KEYS: readonly string[] = ['sessions', 'audit'];
/** A retention under an hour would drop today's partition; ten years is a typo's bound. */
const MAX_RETENTION_MS = 3650 * 86_400_000;
export const DATASET_KEYS: readonly string[] = ['users', 'seed', 'sessionsPerUser', 'revokedShare', 'agentShare'];


export interface ParseScenarioOptions {
  /** Core count for `workers: auto` and `maxConcurrentHashes`; default os.availableParallelism(). */
  readonly cores?: number;
  /** `--allow-unsafe-settings`: let target.serverSettings hold settings that run commands, load code, change where the server listens or weaken durability. */
  readonly allowUnsafeSettings?: boolean;
}

export type ScenarioValidation = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: readonly InputIssue[] };

/** Reads and validates a scenario file (`-`: standard input). Throws InvalidInputError with every issue. */
export async function loadScenario(file: string, options: ParseScenarioOptions = {}): Promise<Plan> {
  const source = await readScenarioSource(file);
  return parseScenario(source.text, source.file, options);
}

/** Validates scenario text. Throws InvalidInputError with every issue. */
export function parseScenario(text: string, file: string, options: ParseScenarioOptions = {}): Plan {
  const result = validateScenario(text, file, options);
  if (!result.ok) throw new InvalidInputError(result.issues);
  return result.plan;
}

/** Validates scenario text without throwing (for `authbench validate` and editors). */
export function validateScenario(text: string, file: string, options: ParseScenarioOptions = {}): ScenarioValidation {
  const issues = new Issues(file);
  if (Buffer.byteLength(text, 'utf8') > MAX_SCENARIO_BYTES) {
    issues.add('(file)', undefined, `is larger than ${MAX_SCENARIO_BYTES} bytes; a scenario is a short YAML file`);
    return { ok: false, issues: issues.list };
  }
  const source = parseYamlSource(text, file);
  if (source.issues.length > 0) return { ok: false, issues: source.issues };
  if (source.root === undefined) {
    issues.add('(file)', undefined, 'is empty; a scenario needs at least load and mix');
    return { ok: false, issues: issues.list };
  }
  const plan = buildPlan(source.root, text, file, issues, { ...options, cores: options.cores ?? availableParallelism() });
  if (plan && issues.count === 0) return { ok: true, plan };
  // In file order, so the list reads top to bottom like the file (the sort is stable within a line).
  return { ok: false, issues: [...issues.list].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)) };
}

function buildPlan(root: SourceNode, text: string, file: string, issues: Issues, options: ParseScenarioOptions & { cores: number }): Plan | undefined {
  const cores = options.cores;
  const map = readMap(root, '', issues, TOP_LEVEL_KEYS, 'a map of scenario fields (name, load, mix, …)');
  if (!map) return undefined;
  const line = root.line;
  const get = <T>(key: string, read: (node: SourceNode, path: string) => T | undefined): T | undefined => {
    const node = map.get(key);
    return node === undefined ? undefined : read(node, key);
  };

  const name = get('name', (n, p) => readScenarioName(n, p, issues)) ?? defaultName(file);
  const description = get('description', (n, p) => readString(n, p, issues)) ?? '';
  const seed = get('seed', (n, p) => readInteger(n, p, issues, { min: 0, max: SCENARIO_LIMITS.maxSeed })) ?? SCENARIO_DEFAULTS.seed;
  const target = parseTarget(map.get('target'), issues, options.allowUnsafeSettings ?? false);
  const dataset = parseDataset(map.get('dataset'), issues);
  const load = parseLoad(map.get('load'), line, issues, cores);
  const mix = parseMix(map.get('mix'), line, issues, { datasetUsers: dataset?.users ?? SCENARIO_DEFAULTS.dataset.users, cores });
  const tags = [...new Set(mix.entries.flatMap((e) => (e.tag === undefined ? [] : [e.tag])))];
  const events = parseEvents(map.get('events'), issues, { targetKind: target?.kind ?? SCENARIO_DEFAULTS.target.kind, measuredMs: load?.durationMs, tags });
  const thresholds = parseThresholds(map.get('thresholds'), issues, mix, events);
  if (target && !target.pooler) {
    for (const t of thresholds.filter((x) => x.metric === 'connections(client)')) {
      issues.add('thresholds.run', t.line, `"${t.source}" counts client connections at the pooler, and this target has none; add target.pooler: pgbouncer or count server backends with "connections"`);
    }
  }
  if (issues.count > 0 || !target || !dataset || !load) return undefined;
  return deepFreeze({
    name,
    description,
    source: { file, text },
    seed,
    target,
    dataset,
    load,
    mix: mix.entries.map(({ name: entryName, weight, steps, tag }) => ({ name: entryName, weight, steps, ...(tag === undefined ? {} : { tag }) })),
    ...(events.length > 0 ? { events } : {}),
    thresholds,
  });
}

function defaultName(file: string): string {
  if (file === STDIN_LABEL) return 'stdin';
  return basename(file, extname(file)) || 'scenario';
}

function readScenarioName(node: SourceNode, path: string, issues: Issues): string | undefined {
  const name = readString(node, path, issues, { nonEmpty: true, maxLength: 100 });
  if (name !== undefined && !/^[A-Za-z0-9][\w.-]*$/.test(name)) {
    issues.add(path, node.line, `must start with a letter or digit and use only letters, digits and . _ - (it names report files), got ${JSON.stringify(name)}`);
    return undefined;
  }
  return name;
}

function field<T>(map: MapReader | undefined, key: string, read: (node: SourceNode, path: string) => T | undefined): T | undefined {
  const node = map?.get(key);
  return node === undefined || !map ? undefined : read(node, map.child(key));
}

function parseTarget(node: SourceNode | undefined, issues: Issues, allowUnsafeSettings: boolean): PlanTarget | undefined {
  const before = issues.count;
  const map = node === undefined ? undefined : readMap(node, 'target', issues, TARGET_KEYS, 'the target section (a map)');
  if (node !== undefined && !map) return undefined;
  const defaults = SCENARIO_DEFAULTS.target;
  const kind = field(map, 'kind', (n, p) => readEnum(n, p, issues, ['embedded', 'docker', 'external'] as const)) ?? defaults.kind;
  const synchronousCommit = field(map, 'synchronousCommit', (n, p) => readBoolean(n, p, issues)) ?? defaults.synchronousCommit;
  const allowNonEmpty = field(map, 'allowNonEmpty', (n, p) => readBoolean(n, p, issues)) ?? defaults.allowNonEmpty;
  const cache = field(map, 'cache', (n, p) => readEnum(n, p, issues, ['warm', 'cold'] as const)) ?? defaults.cache;
  const pgUrl = field(map, 'pgUrl', (n, p) => readUrl(n, p, issues, ['postgres:', 'postgresql:'], 'a PostgreSQL URL like postgres://user:password@host:5432/db'));
  const redisUrl = field(map, 'redisUrl', (n, p) => readUrl(n, p, issues, ['redis:', 'rediss:'], 'a Redis URL like redis://host:6379'));
  for (const key of ['pgUrl', 'redisUrl'] as const) {
    if (map?.has(key) && kind !== 'external') issues.add(map.child(key), map.keyLine(key), `only with kind: external (authbench starts its own servers for kind: ${kind})`);
  }
  const serverSettings = field(map, 'serverSettings', (n, p) => readServerSettings(n, p, issues, allowUnsafeSettings)) ?? {};
  const retention = field(map, 'retention', (n, p) => readRetention(n, p, issues));
  const pooler = readPooler(map, kind, issues);
  if (issues.count > before) return undefined;
  return {
    kind,
    ...(pgUrl === undefined ? {} : { pgUrl }),
    ...(redisUrl === undefined ? {} : { redisUrl }),
    synchronousCommit,
    serverSettings,
    allowNonEmpty,
    cache,
    ...(retention === undefined ? {} : { retention }),
    ...(pooler === undefined ? {} : { pooler }),
  };
}

/** `pooler: pgbouncer` (+ `poolerPoolSize`): PgBouncer in transaction pooling mode between the workers and PostgreSQL. */
function readPooler(map: MapReader | undefined, kind: PlanTarget['kind'], issues: Issues): PlanTarget['pooler'] {
  const name = field(map, 'pooler', (n, p) => readEnum(n, p, issues, ['pgbouncer'] as const));
  const poolSize = field(map, 'poolerPoolSize', (n, p) => readInteger(n, p, issues, { min: 1, max: POOLER_POOL_SIZE.max }));
  if (!map) return undefined;
  if (map.has('poolerPoolSize') && !map.has('pooler')) issues.add(map.child('poolerPoolSize'), map.keyLine('poolerPoolSize'), 'only with pooler: pgbouncer (it sizes the pooler\'s server connections)');
  if (map.has('pooler') && kind !== 'embedded') {
    issues.add(map.child('pooler'), map.keyLine('pooler'), `only with kind: embedded for now (authbench starts PgBouncer next to the servers it starts; for kind: ${kind}, point target.pgUrl at your pooler)`);
  }
  return name === undefined ? undefined : { kind: name, poolSize: poolSize ?? POOLER_POOL_SIZE.default };
}

/** `retention: { sessions: 168h, audit: 720h }`: how long partitions are kept after their day ends (sql/010). */
function readRetention(node: SourceNode, path: string, issues: Issues): PlanTarget['retention'] {
  const map = readMap(node, path, issues, RETENTION_KEYS, 'the retention (a map like { sessions: 168h, audit: 720h })');
  if (!map) return undefined;
  const bounds = { positive: true, maxMs: MAX_RETENTION_MS };
  const read = (key: string) => field(map, key, (n, p) => {
    const ms = readDuration(n, p, issues, bounds);
    if (ms !== undefined && ms < 3_600_000) {
      issues.add(p, n.line, 'must be at least 1h (partitions are whole UTC days; a shorter retention would drop the day being written)');
      return undefined;
    }
    return ms;
  });
  const sessionsMs = read('sessions');
  const auditMs = read('audit');
  return { ...(sessionsMs === undefined ? {} : { sessionsMs }), ...(auditMs === undefined ? {} : { auditMs }) };
}

/** The URL is never echoed back: it may hold a password. */
function readUrl(node: SourceNode, path: string, issues: Issues, protocols: readonly string[], expected: string): string | undefined {
  const text = readString(node, path, issues, { nonEmpty: true });
  if (text === undefined) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === undefined || !protocols.includes(protocol)) {
    issues.add(path, node.line, `expected ${expected}${protocol ? `, got a ${protocol}// URL` : ''}`);
    return undefined;
  }
  return text;
}

/**
 * PostgreSQL setting name → value, checked against the allow-list (server-settings.ts): performance settings pass;
 * unsafe ones (commands, code, listening, durability) only with `allowUnsafe`; unknown names never (with did-you-mean).
 */
function readServerSettings(node: SourceNode, path: string, issues: Issues, allowUnsafe: boolean): Record<string, string> | undefined {
  const map = readMap(node, path, issues, null, 'a map of PostgreSQL setting → value');
  if (!map) return undefined;
  // Null prototype: a setting named __proto__ is a (bad) setting name, not the object's prototype.
  const settings: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const entry of map.entries) {
    const at = map.child(entry.key);
    if (!/^[a-z_][a-z0-9_.]*$/.test(entry.key)) {
      issues.add(at, entry.keyLine, 'expected a PostgreSQL setting name in lower case, like shared_buffers');
      continue;
    }
    const value = entry.value;
    if (value.kind !== 'scalar' || value.value === null) {
      issues.add(at, value.line, `expected a setting value (text, number or boolean), got ${describe(value)}`);
      continue;
    }
    const text = typeof value.value === 'boolean' ? (value.value ? 'on' : 'off') : String(value.value);
    const problem = settingProblem(entry.key, text, allowUnsafe);
    if (problem !== undefined) {
      issues.add(at, entry.keyLine, problem);
      continue;
    }
    settings[entry.key] = text;
  }
  return settings;
}

/** Why a setting may not be used, or undefined when it may. */
function settingProblem(name: string, value: string, allowUnsafe: boolean): string | undefined {
  // wal_level replica/logical change nothing a run measures; only minimal drops what a crash recovery elsewhere needs.
  const decision = name === 'wal_level' && value.toLowerCase() !== 'minimal' ? { kind: 'allowed' as const } : classifySetting(name);
  switch (decision.kind) {
    case 'allowed':
      return undefined;
    case 'field':
      return decision.message;
    case 'unsafe': {
      if (allowUnsafe) return undefined;
      const marked = decision.reason === 'weakens durability' ? ' (the run is then marked non-durable in every report)' : '';
      return `${decision.reason}, so authbench refuses it; remove it, or pass --allow-unsafe-settings to run with it anyway${marked}`;
    }
    case 'unknown': {
      const suggestion = didYouMean(name, knownSettingNames());
      return `is not a performance setting authbench lets a scenario change${suggestion ? `; did you mean ${suggestion}?` : ''} (the allowed settings are listed in docs/scenarios.md)`;
    }
  }
}

function parseDataset(node: SourceNode | undefined, issues: Issues): PlanDataset | undefined {
  const before = issues.count;
  const map = node === undefined ? undefined : readMap(node, 'dataset', issues, DATASET_KEYS, 'the dataset section (a map)');
  if (node !== undefined && !map) return undefined;
  const d = SCENARIO_DEFAULTS.dataset;
  const dataset: PlanDataset = {
    users: field(map, 'users', (n, p) => readInteger(n, p, issues, { min: 1, max: SCENARIO_LIMITS.maxUsers })) ?? d.users,
    seed: field(map, 'seed', (n, p) => readInteger(n, p, issues, { min: 0, max: SCENARIO_LIMITS.maxSeed })) ?? d.seed,
    sessionsPerUser: field(map, 'sessionsPerUser', (n, p) => readNumber(n, p, issues, { min: 0, max: SCENARIO_LIMITS.maxSessionsPerUser })) ?? d.sessionsPerUser,
    revokedShare: field(map, 'revokedShare', (n, p) => readRatio(n, p, issues)) ?? d.revokedShare,
    agentShare: field(map, 'agentShare', (n, p) => readRatio(n, p, issues)) ?? d.agentShare,
  };
  return issues.count > before ? undefined : dataset;
}
