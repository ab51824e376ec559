// The dataset fingerprint: SHA-256 of everything that determines the seeded rows (spec, generator version, schema).
// Equal fingerprints mean the database already holds exactly this dataset, so seeding can be skipped.
import { createHash } from 'node:crypto';
import type { Dataset } from '../../dataset/types.js';

/** Bump whenever a generator change alters any seeded value; it forces existing datasets to be reseeded. */
export const GENERATOR_VERSION = 1;

/** JSON with object keys sorted, so the digest does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Hex SHA-256 over spec + generator version + schema checksum (e.g. the applied migrations' checksums). */
export function datasetFingerprint(spec: Dataset, schemaChecksum: string): string {
  const input = canonicalJson({ generatorVersion: GENERATOR_VERSION, spec, schemaChecksum });
  return createHash('sha256').update(input).digest('hex');
}
