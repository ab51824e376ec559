// One file per operation: the scenario catalog and the runtime registry are the same set, each operation lives in
// the file its name gives, and the facts the run stages read (schema, warming) come from that file.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../scenario/operations.js';
import { findOperation, operationRegistry } from './index.js';

const fileOf = (name: string): string => `${name.replace(/[.]/g, '-')}.ts`;

describe('the operations registry', () => {
  it('is the scenario catalog: the same names in the same order, with the same entries', () => {
    expect(Object.keys(OPERATIONS)).toEqual([...operationRegistry.keys()]);
    for (const [name, definition] of operationRegistry) expect(OPERATIONS[name]).toEqual({ name, ...definition.catalog });
  });

  it('has one file per operation, named after it, defining that operation', () => {
    const here = new URL('.', import.meta.url);
    for (const name of operationRegistry.keys()) {
      const text = fs.readFileSync(new URL(fileOf(name), here), 'utf8');
      expect(text, fileOf(name)).toContain(`name: '${name}'`);
    }
  });

  it('says per operation whether it needs the schema and which cache it wants warmed', () => {
    const schemaless = [...operationRegistry.values()].filter((d) => d.needsSchema === false).map((d) => d.name);
    expect(schemaless).toEqual(['sql', 'redis']);
    expect(findOperation('session.validate')?.warms?.cache).toBe('sessions');
    expect(findOperation('session.validate')?.warms?.ratio({})).toBe(0.9);
    expect(findOperation('rbac.check')?.warms?.ratio({ cacheHitRatio: 0.5 })).toBe(0.5);
    expect([...operationRegistry.values()].filter((d) => d.warms).map((d) => d.name)).toEqual(['session.validate', 'rbac.check']);
  });
});
