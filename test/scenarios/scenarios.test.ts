// Every file in scenarios/ validates, and each scenario written for the targets runs end to end in a shortened
// form (tiny dataset, a few seconds, a low rate, few connections) with every operation run and every answer checked.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { RunResults } from '../../src/results/types.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import { loadScenario, parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';

const DIR = path.resolve(import.meta.dirname, '../../scenarios');

const servers = useRunServers('scn');

it('every scenario file validates', async () => {
  const files = (await fs.readdir(DIR)).filter((f) => f.endsWith('.yaml'));
  expect(files.length).toBeGreaterThanOrEqual(8);
  for (const file of files) await expect(loadScenario(path.join(DIR, file)), file).resolves.toBeTruthy();
});

/** The scenario's own text with its size turned down: same mix, options and thresholds. */
async function shortened(file: string, thinkTime?: string): Promise<string> {
  const doc = parseDocument(await fs.readFile(path.join(DIR, file), 'utf8'));
  doc.setIn(['dataset', 'users'], 300);
  const closed = doc.getIn(['load', 'model']) === 'closed';
  doc.setIn(['load', 'duration'], '2s');
  if (doc.getIn(['load', 'warmup']) !== '0s') doc.setIn(['load', 'warmup'], '1s');
  doc.setIn(['load', 'workers'], 2);
  doc.setIn(['load', 'gracefulStop'], '2s');
  if (closed) {
    doc.setIn(['load', 'vus'], 12);
    if (thinkTime !== undefined) doc.setIn(['load', 'thinkTime'], thinkTime);
  } else {
    doc.setIn(['load', 'rate'], '60/s');
    doc.setIn(['load', 'connections'], 8);
  }
  return doc.toString();
}

async function run(file: string, thinkTime?: string): Promise<RunResults> {
  const plan = parseScenario(await shortened(file, thinkTime), file);
  const { results } = await runBenchmark(plan, servers.quietRunOptions(file));
  expect(results.status).toBe('completed');
  const ops = new Set(plan.mix.flatMap((e) => e.steps.map((s) => s.op)));
  for (const op of ops) expect(results.operations.find((o) => o.key === op)?.count ?? 0, `${file}: ${op} ran`).toBeGreaterThan(0);
  for (const o of results.operations) expect(o.errors.wrong_answer ?? 0, `${file}: ${o.key} answers`).toBe(0);
  return results;
}

describe('the target scenarios, shortened', () => {
  it.each(['user-lookup.yaml', 'session-validate.yaml', 'permission-check.yaml', 'seed-targets.yaml'])('%s runs with checked answers', async (file) => {
    await run(file);
  });

  it('connections-750.yaml: every virtual user is a working connection on the server', async () => {
    // Think time cut to 20–100 ms so each VU starts a statement in every 1 s sampling period even on a loaded
    // CI machine (with the file's 200–800 ms a VU slowed past 1 s drops out of one sample).
    const results = await run('connections-750.yaml', '20ms..100ms');
    expect(results.server?.connectionsPeak).toBeGreaterThanOrEqual(10);
    expect(results.server?.connectionsPeak).toBeLessThanOrEqual(12);
  });

  it('cache-cold-warm.yaml: cold means no session hit at all; rbac reads through', async () => {
    const cold = await run('cache-cold-warm.yaml');
    const validate = cold.operations.find((o) => o.key === 'session.validate')!;
    expect(validate.outcomes.hit ?? 0).toBe(0);
    expect(validate.outcomes.miss).toBeGreaterThan(0);
    const rbac = cold.operations.find((o) => o.key === 'rbac.check')!;
    expect(Object.keys(rbac.outcomes).some((k) => k.startsWith('miss:'))).toBe(true);
  });
});
