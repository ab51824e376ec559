// Validates results.json and capacity.json against the published schemas (schema/*.schema.json) with Ajv, so every
// test that writes results also checks the contract other tools read.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';

const ajv = new Ajv2020({ allErrors: true, strict: true });
// `format: date-time` is documentation here; Ajv's formats live in another package, so accept the keyword without checking.
ajv.addFormat('date-time', true);

const compiled = new Map<string, ValidateFunction>();

function validator(name: 'results' | 'capacity'): ValidateFunction {
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile(JSON.parse(fs.readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8')) as object);
    compiled.set(name, validate);
  }
  return validate;
}

/** The schema's complaints about `value` (JSON pointer + message), [] when it is valid. */
export function schemaProblems(name: 'results' | 'capacity', value: unknown): string[] {
  const validate = validator(name);
  if (validate(JSON.parse(JSON.stringify(value)))) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** Every results.json and capacity.json below `dir` checked against its schema: `file: problem` lines, [] when all hold. */
export function schemaProblemsBelow(dir: string): string[] {
  const names = { 'results.json': 'results', 'capacity.json': 'capacity' } as const;
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((relative) => {
    const kind = names[path.basename(relative) as keyof typeof names];
    if (kind === undefined) return [];
    const file = path.join(dir, relative);
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      return [`${file}: ${(err as Error).message}`];
    }
    return schemaProblems(kind, value).map((problem) => `${file}: ${problem}`);
  });
}
