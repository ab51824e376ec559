// Table-driven tests of the scenario parser: bad text in → exact located messages out; valid text → the
// expected frozen Plan with defaults filled and units converted.
import { describe, expect, it } from 'vitest';
import { formatInputIssue, InvalidInputError } from '../errors.js';
import { loadScenario, parseScenario, validateScenario } from './parse.js';
import type { OpenLoad } from './plan.js';
import { summarizePlan } from './summary.js';
import { listWords } from './did-you-mean.js';
import { OPERATION_NAMES } from './operations.js';

/** The list every unknown-operation message ends with (the catalog's own test pins the names). */
const KNOWN = `known operations: ${listWords(OPERATION_NAMES)}`;
import { MAX_UNKEPT_SHARE } from '../verdict/index.js';

const LOAD = 'load: { rate: 100/s, duration: 10s }\n';
const MIX = 'mix: [ { op: auth.login } ]\n';

/** Every issue as `line path: message` (the file is always x.yaml here). */
function problems(text: string, cores = 4): string[] {
  const result = validateScenario(text, 'x.yaml', { cores });
  if (result.ok) return [];
  return result.issues.map((i) => formatInputIssue(i).replace(/^x\.yaml:?/, ''));
}

describe('target.serverSettings', () => {
  it('passes performance settings and, with allowUnsafeSettings, the unsafe ones; unknown names never', () => {
    const text = 'target: { serverSettings: { shared_buffers: 1GB, work_mem: 8MB, jit: off, autovacuum_naptime: 10s, wal_level: replica, fsync: false } }\n' + LOAD + MIX;
    expect(problems(text)).toEqual([
      '1 target.serverSettings.fsync: weakens durability, so authbench refuses it; remove it, or pass --allow-unsafe-settings to run with it anyway (the run is then marked non-durable in every report)',
    ]);
    const plan = parseScenario(text, 'x.yaml', { cores: 4, allowUnsafeSettings: true });
    expect(plan.target.serverSettings).toEqual({ shared_buffers: '1GB', work_mem: '8MB', jit: 'off', autovacuum_naptime: '10s', wal_level: 'replica', fsync: 'off' });
    const unknown = validateScenario('target: { serverSettings: { shared_bufers: 1GB } }\n' + LOAD + MIX, 'x.yaml', { cores: 4, allowUnsafeSettings: true });
    expect(unknown.ok).toBe(false);
  });
});

describe('target.retention', () => {
  it('reads hours into ms and refuses retentions under an hour or unknown keys', () => {
    const plan = parseScenario('target: { retention: { sessions: 168h, audit: 720h } }\n' + LOAD + MIX, 'x.yaml', { cores: 4 });
    expect(plan.target.retention).toEqual({ sessionsMs: 168 * 3_600_000, auditMs: 720 * 3_600_000 });
    expect(problems('target: { retention: { sessions: 30m, audits: 1h } }\n' + LOAD + MIX)).toEqual([
      '1 target.retention.audits: unknown key; did you mean "audit"?',
      '1 target.retention.sessions: must be at least 1h (partitions are whole UTC days; a shorter retention would drop the day being written)',
    ]);
  });
});

describe('parseScenario rejects bad scenarios with exact, located messages', () => {
  const cases: Array<[string, string, string[]]> = [
    // YAML itself
    ['syntax error', 'load: { rate: 100/s\n' + MIX, ['2 yaml: Flow map in block collection must be sufficiently indented and end with a }']],
    ['bad indentation', 'load:\n  rate: 100/s\n duration: 10s\n' + MIX, ['3 yaml: All mapping items must start at the same column']],
    ['duplicate key', LOAD + LOAD + MIX, ['2 yaml: Map keys must be unique']],
    ['unknown alias', 'x: *nope\n' + LOAD + MIX, ['1 yaml: unknown alias *nope']],
    ['empty file', '', [' (file): is empty; a scenario needs at least load and mix']],
    ['only a comment', '# nothing\n', [' (file): is empty; a scenario needs at least load and mix']],
    ['a list at the top', '- a\n- b\n', ['1 (top level): expected a map of scenario fields (name, load, mix, …), got a list']],
    ['missing sections', 'name: x\n', ['1 load: required: the workload model, e.g. { model: open, rate: 2000/s, duration: 60s }', '1 mix: required: at least one operation, e.g. [ { op: auth.login } ]']],
    // unknown keys, nested, did-you-mean
    ['unknown top-level key', 'lod: 1\n' + LOAD + MIX, ['1 lod: unknown key; did you mean "load"?']],
    ['unknown nested key', 'load: { rate: 10/s, duration: 1s, warmpu: 1s }\n' + MIX, ['1 load.warmpu: unknown key; did you mean "warmup"?']],
    ['snake_case keys', 'load: { rate: 10/s, duration: 1s, graceful_stop: 1s, max_in_flight: 3 }\n' + MIX, ['1 load.graceful_stop: unknown key; did you mean "gracefulStop"?', '1 load.max_in_flight: unknown key; did you mean "maxInFlight"?']],
    ['far-off key lists the allowed ones', 'dataset: { extra: 1 }\n' + LOAD + MIX, ['1 dataset.extra: unknown key; expected one of users, seed, sessionsPerUser, revokedShare or agentShare']],
    ['misspelt enum', 'load: { model: opne, rate: 10/s, duration: 1s }\n' + MIX, ['1 load.model: expected open or closed, got "opne" (did you mean "open"?)']],
    // rates
    ['rate in words', 'load: { rate: 2000 per sec, duration: 10s }\n' + MIX, ['1 load.rate: expected a rate like 2000/s, got "2000 per sec"']],
    ['rate without unit', 'load: { rate: 2000, duration: 10s }\n' + MIX, ['1 load.rate: expected a rate like 2000/s, got 2000; write 2000/s (a number alone has no unit)']],
    ['zero rate', 'load: { rate: 0/s, duration: 10s }\n' + MIX, ['1 load.rate: must be more than 0/s, got 0/s']],
    ['negative rate', 'load: { rate: -5/s, duration: 10s }\n' + MIX, ['1 load.rate: must be more than 0/s, got -5/s']],
    ['absurd rate', 'load: { rate: 2000000/s, duration: 10s }\n' + MIX, ['1 load.rate: must be at most 1000000/s, got 2000000/s']],
    // durations
    ['zero duration', 'load: { rate: 10/s, duration: 0s }\n' + MIX, ['1 load.duration: must be more than 0s, got 0s']],
    ['duration without unit', 'load: { rate: 10/s, duration: 60 }\n' + MIX, ['1 load.duration: expected a duration like 10s or 500ms, got 60; write 60s or 60ms (a number alone has no unit)']],
    ['absurd duration', 'load: { rate: 10/s, duration: 48h }\n' + MIX, ['1 load.duration: must be at most 24h, got 48h']],
    ['negative warmup', 'load: { rate: 10/s, duration: 1s, warmup: -5s }\n' + MIX, ['1 load.warmup: must be at least 0s, got -5s']],
    ['rate without duration', 'load: { rate: 10/s }\n' + MIX, ['1 load.duration: required with load.rate, e.g. duration: 60s']],
    // open/closed structure
    ['rate and stages', 'load: { rate: 10/s, duration: 1s, stages: [ { duration: 1s, target: 5/s } ] }\n' + MIX, ['1 load.stages: use either rate (a constant rate) or stages (a ramp), not both']],
    ['duration with stages', 'load: { duration: 5s, stages: [ { duration: 1s, target: 5/s } ] }\n' + MIX, ['1 load.duration: not allowed with stages: the run lasts as long as its stages together']],
    ['stages all at zero', 'load: { stages: [ { duration: 1s, target: 0/s } ] }\n' + MIX, ['1 load.stages: every stage targets 0/s: nothing would run']],
    [
      'bad stages',
      'load:\n  stages:\n    - { duration: 1s }\n    - { duration: 0s, target: 5/s, tagret: 1 }\n    - 5\n' + MIX,
      [
        '3 load.stages[0].target: required: the rate at the end of the stage, e.g. target: 2000/s',
        '4 load.stages[1].tagret: unknown key; did you mean "target"?',
        '4 load.stages[1].duration: must be more than 0s, got 0s',
        '5 load.stages[2]: expected a stage { duration, target }, got 5',
      ],
    ],
    ['closed-model key in the open model', 'load: { rate: 10/s, duration: 1s, vus: 10 }\n' + MIX, ['1 load.vus: only for model: closed']],
    ['closed model without vus', 'load: { model: closed, duration: 10s }\n' + MIX, ['1 load.vus: required for the closed model: the number of virtual users, e.g. vus: 50']],
    [
      'closed model, fewer connections than vus, reversed think time',
      'load: { model: closed, vus: 50, connections: 10, duration: 10s, thinkTime: 50ms..10ms }\n' + MIX,
      ['1 load.connections: must be at least vus (50): each virtual user owns a connection, got 10', '1 load.thinkTime: must be a range from 0s to 60s with the lower end first, got "50ms..10ms"'],
    ],
    ['too many connections', 'load: { rate: 10/s, duration: 1s, connections: 20000 }\n' + MIX, ['1 load.connections: must be from 1 to 10000, got 20000']],
    ['zero connections', 'load: { rate: 10/s, duration: 1s, connections: 0 }\n' + MIX, ['1 load.connections: must be from 1 to 10000, got 0']],
    ['more workers than connections', 'load: { rate: 10/s, duration: 1s, connections: 2, workers: 4 }\n' + MIX, ['1 load.workers: must not be more than connections (2): each worker owns at least one connection, got 4']],
    ['workers in words', 'load: { rate: 10/s, duration: 1s, workers: many }\n' + MIX, ['1 load.workers: expected auto or a whole number, got "many"']],
    // mix and operations
    ['misspelt operation', LOAD + 'mix: [ { op: auth.lgon } ]\n', [`2 mix[0].op: unknown operation "auth.lgon" (did you mean "auth.login"?); ${KNOWN}`]],
    ['entry without op', LOAD + 'mix: [ { weight: 1 } ]\n', ['2 mix[0].op: required: the operation to run (e.g. op: auth.login), or steps for a flow']],
    ['zero weight', LOAD + 'mix: [ { op: auth.login, weight: 0 } ]\n', ['2 mix[0].weight: must be more than 0 and at most 1000000, got 0']],
    ['duplicate entry names', LOAD + 'mix: [ { op: auth.login }, { op: auth.login } ]\n', ['2 mix[1].name: "auth.login" is already the name of mix[0]; give each entry its own name']],
    [
      'bad generators',
      LOAD + 'mix: [ { op: auth.login, params: { user: "zipf(0)" } }, { op: rbac.check, params: { user: "uniform(1, 200000)", permission: "users:raed" } }, { op: user.lookup, params: { user: "zipfy(1)", usr: 1 } } ]\n',
      [
        '2 mix[0].params.user: zipf exponent must be a number more than 0 and at most 10, got 0',
        '2 mix[1].params.user: uniform value 200000 must be a whole number from 1 to 100000 (dataset.users is 100000)',
        '2 mix[1].params.permission: value "users:raed" is not one of the 37 permissions (did you mean "users:read"?)',
        '2 mix[2].params.usr: unknown key; did you mean "user"?',
        '2 mix[2].params.user: unknown generator "zipfy" (did you mean "zipf"?); expected zipf(s[, n]), uniform[(min, max)], sequential[(start, end)] or list(a, b, …)',
      ],
    ],
    [
      'more bad generators',
      LOAD + 'mix: [ { op: auth.login, params: { user: "sequential(5, 1)" } }, { op: auth.logout, params: { user: [] } }, { op: user.lookup, params: { user: "zipf(1.1" } } ]\n',
      [
        '2 mix[0].params.user: sequential start must not be more than end, got sequential(5, 1)',
        '2 mix[1].params.user: list needs at least one value',
        '2 mix[2].params.user: malformed generator "zipf(1.1"; expected zipf(s[, n]), uniform[(min, max)], sequential[(start, end)] or list(a, b, …) (inside { … } or [ … ], quote generators that contain commas)',
      ],
    ],
    [
      'bad options',
      LOAD + 'mix: [ { op: auth.login, options: { wrongPasswordShare: 5, verify: argon, maxConcurrentHashes: 0, ip: 0, rateLimt: true } } ]\n',
      [
        '2 mix[0].options.rateLimt: unknown key; did you mean "rateLimit"?',
        '2 mix[0].options.wrongPasswordShare: must be from 0% to 100% (0 to 1), got 5',
        '2 mix[0].options.verify: expected none or argon2id, got "argon"',
        '2 mix[0].options.maxConcurrentHashes: must be from 1 to 1024, got 0',
        '2 mix[0].options.ip: value 0 must be a whole number from 1 to 10000 (a pool of 10000 IPs)',
      ],
    ],
    ['sql without query', LOAD + 'mix: [ { op: sql } ]\n', ['2 mix[0].options.query: required by sql']],
    ['sql placeholder count', LOAD + 'mix: [ { op: sql, options: { query: "select $1, $2", params: [ "uniform(1, 10)" ] } } ]\n', ['2 mix[0].options.params: the query uses $1..$2 but 1 param is given']],
    [
      'unquoted generator with a comma inside { }',
      LOAD + 'mix: [ { op: auth.login, params: { user: uniform(1, 10) } } ]\n',
      [
        '2 mix[0].params["10)"]: unknown key; inside { … } a generator with commas must be quoted, e.g. { user: "uniform(1, 10)" }',
        '2 mix[0].params.user: malformed generator "uniform(1"; expected zipf(s[, n]), uniform[(min, max)], sequential[(start, end)] or list(a, b, …) (inside { … } or [ … ], quote generators that contain commas)',
      ],
    ],
    ['redis params go in args', LOAD + 'mix: [ { op: redis, params: { x: 1 }, options: { command: GET } } ]\n', ['2 mix[0].params: redis takes no params (use options.args)']],
    [
      'flows',
      LOAD + 'mix:\n  - name: flow\n    params: { user: 1 }\n    steps:\n      - { op: auth.login }\n      - { op: auth.login, name: again }\n      - { op: nope }\n',
      [
        '4 mix[0].params: with steps, put params on each step',
        '7 mix[0].steps[1].name: unknown key; expected one of op, params or options',
        `8 mix[0].steps[2].op: unknown operation "nope"; ${KNOWN}`,
      ],
    ],
    // target and dataset
    [
      'target',
      'target: { kind: external, pgUrl: "http://u:secret@h/db", redisUrl: "nope", serverSettings: { synchronous_commit: off, Shared_Buffers: 1, work_mem: [1] }, synchronousCommit: off }\n' + LOAD + MIX,
      [
        '1 target.synchronousCommit: expected true or false, got "off"',
        '1 target.pgUrl: expected a PostgreSQL URL like postgres://user:password@host:5432/db, got a http:// URL',
        '1 target.redisUrl: expected a Redis URL like redis://host:6379',
        '1 target.serverSettings.synchronous_commit: set target.synchronousCommit instead (results record it)',
        '1 target.serverSettings.Shared_Buffers: expected a PostgreSQL setting name in lower case, like shared_buffers',
        '1 target.serverSettings.work_mem: expected a setting value (text, number or boolean), got a list',
      ],
    ],
    [
      'server settings outside the allow-list',
      'target:\n  serverSettings:\n    archive_command: "touch /tmp/x"\n    listen_addresses: 0.0.0.0\n    fsync: false\n    shared_bufers: 1GB\n    wal_level: minimal\n    nonsense_setting: 1\n' + LOAD + MIX,
      [
        '3 target.serverSettings.archive_command: runs commands, so authbench refuses it; remove it, or pass --allow-unsafe-settings to run with it anyway',
        '4 target.serverSettings.listen_addresses: changes where the server listens, so authbench refuses it; remove it, or pass --allow-unsafe-settings to run with it anyway',
        '5 target.serverSettings.fsync: weakens durability, so authbench refuses it; remove it, or pass --allow-unsafe-settings to run with it anyway (the run is then marked non-durable in every report)',
        '6 target.serverSettings.shared_bufers: is not a performance setting authbench lets a scenario change; did you mean shared_buffers? (the allowed settings are listed in docs/scenarios.md)',
        '7 target.serverSettings.wal_level: weakens durability, so authbench refuses it; remove it, or pass --allow-unsafe-settings to run with it anyway (the run is then marked non-durable in every report)',
        '8 target.serverSettings.nonsense_setting: is not a performance setting authbench lets a scenario change (the allowed settings are listed in docs/scenarios.md)',
      ],
    ],
    ['URL with an embedded target', 'target: { pgUrl: "postgres://u:p@h/db" }\n' + LOAD + MIX, ['1 target.pgUrl: only with kind: external (authbench starts its own servers for kind: embedded)']],
    [
      'pooler settings',
      'target:\n  pooler: pgbounce\n  poolerPoolSize: 0\n' + LOAD + MIX,
      ['2 target.pooler: expected pgbouncer, got "pgbounce" (did you mean "pgbouncer"?)', '3 target.poolerPoolSize: must be from 1 to 1000, got 0'],
    ],
    ['a pool size without a pooler', 'target:\n  poolerPoolSize: 20\n' + LOAD + MIX, ['2 target.poolerPoolSize: only with pooler: pgbouncer (it sizes the pooler\'s server connections)']],
    [
      'a pooler on an external target',
      'target:\n  kind: external\n  pooler: pgbouncer\n' + LOAD + MIX,
      ['3 target.pooler: only with kind: embedded for now (authbench starts PgBouncer next to the servers it starts; for kind: external, point target.pgUrl at your pooler)'],
    ],
    [
      'client connections without a pooler',
      LOAD + MIX + 'thresholds:\n  run:\n    - connections(client) >= 750\n',
      ['5 thresholds.run: "connections(client) >= 750" counts client connections at the pooler, and this target has none; add target.pooler: pgbouncer or count server backends with "connections"'],
    ],
    [
      'dataset bounds',
      'dataset: { users: 0, seed: -1, sessionsPerUser: 100, revokedShare: 150%, agentShare: five }\n' + LOAD + MIX,
      [
        '1 dataset.users: must be from 1 to 100000000, got 0',
        '1 dataset.seed: must be from 0 to 4294967295, got -1',
        '1 dataset.sessionsPerUser: must be from 0 to 50, got 100',
        '1 dataset.revokedShare: must be from 0% to 100% (0 to 1), got 150%',
        '1 dataset.agentShare: expected a ratio like 5% or 0.05, got "five"',
      ],
    ],
    // thresholds
    [
      'thresholds on unknown operations',
      LOAD + MIX + 'thresholds: { auth.logn: [ "p95 < 1ms" ], session.validate: [ "p95 < 1ms" ], foo: [ "p95 < 1ms" ] }\n',
      [
        '3 thresholds["auth.logn"]: unknown operation "auth.logn" (did you mean "auth.login"?); the mix has auth.login',
        '3 thresholds["session.validate"]: session.validate is not in the mix; the mix has auth.login',
        `3 thresholds.foo: unknown operation "foo"; ${KNOWN}; the mix has auth.login`,
      ],
    ],
    ['threshold on an unknown phase', LOAD + MIX + 'thresholds: { auth.login/dbb: [ "p95 < 1ms" ] }\n', ['3 thresholds["auth.login/dbb"]: unknown phase of auth.login: "dbb" (did you mean "db"?); expected ratelimit, db, verify, sign or cache']],
    ['phase of an operation without phases', LOAD + 'mix: [ { op: user.lookup } ]\nthresholds: { user.lookup/db: [ "p95 < 1ms" ] }\n', ['3 thresholds["user.lookup/db"]: user.lookup has no phases; use "user.lookup" for the whole operation']],
    [
      'thresholds and flows: results are per operation',
      LOAD + 'mix:\n  - name: flow\n    steps:\n      - { op: auth.login }\n      - { op: session.validate }\nthresholds: { session.validate/cache: [ "p95 < 1ms" ], auth.login: [ "p95 < 1ms" ], flow: [ "p95 < 1ms" ], flow/db: [ "p95 < 1ms" ], rbac.check: [ "p95 < 1ms" ] }\n',
      [
        '7 thresholds.flow: results are kept per operation and flow is a flow of auth.login and session.validate; put the threshold under one of them',
        '7 thresholds["flow/db"]: results are kept per operation and flow is a flow of auth.login and session.validate; put the threshold under one of them',
        '7 thresholds["rbac.check"]: rbac.check is not in the mix; the mix has auth.login and session.validate',
      ],
    ],
    [
      'bad threshold text and unit mismatches',
      LOAD + MIX + 'thresholds:\n  auth.login: [ "p95 < 5%", "p95 lt 5ms", "p95 == 5ms", "p95 < 5", "errors < 5", "throughput > 5ms", "connections > 5", "count > 1.5", 5, "p96 < 1ms" ]\n  run: [ "p95 < 1ms", "connections >= 750s" ]\n',
      [
        '4 thresholds["auth.login"][0]: unit mismatch: p95 is a latency (ms, s or us), got "5%"',
        '4 thresholds["auth.login"][1]: expected a threshold like "p95 < 25ms" (metric, comparator, value), got "p95 lt 5ms"',
        '4 thresholds["auth.login"][2]: unknown comparator "==" in "p95 == 5ms"; expected <, <=, > or >=',
        '4 thresholds["auth.login"][3]: p95 is a latency and needs a time unit (ms, s or us), e.g. "p95 < 5ms", got "5"',
        '4 thresholds["auth.login"][4]: errors is a ratio from 0 to 1 (or a percentage like 5%), got "5"',
        '4 thresholds["auth.login"][5]: unit mismatch: throughput is a rate (/s or /m), got "5ms"',
        '4 thresholds["auth.login"][6]: connections is measured for the whole run (server side); put it under run',
        '4 thresholds["auth.login"][7]: count is a whole number, got "1.5"',
        '4 thresholds["auth.login"][8]: expected a threshold like "p95 < 25ms", got 5',
        '4 thresholds["auth.login"][9]: unknown metric "p96"; expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count',
        '5 thresholds.run[0]: p95 is measured per operation, not for the whole run; put it under an operation or phase such as auth.login or auth.login/db',
        '5 thresholds.run[1]: unit mismatch: connections is a plain count, got "750s"',
      ],
    ],
    [
      'threshold object form',
      LOAD + MIX + 'thresholds:\n  auth.login:\n    - { threshold: "p99 < 1s", grace: 5s, minSamples: -1, abortOnFial: true }\n    - { abortOnFail: true }\n',
      [
        '5 thresholds["auth.login"][0].abortOnFial: unknown key; did you mean "abortOnFail"?',
        '5 thresholds["auth.login"][0].minSamples: must be from 0 to 1000000000, got -1',
        '5 thresholds["auth.login"][0].grace: only with abortOnFail: true (it delays the abort)',
        '6 thresholds["auth.login"][1].threshold: required: the threshold text, e.g. threshold: "p99 < 100ms"',
      ],
    ],
    // Names of Object.prototype are names like any other: unknown, with did-you-mean still working beside them
    ...(['hasOwnProperty', 'toString', 'constructor', '__proto__', 'valueOf'].map((op): [string, string, string[]] => [
      `op: ${op}`,
      LOAD + `mix: [ { op: ${op} } ]\n`,
      [`2 mix[0].op: unknown operation "${op}"; ${KNOWN}`],
    ])),
    ['a threshold metric named constructor', LOAD + MIX + 'thresholds: { run: [ "constructor < 5" ] }\n', ['3 thresholds.run[0]: unknown metric "constructor"; expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count']],
    ['a threshold scope named toString', LOAD + MIX + 'thresholds: { toString: [ "count > 1" ] }\n', [`3 thresholds.toString: unknown operation "toString"; ${KNOWN}; the mix has auth.login`]],
    ['a near miss beside them still gets did-you-mean', LOAD + 'mix: [ { op: constructor }, { op: auth.lgin } ]\nthresholds: { run: [ "avg < 5ms" ] }\n', [
      `2 mix[0].op: unknown operation "constructor"; ${KNOWN}`,
      `2 mix[1].op: unknown operation "auth.lgin" (did you mean "auth.login"?); ${KNOWN}`,
      '3 thresholds.run[0]: unknown metric "avg" (did you mean "mean"?); expected p50, p90, p95, p99, p99.9, max, mean, errors, throughput, connections, connections(client), count',
    ]],
    ['an option named like a prototype member', LOAD + 'mix: [ { op: auth.login, options: { constructor: 1 } } ]\n', ['2 mix[0].options.constructor: unknown key; expected one of wrongPasswordShare, verify, maxConcurrentHashes, rateLimit, cacheSession, jwt, recordAcknowledged or ip']],
    // Hostile shapes: deep nesting (the YAML parser would overflow the stack), several documents, binary bytes
    ['10000-deep flow lists', LOAD + MIX + 'x: ' + '['.repeat(10_000) + ']'.repeat(10_000) + '\n', ['3 yaml: the document is too deeply nested (more than 64 levels)']],
    ['10000-deep block lists on one line', LOAD + MIX + 'x:\n  ' + '- '.repeat(10_000) + 'a\n', ['4 yaml: the document is too deeply nested (more than 64 levels)']],
    ['1400-deep indentation', LOAD + MIX + Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n', ['67 yaml: the document is too deeply nested (more than 64 levels)']],
    ['brackets inside quotes do not count', LOAD + MIX + `description: "${'['.repeat(100)}"\n`, []],
    ['a second document', LOAD + MIX + '---\n' + LOAD, ['3 yaml: a scenario is one YAML document, but a second document starts here (---); remove it or put it in its own file']],
    ['a NUL byte', LOAD + 'name: a\u0000b\n' + MIX, ['2 yaml: holds a control character (U+0000): this is not a YAML text file']],
    ['a very long value is cut in the message', `name: ${'x'.repeat(500)}\n` + LOAD + MIX, [`1 name: must be at most 100 characters, got 500`]],
    ['a very long wrong value is quoted short', `load: { rate: ${'9'.repeat(200)}x, duration: 1s }\n` + MIX, [`1 load.rate: expected a rate like 2000/s, got "${'9'.repeat(80)}"… (201 characters)`]],
    ['a threshold on a broken entry is not reported twice', LOAD + 'mix: [ { op: auth.login, weight: -1 } ]\nthresholds: { auth.login/db: [ "p95 < 1ms" ] }\n', ['2 mix[0].weight: must be more than 0 and at most 1000000, got -1']],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('reports several problems at once, each with its line, in file order', () => {
    const text = [
      'name: login',
      'load:',
      '  rate: 2000 per sec',
      '  duration: 25h',
      '  connections: 20000',
      'mix:',
      '  - op: auth.lgin',
      'thresholds:',
      '  run: [ "p95 < 5%" ]',
    ].join('\n');
    expect(problems(text)).toEqual([
      '3 load.rate: expected a rate like 2000/s, got "2000 per sec"',
      '4 load.duration: must be at most 24h, got 25h',
      '5 load.connections: must be from 1 to 10000, got 20000',
      `7 mix[0].op: unknown operation "auth.lgin" (did you mean "auth.login"?); ${KNOWN}`,
      '9 thresholds.run[0]: unit mismatch: p95 is a latency (ms, s or us), got "5%"',
    ]);
  });

  it('throws one InvalidInputError (exit 2) carrying every issue, with the file', () => {
    let error: unknown;
    try {
      parseScenario('load: { rate: 0/s, duration: 0s }\n' + MIX, 'scenarios/x.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(invalid.exitCode).toBe(2);
    expect(invalid.message).toBe('scenarios/x.yaml:1 load.rate: must be more than 0/s, got 0/s\nscenarios/x.yaml:1 load.duration: must be more than 0s, got 0s');
  });

  it('reports a missing file as input, not as a crash', async () => {
    await expect(loadScenario('/nonexistent/x.yaml')).rejects.toThrow('/nonexistent/x.yaml (file): no such file');
  });
});

describe('parseScenario builds the frozen Plan', () => {
  it('fills every default and converts units', () => {
    const plan = parseScenario(LOAD + MIX, 'scenarios/minimal.yaml', { cores: 4 });
    expect(plan).toEqual({
      name: 'minimal',
      description: '',
      source: { file: 'scenarios/minimal.yaml', text: LOAD + MIX },
      seed: 1,
      target: { kind: 'embedded', synchronousCommit: true, serverSettings: {}, allowNonEmpty: false, cache: 'warm' },
      dataset: { users: 100_000, seed: 1, sessionsPerUser: 1, revokedShare: 0.05, agentShare: 0.02 },
      load: {
        model: 'open',
        durationMs: 10_000,
        warmupMs: 10_000,
        connections: 64,
        redisConnections: 3,
        workers: 3,
        gracefulStopMs: 5_000,
        startRate: 100,
        stages: [{ durationMs: 10_000, targetRate: 100 }],
        maxInFlight: 64,
        poolTimeoutMs: 5000,
      },
      mix: [
        {
          name: 'auth.login',
          weight: 1,
          steps: [
            {
              op: 'auth.login',
              params: { user: { kind: 'uniform', min: 1, max: 100_000 } },
              options: { wrongPasswordShare: 0.05, verify: 'none', maxConcurrentHashes: 4, rateLimit: true, cacheSession: true, jwt: true, recordAcknowledged: false, ip: { kind: 'uniform', min: 1, max: 10_000 } },
            },
          ],
        },
      ],
      thresholds: [],
    });
  });

  it('is deeply frozen', () => {
    const plan = parseScenario(LOAD + MIX, 'x.yaml');
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.load)).toBe(true);
    expect(Object.isFrozen((plan.load as OpenLoad).stages[0])).toBe(true);
    expect(Object.isFrozen(plan.mix[0]!.steps[0]!.params.user)).toBe(true);
    expect(() => {
      (plan as { seed: number }).seed = 2;
    }).toThrow(TypeError);
  });

  it.each([
    [1, 64, 1],
    [2, 64, 1],
    [8, 64, 7],
    [64, 4, 4],
  ])('workers: auto with %i cores and %i connections → %i workers', (cores, connections, workers) => {
    const plan = parseScenario(`load: { rate: 10/s, duration: 1s, connections: ${connections}, workers: auto }\n` + MIX, 'x.yaml', { cores });
    expect(plan.load.workers).toBe(workers);
    expect(plan.load.redisConnections).toBe(workers);
  });

  it('reads stages (ramping open model) with startRate and per-minute rates', () => {
    const plan = parseScenario('load:\n  startRate: 120/m\n  stages: [ { duration: 30s, target: 2000/s }, { duration: 1m30s, target: 2000/s }, { duration: 500ms, target: 0/s } ]\n' + MIX, 'x.yaml');
    expect(plan.load).toMatchObject({ model: 'open', startRate: 2, durationMs: 120_500, stages: [{ durationMs: 30_000, targetRate: 2000 }, { durationMs: 90_000, targetRate: 2000 }, { durationMs: 500, targetRate: 0 }] });
    expect(summarizePlan(plan)).toBe('open model, 3 stages up to 2000/s over 120.5s, 1 operation, 0 thresholds');
  });

  it('reads the closed model (model inferred from vus), connections default to vus', () => {
    const plan = parseScenario('load: { vus: 50, duration: 1m, thinkTime: 10ms..50ms, warmup: 0 }\n' + MIX, 'x.yaml', { cores: 4 });
    expect(plan.load).toEqual({ model: 'closed', vus: 50, durationMs: 60_000, warmupMs: 0, connections: 50, redisConnections: 3, workers: 3, gracefulStopMs: 5_000, thinkTime: { minMs: 10, maxMs: 50 } });
    expect(summarizePlan(plan)).toBe('closed model, 50 VUs for 60s, think 10ms..50ms, 1 operation, 0 thresholds');
  });

  it('reads generators, options, flows and resolves threshold scopes to operations', () => {
    const text = `
load: { rate: 10/s, duration: 1s }
dataset: { users: 1000 }
mix:
  - name: login
    weight: 80
    op: auth.login
    params: { user: "zipf(1.2, 500)" }
    options: { wrongPasswordShare: 0.1, verify: argon2id, maxConcurrentHashes: 2, ip: sequential }
  - op: rbac.check
    params: { user: "uniform(1, 1000)", permission: [ users:read, 3 ] }
  - name: flow
    steps:
      - { op: auth.login, params: { user: "sequential(1, 10)" } }
      - { op: session.validate, params: { user: 7 } }
  - op: sql
    options: { query: "select $1::int, $2", params: [ "zipf(1.1)", "list(a, 'b', 3)" ], prepared: false }
  - op: redis
    options: { command: GET, args: [ "k", "uniform(1, 5)" ] }
thresholds:
  auth.login/db: [ "p95 < 25ms" ]
  login: [ "errors < 0.1%" ]
  session.validate: [ "p99 < 1s" ]
  run: [ "throughput >= 10/s", "connections >= 750" ]
`;
    const plan = parseScenario(text, 'x.yaml', { cores: 4 });
    expect(plan.mix.map((e) => e.name)).toEqual(['login', 'rbac.check', 'flow', 'sql', 'redis']);
    expect(plan.mix[0]!.steps[0]!.params.user).toEqual({ kind: 'zipf', s: 1.2, n: 500 });
    expect(plan.mix[0]!.steps[0]!.options).toMatchObject({ wrongPasswordShare: 0.1, verify: 'argon2id', maxConcurrentHashes: 2, ip: { kind: 'sequential', start: 1, end: 10_000 } });
    expect(plan.mix[1]!.steps[0]!.params.permission).toEqual({ kind: 'list', values: ['users:read', 3] });
    expect(plan.mix[2]!.steps.map((s) => [s.op, s.params.user])).toEqual([
      ['auth.login', { kind: 'sequential', start: 1, end: 10 }],
      ['session.validate', { kind: 'const', value: 7 }],
    ]);
    expect(plan.mix[3]!.steps[0]!.options).toEqual({ query: 'select $1::int, $2', params: [{ kind: 'zipf', s: 1.1, n: 1000 }, { kind: 'list', values: ['a', 'b', 3] }], prepared: false });
    expect(plan.mix[4]!.steps[0]!.options).toEqual({ command: 'GET', args: [{ kind: 'const', value: 'k' }, { kind: 'uniform', min: 1, max: 5 }] });
    expect(plan.thresholds.map((t) => [t.scope, t.line])).toEqual([
      [{ kind: 'operation', operation: 'auth.login', phase: 'db' }, 21],
      [{ kind: 'operation', operation: 'auth.login' }, 22],
      [{ kind: 'operation', operation: 'session.validate' }, 23],
      [{ kind: 'run' }, 24],
      [{ kind: 'run' }, 24],
    ]);
  });

  it('accepts the example scenarios', async () => {
    for (const file of ['scenarios/login.yaml', 'scenarios/smoke.yaml']) {
      const plan = await loadScenario(file);
      expect(plan.name).toBe(file.replace(/^scenarios\/(.*)\.yaml$/, '$1'));
    }
    expect(summarizePlan(await loadScenario('scenarios/login.yaml'))).toBe('open model, 2050/s for 60s, 1 operation, 4 thresholds');
  });

  it('smoke.yaml, the scenario CI runs, is not decided by one late arrival: a warm-up and 300 measured arrivals', async () => {
    const load = (await loadScenario('scenarios/smoke.yaml')).load as OpenLoad;
    expect(load.model).toBe('open');
    // first-touch costs (new backends' first calls, the first interval flushes) land in the warm-up
    expect(load.warmupMs).toBeGreaterThanOrEqual(2000);
    const measured = load.stages.reduce((n, s) => n + (s.targetRate * s.durationMs) / 1000, 0);
    expect(measured).toBeGreaterThanOrEqual(300);
    expect(Math.floor(measured * MAX_UNKEPT_SHARE)).toBeGreaterThanOrEqual(3);
  });
});

describe('target.pooler', () => {
  it('reads pgbouncer with its pool size, defaulting to a few dozen server connections', () => {
    const plan = parseScenario('target: { pooler: pgbouncer, poolerPoolSize: 12 }\n' + LOAD + MIX, 'x.yaml', { cores: 4 });
    expect(plan.target.pooler).toEqual({ kind: 'pgbouncer', poolSize: 12 });
    expect(parseScenario('target: { pooler: pgbouncer }\n' + LOAD + MIX, 'x.yaml', { cores: 4 }).target.pooler).toEqual({ kind: 'pgbouncer', poolSize: 40 });
    expect(parseScenario(LOAD + MIX, 'x.yaml', { cores: 4 }).target.pooler).toBeUndefined();
  });
});
