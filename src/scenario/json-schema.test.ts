// The shipped JSON Schema agrees with the parser: it is generated from the parser's own key lists and catalog,
// every example scenario passes both, and examples the schema can judge are accepted or rejected by both alike.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildScenarioSchema } from './json-schema.js';
import { validateScenario } from './parse.js';

const SCHEMA_FILE = 'schema/scenario.schema.json';
type Schema = Record<string, unknown>;

/**
 * A small validator for the JSON Schema keywords the scenario schema uses (no ajv in the dependencies).
 * Returns the first problem's JSON pointer, or null when the value is valid.
 */
function check(schema: Schema, value: unknown, root: Schema, at = ''): string | null {
  const fail = (why: string): string => `${at || '/'}: ${why}`;
  if (typeof schema.$ref === 'string') {
    const target = (root.$defs as Record<string, Schema>)[schema.$ref.replace('#/$defs/', '')];
    if (!target) return fail(`unresolved ${schema.$ref}`);
    const problem = check(target, value, root, at);
    if (problem) return problem;
  }
  const type = schema.type as string | string[] | undefined;
  if (type !== undefined) {
    const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    const allowed = Array.isArray(type) ? type : [type];
    if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) return fail(`expected ${allowed.join('|')}, got ${actual}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return fail('not in enum');
  if ('const' in schema && schema.const !== value) return fail('not the const');
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return fail(`does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return fail('too short');
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return fail('too long');
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) return fail('below minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) return fail('above maximum');
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return fail('not above exclusiveMinimum');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) return fail('too few items');
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return fail('too many items');
    if (schema.items) {
      for (const [i, item] of value.entries()) {
        const problem = check(schema.items as Schema, item, root, `${at}/${i}`);
        if (problem) return problem;
      }
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) if (!(key in object)) return fail(`missing ${key}`);
    for (const [key, item] of Object.entries(object)) {
      if (schema.propertyNames) {
        const problem = check(schema.propertyNames as Schema, key, root, `${at}/${key}`);
        if (problem) return problem;
      }
      const sub = properties[key] ?? (schema.additionalProperties === false ? undefined : (schema.additionalProperties as Schema | undefined));
      if (sub === undefined && schema.additionalProperties === false) return fail(`unknown key ${key}`);
      if (sub) {
        const problem = check(sub, item, root, `${at}/${key}`);
        if (problem) return problem;
      }
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const sub of schema.allOf as Schema[]) {
      const problem = check(sub, value, root, at);
      if (problem) return problem;
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((sub) => check(sub, value, root, at) === null).length;
    if (passing !== 1) return fail(`matches ${passing} of oneOf`);
  }
  if (schema.not && check(schema.not as Schema, value, root, at) === null) return fail('matches not');
  if (schema.if && check(schema.if as Schema, value, root, at) === null && schema.then) {
    const problem = check(schema.then as Schema, value, root, at);
    if (problem) return problem;
  }
  return null;
}

const schema = buildScenarioSchema() as Schema;
const schemaCheck = (text: string): string | null => check(schema, parseYaml(text) as unknown, schema);
const parserAccepts = (text: string): boolean => validateScenario(text, 'x.yaml', { cores: 2 }).ok;

describe('schema/scenario.schema.json', () => {
  it('is the generated schema (regenerate with UPDATE_SCHEMA=1 npx vitest run src/scenario/json-schema.test.ts)', () => {
    const generated = `${JSON.stringify(schema, null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });

  it('accepts every example scenario, as the parser does', () => {
    const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['login.yaml', 'smoke.yaml']));
    for (const file of files) {
      const text = readFileSync(`scenarios/${file}`, 'utf8');
      expect(parserAccepts(text), file).toBe(true);
      expect(schemaCheck(text), file).toBeNull();
    }
  });

  const LOAD = 'load: { rate: 100/s, duration: 10s }\n';
  const MIX = 'mix: [ { op: auth.login } ]\n';
  const examples: Array<[string, string, boolean]> = [
    ['minimal', LOAD + MIX, true],
    ['stages', 'load: { startRate: 10/s, stages: [ { duration: 30s, target: 2000/s } ] }\n' + MIX, true],
    ['closed', 'load: { model: closed, vus: 5, duration: 1m, thinkTime: 10ms..50ms, workers: 2 }\n' + MIX, true],
    ['every section', 'name: all\ndescription: d\nseed: 3\ntarget: { kind: external, pgUrl: "postgres://u:p@h/db", redisUrl: "redis://h:6379", serverSettings: { work_mem: 4MB }, allowNonEmpty: true }\ndataset: { users: 10, seed: 2, sessionsPerUser: 2, revokedShare: 5%, agentShare: 0.1 }\n' + LOAD + MIX, true],
    ['flow and thresholds', LOAD + 'mix:\n  - name: flow\n    weight: 2\n    steps:\n      - { op: auth.login, params: { user: "zipf(1.1)" }, options: { verify: argon2id } }\n      - { op: session.validate }\nthresholds:\n  session.validate/db: [ "p95 < 5ms", { threshold: "p99 < 1s", abortOnFail: true, grace: 5s, minSamples: 10 } ]\n  run: "connections >= 750"\n', true],
    ['sql and redis', LOAD + 'mix: [ { op: sql, options: { query: "select $1", params: [ 1 ] } }, { op: redis, options: { command: GET, args: [ k ] } } ]\n', true],
    ['unknown top-level key', 'lod: 1\n' + LOAD + MIX, false],
    ['unknown load key', 'load: { rate: 100/s, duration: 10s, warmpu: 1s }\n' + MIX, false],
    ['rate in words', 'load: { rate: 100 per second, duration: 10s }\n' + MIX, false],
    ['duration without unit', 'load: { rate: 100/s, duration: 10 }\n' + MIX, false],
    ['too many connections', 'load: { rate: 100/s, duration: 10s, connections: 10001 }\n' + MIX, false],
    ['unknown operation', LOAD + 'mix: [ { op: auth.lgin } ]\n', false],
    ['unknown option', LOAD + 'mix: [ { op: auth.login, options: { rateLimt: true } } ]\n', false],
    ['unknown param', LOAD + 'mix: [ { op: auth.login, params: { usr: 1 } } ]\n', false],
    ['bad enum option', LOAD + 'mix: [ { op: auth.login, options: { verify: bcrypt } } ]\n', false],
    ['sql without query', LOAD + 'mix: [ { op: sql } ]\n', false],
    ['op and steps missing', LOAD + 'mix: [ { weight: 1 } ]\n', false],
    ['ratio above 100%', 'dataset: { revokedShare: 150% }\n' + LOAD + MIX, false],
    ['bad threshold text', LOAD + MIX + 'thresholds: { auth.login: [ "p95 lt 5ms" ] }\n', false],
    ['threshold object without text', LOAD + MIX + 'thresholds: { auth.login: [ { abortOnFail: true } ] }\n', false],
    ['synchronous_commit as a server setting', 'target: { serverSettings: { synchronous_commit: "off" } }\n' + LOAD + MIX, false],
    ['unknown server setting', 'target: { serverSettings: { shared_bufers: 1GB } }\n' + LOAD + MIX, false],
    ['unsafe server setting', 'target: { serverSettings: { archive_command: "touch /tmp/x" } }\n' + LOAD + MIX, false],
    ['missing mix', LOAD, false],
  ];

  it.each(examples)('%s: parser and schema agree', (_name, text, valid) => {
    expect(parserAccepts(text)).toBe(valid);
    expect(schemaCheck(text) === null).toBe(valid);
  });
});
