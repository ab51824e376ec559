// Builds the JSON Schemas (draft 2020-12) of results.json and capacity.json, published in schema/ for the tools
// that read them. Written beside the types they describe; src/results/json-schema.test.ts keeps the files current.
import { CAPACITY_SCHEMA_VERSION } from './capacity.js';
import { ERROR_KINDS, RESULTS_SCHEMA_VERSION, RUN_STATUSES, RUN_VERDICTS } from './types.js';

type Schema = { readonly [key: string]: unknown };

const num: Schema = { type: 'number' };
const int: Schema = { type: 'integer', minimum: 0 };
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const ratio: Schema = { type: 'number', minimum: 0, maximum: 1 };
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const oneOf = (values: readonly (string | number)[]): Schema => ({ enum: [...values] });
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const mapOf = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });

/** A closed object: every field the type has, the required ones listed, nothing else (a new field updates the schema). */
/** An object whose fields another module types and documents. */
function section(description: string): Schema {
  return { type: 'object', description };
}

function obj(required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema {
  return { type: 'object', additionalProperties: false, required: Object.keys(required), properties: { ...required, ...optional } };
}

const errors = obj({}, Object.fromEntries(ERROR_KINDS.map((k) => [k, int])));

const latency = obj(Object.fromEntries(['count', 'minMs', 'meanMs', 'stdDevMs', 'p50Ms', 'p90Ms', 'p95Ms', 'p99Ms', 'p999Ms', 'maxMs'].map((k) => [k, k === 'count' ? int : num])));

const operation = obj(
  {
    key: str,
    operation: str,
    count: int,
    errors,
    outcomes: mapOf(int),
    throughputPerSec: num,
    latency: ref('latency'),
    service: ref('latency'),
    latencyHistogram: { type: 'string', description: 'Base64 compressed HDR histogram of latency in µs.' },
    serviceHistogram: str,
  },
  { phase: str },
);

const intervalOperation = obj({ count: int, errors, p50Ms: num, p95Ms: num, p99Ms: num, maxMs: num });

const interval = obj(
  { startMs: num, endMs: num, warmup: bool, achievedRate: num, dropped: int, inFlight: int, operations: mapOf(ref('intervalOperation')), eventLoopLagMaxMs: num },
  { targetRate: num, queued: int, poolTimeouts: int, serverConnections: int, serverActiveConnections: int, poolerClients: int },
);

const generator = obj(
  {
    scheduled: int,
    started: int,
    dropped: int,
    late: int,
    latenessBoundMs: num,
    scheduleLagP99Ms: num,
    scheduleLagMaxMs: num,
    eventLoopLagP99Ms: num,
    eventLoopLagMaxMs: num,
    valid: bool,
    invalidReasons: arr(str),
  },
  { queued: int, poolTimeouts: int },
);

const server = obj(
  {
    connectionsPeak: int,
    activeConnectionsPeak: int,
    statements: arr(obj({ query: str, calls: int, totalMs: num, meanMs: num, rows: int })),
    bufferHitRatio: nullable(ratio),
    commits: int,
    rollbacks: int,
    redis: nullable(
      obj(
        { keyspaceHits: int, keyspaceMisses: int, hitRatio: nullable(ratio), commandsProcessed: int },
        { gaps: obj({ serverChanges: int, lostAtEnd: bool }) },
      ),
    ),
  },
  {
    connectionSamples: int,
    connectionSamplingError: str,
    pooler: obj(
      { kind: oneOf(['pgbouncer']), poolSize: int, mode: oneOf(['transaction']), clientConnectionsPeak: int, clientsWaitingPeak: int, serverConnectionsPeak: int, clientSamples: int },
      { samplingError: str, serverTransport: oneOf(['unix-socket', 'tcp-tls', 'tcp']) },
    ),
  },
);

const thresholdVerdict = obj(
  {
    source: str,
    scopeKey: str,
    metric: oneOf(['p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean', 'errors', 'throughput', 'connections', 'connections(client)', 'count']),
    comparator: oneOf(['<', '<=', '>', '>=']),
    target: num,
    measured: nullable(num),
    samples: int,
    status: oneOf(['PASS', 'FAIL', 'INCONCLUSIVE']),
  },
  { reason: str },
);

const outage = (extra: Record<string, Schema>): Schema =>
  obj({ firstErrorMs: num, recoveredMs: nullable(num), downtimeMs: nullable(num), workers: int, ...extra });

const transport = oneOf(['unix-socket', 'tcp']);

/** The schema of results.json (RunResults in src/results/types.ts). */
export function buildResultsSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/authbench/authbench/schema/results.schema.json',
    title: 'authbench results',
    description: 'The results of one authbench run (docs/results.md, docs/reports.md). Generated from src/results/json-schema.ts.',
    ...obj(
      {
        schemaVersion: { const: RESULTS_SCHEMA_VERSION },
        authbench: obj({ version: str, gitCommit: nullable(str) }),
        scenario: obj({ name: str, description: str, file: str, text: str }),
        status: oneOf(RUN_STATUSES),
        startedAt: { type: 'string', format: 'date-time' },
        endedAt: { type: 'string', format: 'date-time' },
        measuredWindow: obj({ startMs: num, endMs: num }),
        load: obj({ model: oneOf(['open', 'closed']), durationMs: num, warmupMs: num, connections: int, workers: int }, { targetRate: num, vus: int }),
        target: obj(
          { kind: oneOf(['embedded', 'docker', 'external']), pgUrl: str, redisUrl: str, serverVersion: str, redisVersion: str, settings: mapOf(str) },
          { workerTransport: obj({ postgres: oneOf(['unix-socket', 'tcp', 'pgbouncer']), redis: transport }), nonDurable: arr(str) },
        ),
        dataset: obj({ users: int, seed: int, fingerprint: str, reused: bool }),
        environment: obj({ node: str, os: str, cpuModel: str, cpus: int, memoryBytes: int }),
        operations: arr(ref('operation')),
        intervals: arr(ref('interval')),
        generator,
        server: nullable(server),
        thresholds: arr(thresholdVerdict),
        verdict: oneOf(RUN_VERDICTS),
        artifacts: mapOf(str),
      },
      {
        abortReason: str,
        recovery: obj({ faults: arr(outage({ connectionErrors: int })) }, { redisFaults: arr(outage({ unavailableChecks: int })) }),
        // Sections with their own types and docs (src/series, src/diagnosis, src/events, src/results/shard.ts): checked as
        // objects here, their fields documented in docs/results.md and docs/distributed.md.
        series: section('The per-interval series of the machine and the servers (src/series/types.ts).'),
        diagnosis: section('Which resource limited the run (src/diagnosis/types.ts).'),
        events: arr(section('One occurrence of a scenario event (src/events/types.ts).')),
        shard: section('This run is one shard of a split run (src/results/shard.ts).'),
        merge: section('These results merge shards (src/results/shard.ts).'),
        outputs: arr(
          obj(
            { kind: oneOf(['prometheus-rw']), url: str, runId: str, shard: str, pushes: int, samples: int, failedPushes: int, droppedPushes: int },
            { firstError: str },
          ),
        ),
      },
    ),
    $defs: { latency, operation, intervalOperation, interval },
  };
}

const stepVerdict = oneOf(['held', 'failed', 'invalid', 'inconclusive']);

/** The schema of capacity.json (CapacityResults in src/results/capacity.ts). */
export function buildCapacitySchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/authbench/authbench/schema/capacity.schema.json',
    title: 'authbench capacity',
    description: 'What `authbench capacity` found: every step tried and the knee (docs/capacity.md). Generated from src/results/json-schema.ts.',
    ...obj(
      {
        schemaVersion: { const: CAPACITY_SCHEMA_VERSION },
        kind: { const: 'authbench-capacity' },
        scenario: obj({ name: str, file: str, description: str }),
        startedAt: { type: 'string', format: 'date-time' },
        endedAt: { type: 'string', format: 'date-time' },
        search: obj({ start: num, max: num, precision: num, growth: num, stepDurationMs: num, stepWarmupMs: num, connections: int, workers: int }),
        thresholds: arr(str),
        ignoredThresholds: arr(str),
        steps: arr(
          obj({
            index: { type: 'integer', minimum: 1 },
            rate: num,
            achievedRate: num,
            verdict: stepVerdict,
            runVerdict: oneOf(RUN_VERDICTS),
            reasons: arr(str),
            operations: arr(obj({ key: str, count: int, errorRatio: ratio, p50Ms: num, p95Ms: num, p99Ms: num })),
            results: str,
          }, { diagnosis: section('Which resource limited this step (src/diagnosis/types.ts).') }),
        ),
        knee: nullable(num),
        firstBad: nullable(obj({ rate: num, verdict: stepVerdict, reasons: arr(str) }, { diagnosis: section('Which resource limited the first step that did not hold.') })),
        end: oneOf(['precision', 'max-reached', 'nothing-held', 'step-limit', 'resolution', 'stopped']),
        summary: str,
      },
      { nonDurable: arr(str) },
    ),
  };
}
