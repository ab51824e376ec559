// The diagnosis as plain lines for the console (and the capacity summary): what ran out, the figures, what to do.
import type { Diagnosis } from './types.js';

const LABELS: Readonly<Record<Diagnosis['resource'], string>> = {
  generator: 'the load generator',
  'host-cpu': "the machine's CPU",
  database: 'the database',
  disk: 'the disk',
  'connection-pool': 'the connection pool',
  none: 'nothing',
  unknown: 'not determined',
};

/** `the database (Lock:transactionid)`. */
export function resourceLabel(d: Pick<Diagnosis, 'resource' | 'wait'>): string {
  return `${LABELS[d.resource]}${d.wait ? ` (${d.wait})` : ''}`;
}

export function diagnosisLines(d: Diagnosis): string[] {
  return [
    `Limited by ${resourceLabel(d)}: ${d.summary}`,
    ...d.evidence.map((e) => `  · ${e}`),
    ...d.advice.map((a) => `  → ${a}`),
  ];
}
