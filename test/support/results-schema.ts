// Validates results.json and capacity.json against the published schemas (schema/*.schema.json) with Ajv, so every
// test that writes results also checks the contract other tools read.
import fs from 'node:fs';
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
