// Builds the JSON Schema (draft 2020-12) of scenario files from the same key lists, bounds and catalog the
// parser uses, so schema/scenario.schema.json (for editors) cannot drift from what the parser accepts.
import { SCENARIO_DEFAULTS, SCENARIO_LIMITS } from './defaults.js';
import { EVENT_ACTIONS } from './event-types.js';
import { ACTION_KEYS, EVENT_COMMON_KEYS, MAX_EVENTS } from './events-section.js';
import { LOAD_KEYS, STAGE_KEYS } from './load-section.js';
import { MIX_ENTRY_KEYS, STEP_KEYS } from './mix-section.js';
import { OPERATION_NAMES, OPERATIONS, type OptionSpec } from './operations.js';
import { DATASET_KEYS, POOLER_POOL_SIZE, RETENTION_KEYS, TARGET_KEYS, TOP_LEVEL_KEYS } from './parse.js';
import { PERFORMANCE_SETTINGS } from './server-settings.js';
import { THRESHOLD_OBJECT_KEYS } from './thresholds-section.js';

type Schema = { readonly [key: string]: unknown };

const DURATION = '^(\\d+(\\.\\d+)?(ms|us|µs|h|m|s))+$';
const RATE = '^\\d+(\\.\\d+)?\\s*/\\s*(s|m|h)$';
const PERCENT = '^(100(\\.0+)?|\\d{1,2}(\\.\\d+)?)\\s*%$';
const THRESHOLD = '^\\s*(p50|p90|p95|p99|p99\\.9|max|mean|errors|throughput|connections(\\s*\\(\\s*(client|server)\\s*\\))?|count)\\s*(<=|>=|<|>)\\s*\\d+(\\.\\d+)?\\s*(ms|us|µs|s|%|/s|/m)?\\s*$';

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });

function closedObject(keys: readonly string[], properties: Record<string, Schema>, extra: Schema = {}): Schema {
  const missing = keys.filter((k) => !(k in properties));
  if (missing.length > 0) throw new Error(`schema misses ${missing.join(', ')}`);
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

function optionSchema(option: OptionSpec): Schema {
  const description = option.description;
  switch (option.type) {
    case 'ratio':
      return { ...ref('ratio'), description, default: option.default };
    case 'enum':
      return { enum: option.values, description, default: option.default };
    case 'integer':
      return { type: 'integer', minimum: option.min, maximum: option.max, description: option.default === 'cores' ? `${description} Default: the number of cores.` : description, ...(option.default === 'cores' ? {} : { default: option.default }) };
    case 'boolean':
      return { type: 'boolean', description, default: option.default };
    case 'string':
      return { type: 'string', minLength: 1, description };
    case 'generator':
      return { ...ref('generator'), description, default: option.default };
    case 'generators':
      return { type: 'array', items: ref('generator'), description, default: option.default };
  }
}

/** Per operation: which params and options an entry (or step) with `op: <name>` may have. */
function operationRules(): Schema[] {
  return OPERATION_NAMES.map((name) => {
    const spec = OPERATIONS[name]!;
    const params = Object.fromEntries(Object.entries(spec.params).map(([p, param]) => [p, { ...ref('generator'), description: param.description, default: param.default }]));
    const options = Object.fromEntries(Object.entries(spec.options).map(([o, option]) => [o, optionSchema(option)]));
    const required = Object.entries(spec.options).filter(([, o]) => o.type === 'string').map(([o]) => o);
    return {
      if: { properties: { op: { const: name } }, required: ['op'] },
      then: {
        properties: {
          params: { type: 'object', additionalProperties: false, properties: params },
          options: { type: 'object', additionalProperties: false, properties: options, ...(required.length > 0 ? { required } : {}) },
        },
        ...(required.length > 0 ? { required: ['options'] } : {}),
      },
    };
  });
}

/** The fields each event action takes (besides name, action, at, every). */
const EVENT_FIELDS: Readonly<Record<string, Schema>> = {
  table: { type: 'string', pattern: '^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$', description: 'vacuum/analyze: one table (default: the whole database).' },
  query: { type: 'string', minLength: 1, maxLength: 10_000, description: 'sql: the statement, run as admin.' },
  count: { type: 'integer', minimum: 1, maximum: 10_000, description: 'terminate-backends: how many of the load\'s connections.' },
  users: { type: 'integer', minimum: 1, maximum: 100_000, description: 'role-change: users whose role is granted or revoked.' },
  role: { type: 'string', minLength: 1, maxLength: 100, default: 'auditor', description: 'role-change: the role.' },
  server: { enum: ['postgres', 'redis'], description: 'restart/pause: which server.' },
  duration: { $ref: '#/$defs/duration', description: 'pause: how long the server stays stopped (at most 60s).' },
  mode: { enum: ['full', 'incremental'], default: 'full', description: 'backup: a full or an incremental base backup.' },
};

/** The action fields the parser requires (the rest have defaults). */
const REQUIRED_EVENT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  sql: ['query'],
  'terminate-backends': ['count'],
  'role-change': ['users'],
  restart: ['server'],
  pause: ['server', 'duration'],
};

function eventSchema(): Schema {
  const common = {
    name: { type: 'string', pattern: '^[A-Za-z0-9][\\w-]*$', maxLength: 50, description: 'Addresses the event\'s window in thresholds (auth.login@name). Default: the action.' },
    action: { enum: EVENT_ACTIONS, description: 'What the main process runs while the load goes on (docs/scenarios.md).' },
    at: { $ref: '#/$defs/duration', description: 'First run, after the warm-up.' },
    every: { $ref: '#/$defs/duration', description: 'Repeat interval (at least 1s).' },
  };
  const keys = [...EVENT_COMMON_KEYS];
  return {
    type: 'object',
    properties: { ...common, ...EVENT_FIELDS },
    required: ['action'],
    anyOf: [{ required: ['at'] }, { required: ['every'] }],
    allOf: EVENT_ACTIONS.map((action) => {
      const own = ACTION_KEYS[action];
      return {
        if: { properties: { action: { const: action } }, required: ['action'] },
        then: { propertyNames: { enum: [...keys, ...own] }, ...(REQUIRED_EVENT_FIELDS[action] ? { required: REQUIRED_EVENT_FIELDS[action] } : {}) },
      };
    }),
  };
}

export function buildScenarioSchema(): Schema {
  const d = SCENARIO_DEFAULTS;
  const L = SCENARIO_LIMITS;
  const stepProperties = {
    op: { enum: OPERATION_NAMES, description: 'The operation (see docs/scenarios.md).' },
    params: { type: 'object', description: 'Generated parameters, e.g. { user: "zipf(1.1)" }.' },
    options: { type: 'object', description: 'Options of the operation.' },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/authbench/authbench/schema/scenario.schema.json',
    title: 'authbench scenario',
    description: 'A load scenario for authbench (docs/scenarios.md). Generated from src/scenario/json-schema.ts.',
    ...closedObject(
      TOP_LEVEL_KEYS,
      {
        name: { type: 'string', pattern: '^[A-Za-z0-9][\\w.-]*$', maxLength: 100, description: 'Names the run and its report files. Default: the file name.' },
        description: { type: 'string', description: 'What the scenario models, shown in reports.' },
        seed: { type: 'integer', minimum: 0, maximum: L.maxSeed, default: d.seed, description: 'Seed of every random choice in the run.' },
        target: closedObject(TARGET_KEYS, {
          kind: { enum: ['embedded', 'docker', 'external'], default: d.target.kind, description: 'Where PostgreSQL and Redis come from.' },
          synchronousCommit: { type: 'boolean', default: d.target.synchronousCommit, description: 'Durable commits (synchronous_commit=on).' },
          serverSettings: { type: 'object', propertyNames: { enum: [...Object.values(PERFORMANCE_SETTINGS).flat()] }, additionalProperties: { type: ['string', 'number', 'boolean'] }, description: 'Extra PostgreSQL performance settings for servers authbench starts (the allow-list; unsafe settings need --allow-unsafe-settings).' },
          pgUrl: { type: 'string', pattern: '^postgres(ql)?://', description: 'Admin PostgreSQL URL (kind: external only).' },
          redisUrl: { type: 'string', pattern: '^rediss?://', description: 'Redis URL (kind: external only).' },
          allowNonEmpty: { type: 'boolean', default: d.target.allowNonEmpty, description: 'Allow writing into a non-empty database (external).' },
          retention: closedObject(RETENTION_KEYS, {
            sessions: { ...ref('duration'), description: 'Keep session partitions this long after their day ends (at least 1h); also caps every session\'s life. Default: the database\'s 30 days.' },
            audit: { ...ref('duration'), description: 'Keep audit-event partitions this long after their day ends (at least 1h). Default: the database\'s 30 days.' },
          }),
          pooler: { enum: ['pgbouncer'], description: 'Start PgBouncer (transaction pooling, SCRAM) between the load and PostgreSQL (kind: embedded only); the workers bind unnamed statements through it.' },
          poolerPoolSize: { type: 'integer', minimum: 1, maximum: POOLER_POOL_SIZE.max, default: POOLER_POOL_SIZE.default, description: 'Server connections the pooler keeps for the load (default_pool_size); only with pooler.' },
          cache: { enum: ['warm', 'cold'], default: d.target.cache, description: 'Redis at the start of the load: warm (cacheHitRatio shares cached) or cold (authbench keys deleted, nothing warmed).' },
        }),
        dataset: closedObject(DATASET_KEYS, {
          users: { type: 'integer', minimum: 1, maximum: L.maxUsers, default: d.dataset.users },
          seed: { type: 'integer', minimum: 0, maximum: L.maxSeed, default: d.dataset.seed },
          sessionsPerUser: { type: 'number', minimum: 0, maximum: L.maxSessionsPerUser, default: d.dataset.sessionsPerUser },
          revokedShare: { ...ref('ratio'), default: d.dataset.revokedShare },
          agentShare: { ...ref('ratio'), default: d.dataset.agentShare },
        }),
        load: closedObject(LOAD_KEYS, {
          model: { enum: ['open', 'closed'], default: d.load.model, description: 'open: arrivals on a schedule (rate or stages); closed: vus looping.' },
          rate: { ...ref('rate'), description: 'Constant open model: iterations per second, e.g. 2000/s.' },
          stages: { type: 'array', minItems: 1, maxItems: L.maxStages, items: closedObject(STAGE_KEYS, { duration: ref('duration'), target: ref('rate') }, { required: ['duration', 'target'] }), description: 'Ramping open model: the rate moves linearly to each target.' },
          startRate: { ...ref('rate'), description: 'Ramping open model: the rate the first stage starts from. Default 0/s.' },
          duration: { ...ref('duration'), description: 'Measured time (not with stages).' },
          warmup: { ...ref('duration'), description: 'Unmeasured time before measuring. Default 10s.' },
          connections: { type: 'integer', minimum: 1, maximum: L.maxConnections, description: `PostgreSQL connections. Default ${d.load.connections} (closed: vus).` },
          redisConnections: { type: 'integer', minimum: 1, maximum: L.maxRedisConnections, description: 'Redis connections. Default: workers.' },
          workers: { oneOf: [{ const: 'auto' }, { type: 'integer', minimum: 1, maximum: L.maxWorkers }], default: 'auto', description: 'Worker threads; auto = max(1, cores - 1).' },
          gracefulStop: { ...ref('duration'), description: 'Time in-flight iterations may finish after the end. Default 5s.' },
          maxInFlight: { type: 'integer', minimum: 1, maximum: L.maxInFlight, description: 'Open model: iterations in flight at once; beyond it arrivals wait. Default: connections.' },
          poolTimeout: { ...ref('duration'), description: 'Open model: how long an arrival waits for a free connection before it fails as a timeout. Default 5s.' },
          vus: { type: 'integer', minimum: 1, maximum: L.maxVus, description: 'Closed model: virtual users.' },
          thinkTime: { oneOf: [ref('duration'), { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?(ms|us|µs|h|m|s))+\\s*\\.\\.\\s*(\\d+(\\.\\d+)?(ms|us|µs|h|m|s))+\\s*$' }], description: 'Closed model: pause between iterations, e.g. 10ms or 10ms..50ms.' },
        }),
        mix: {
          type: 'array',
          minItems: 1,
          maxItems: L.maxMixEntries,
          description: 'Weighted operations (or flows of steps) making up the traffic.',
          items: closedObject(
            MIX_ENTRY_KEYS,
            {
              ...stepProperties,
              name: { type: 'string', pattern: '^[A-Za-z0-9][\\w.:+-]*$', not: { const: 'run' }, description: 'Names the entry; in thresholds a single-operation entry\'s name stands for its op. Default: the op (flows: ops joined by +).' },
              weight: { type: 'number', exclusiveMinimum: 0, maximum: L.maxWeight, default: d.mixWeight },
              tag: { type: 'string', pattern: '^[A-Za-z0-9][\\w-]*$', maxLength: 50, description: 'Keeps this entry\'s results apart: its operations are recorded and scoped as op@tag (auth.login@attack).' },
              steps: {
                type: 'array',
                minItems: 1,
                maxItems: L.maxSteps,
                items: closedObject(STEP_KEYS, stepProperties, { required: ['op'], allOf: operationRules() }),
                description: 'A flow: operations run in order as one iteration.',
              },
            },
            { oneOf: [{ required: ['op'] }, { required: ['steps'] }], allOf: operationRules() },
          ),
        },
        events: { type: 'array', maxItems: MAX_EVENTS, items: eventSchema(), description: 'Operations run at set times while the load goes on: backups, checkpoints, restarts, role changes (docs/scenarios.md).' },
        thresholds: {
          type: 'object',
          description: 'Scope (run, an entry or operation, or op/phase) → thresholds, e.g. auth.login/db: ["p95 < 25ms"].',
          additionalProperties: { oneOf: [ref('threshold'), { type: 'array', items: ref('threshold') }] },
        },
      },
      { required: ['load', 'mix'] },
    ),
    $defs: {
      duration: { oneOf: [{ type: 'string', pattern: DURATION }, { const: 0 }], description: 'A duration: 500ms, 10s, 2m, 1h, 1m30s.' },
      rate: { type: 'string', pattern: RATE, description: 'A rate: 2000/s, 120/m.' },
      ratio: { oneOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'string', pattern: PERCENT }], description: 'A share: 5% or 0.05.' },
      generator: {
        oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', minItems: 1, items: { type: ['string', 'number', 'boolean'] } }],
        description: 'zipf(s[, n]), uniform(min, max), sequential[(start, end)], list(a, b, …), a YAML list, or a constant.',
      },
      threshold: {
        oneOf: [
          { type: 'string', pattern: THRESHOLD },
          closedObject(
            THRESHOLD_OBJECT_KEYS,
            {
              threshold: { type: 'string', pattern: THRESHOLD },
              abortOnFail: { type: 'boolean', default: false },
              grace: ref('duration'),
              minSamples: { type: 'integer', minimum: 0, maximum: L.maxMinSamples },
            },
            { required: ['threshold'] },
          ),
        ],
        description: 'metric comparator value, e.g. "p95 < 25ms", "errors < 0.1%", "throughput >= 2000/s", "connections >= 750".',
      },
    },
  };
}
