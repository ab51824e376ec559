// authbench capacity end to end on a `sql` scenario whose knee is known in advance: 2 connections that each hold a
// 10 ms pg_sleep can carry at most ~200 arrivals/s, so the search must find a knee below that and say why it broke.
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { runCapacity } from '../../src/capacity/run-capacity.js';
import type { CapacityResults } from '../../src/results/capacity.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';
import { schemaProblems } from '../support/results-schema.js';

const servers = useRunServers('cap');

const scenario = `
name: sleepy
load: { model: open, rate: 100/s, duration: 10s, warmup: 0s, connections: 2, workers: 1, gracefulStop: 1s }
mix:
  - op: sql
    options: { query: "SELECT pg_sleep(0.01)" }
thresholds:
  sql:
    - { threshold: "p95 < 80ms", minSamples: 20 }
    - { threshold: "errors < 1%", minSamples: 20 }
  run: [ "throughput >= 1000/s" ]
`;

it('steps up, bisects, reports the knee below the pool limit and writes capacity.json + capacity.html', async () => {
  const plan = parseScenario(scenario, 'sleepy.yaml');
  const out: string[] = [];
  const dir = path.join(servers.outRoot, 'sleepy');
  const { results } = await runCapacity(plan, {
    start: 25,
    max: 800,
    stepDurationMs: 2000,
    stepWarmupMs: 0,
    precision: 0.2,
    target: { kind: 'external', pgUrl: servers.db.url, redisUrl: servers.redis.url, allowNonEmpty: true },
    outDir: dir,
    progress: { write: () => true },
    stdout: { write: (c: string) => out.push(c) },
    latenessBoundMs: 100,
  });
  expect(results.steps[0]!.rate).toBe(25);
  const ramp = results.steps.slice(0, results.steps.findIndex((s) => s.verdict === 'failed' || s.verdict === 'invalid') + 1);
  ramp.slice(1).forEach((s, i) => expect(s.rate).toBe(ramp[i]!.rate * 2));
  expect(results.ignoredThresholds).toEqual(['run throughput >= 1000/s']);
  expect(results.thresholds).toEqual(['sql p95 < 80ms', 'sql errors < 1%']);
  // 2 connections × 10 ms: nothing above ~200/s can hold; the start rate surely does.
  expect(results.knee).not.toBeNull();
  expect(results.knee!).toBeGreaterThanOrEqual(25);
  expect(results.knee!).toBeLessThan(210);
  const knee = results.steps.find((s) => s.rate === results.knee)!;
  expect(knee.verdict).toBe('held');
  // no step that did not hold is at or below the knee, and the first bad one says how it broke
  for (const s of results.steps) if (s.verdict === 'failed' || s.verdict === 'invalid') expect(s.rate).toBeGreaterThan(results.knee!);
  expect(results.firstBad).not.toBeNull();
  expect(['failed', 'invalid']).toContain(results.firstBad!.verdict);
  expect(results.firstBad!.reasons.length).toBeGreaterThan(0);
  if (results.end === 'precision') expect((results.firstBad!.rate - results.knee!) / results.knee!).toBeLessThanOrEqual(0.2);
  // the curve: latency per operation at each step
  expect(knee.operations.find((o) => o.key === 'sql')!.p95Ms).toBeGreaterThanOrEqual(10);
  const written = JSON.parse(await fs.readFile(path.join(dir, 'capacity.json'), 'utf8')) as CapacityResults;
  expect(written.knee).toBe(results.knee);
  expect(schemaProblems('capacity', written)).toEqual([]);
  const stepResults = JSON.parse(await fs.readFile(path.join(dir, knee.results), 'utf8'));
  expect(schemaProblems('results', stepResults)).toEqual([]);
  expect(stepResults.verdict).toBe('PASS');
  const html = await fs.readFile(path.join(dir, 'capacity.html'), 'utf8');
  expect(html).toContain('id="authbench-capacity-data"');
  expect(html).not.toMatch(/<script[^>]+src=/);
  const text = out.join('');
  if (process.env.SHOW_CAPACITY) process.stderr.write(text);
  expect(text).toContain('held ◀ knee');
  expect(text).toContain(results.summary);
});
