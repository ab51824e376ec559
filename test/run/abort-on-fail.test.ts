// An abort-on-fail threshold stops a hopeless run after its grace period: the run ends early, FAIL (exit 1), with
// what was measured written; a threshold without abortOnFail never stops the run.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import type { MixEntry, Plan } from '../../src/scenario/plan.js';
import { parseThreshold } from '../../src/thresholds/parse.js';
import type { Threshold } from '../../src/thresholds/types.js';
import { useRunServers } from '../support/servers.js';
import { testLoad, testPlan } from '../load/plans.js';

const servers = useRunServers('abort');

const sleepy: MixEntry = { name: 'sleep', weight: 1, steps: [{ op: 'sql', params: {}, options: { query: 'SELECT pg_sleep(0.02)', params: [], prepared: true } }] };

function threshold(text: string, abortOnFail?: { graceMs: number }, scope: 'sql' | 'run' = 'sql'): Threshold {
  const parsed = parseThreshold(
    text,
    scope === 'run' ? { kind: 'run' } : { kind: 'operation', operation: 'sql' },
    { file: 'abort.yaml', line: 1, path: `thresholds.${scope}[0]` },
    { minSamples: scope === 'run' ? 0 : 10, ...(abortOnFail ? { abortOnFail } : {}) },
  );
  if (!('metric' in parsed)) throw new Error(`bad threshold ${text}: ${parsed.message}`);
  return parsed;
}

function plan(thresholds: Threshold[]): Plan {
  return { ...testPlan(testLoad({ rate: 50, durationMs: 8000, warmupMs: 0, connections: 4, workers: 1 }), [sleepy]), thresholds };
}

async function run(p: Plan, name: string): Promise<Awaited<ReturnType<typeof runBenchmark>> & { seconds: number }> {
  const started = Date.now();
  const outcome = await runBenchmark(p, servers.quietRunOptions(name));
  return { ...outcome, seconds: (Date.now() - started) / 1000 };
}

describe('abort-on-fail thresholds', () => {
  it('stop a hopeless run after the grace period: FAIL, exit 1, results written', async () => {
    // pg_sleep(0.02) can never answer under 1 ms: the threshold fails from the first interval on.
    const outcome = await run(plan([threshold('p95 < 1ms', { graceMs: 1000 })]), 'abort');
    expect(outcome.seconds).toBeLessThan(7);
    expect(outcome.results.verdict).toBe('FAIL');
    expect(outcome.exitCode).toBe(ExitCode.thresholdFailed);
    expect(outcome.results.abortReason).toMatch(/p95 < 1ms/);
    expect(outcome.results.thresholds[0]?.status).toBe('FAIL');
    const written = JSON.parse(await fs.readFile(path.join(outcome.dir, 'results.json'), 'utf8')) as { verdict: string };
    expect(written.verdict).toBe('FAIL');
  });

  it('counts the grace from the end of the warm-up, not from the load start', async () => {
    // 3 s warm-up, grace 2 s: a grace counted from the load start would abort at ≈ 3 s (when judging begins);
    // counted from the end of the warm-up, not before 5 s.
    const p = { ...testPlan(testLoad({ rate: 50, durationMs: 6000, warmupMs: 3000, connections: 4, workers: 1 }), [sleepy]), thresholds: [threshold('p95 < 1ms', { graceMs: 2000 })] };
    const outcome = await run(p, 'abort-grace');
    expect(outcome.results.verdict).toBe('FAIL');
    const abortedAtS = Number(/failed at (\d+) s/.exec(outcome.results.abortReason ?? '')?.[1]);
    expect(abortedAtS).toBeGreaterThanOrEqual(5);
  });

  it('judge `connections >=` on the sampled peak: a run that meets it is not aborted', async () => {
    // 4 connections, each working every second: the floor is met from the first samples on. It used to be judged
    // against 0 during the load (the peak was filled in afterwards), so every such run was aborted at once.
    const p = { ...testPlan(testLoad({ rate: 50, durationMs: 3000, warmupMs: 0, connections: 4, workers: 1 }), [sleepy]), thresholds: [threshold('connections >= 2', { graceMs: 0 }, 'run')] };
    const outcome = await run(p, 'connections');
    expect(outcome.results.abortReason).toBeUndefined();
    expect(outcome.results.status).toBe('completed');
    expect(outcome.results.thresholds[0]).toMatchObject({ status: 'PASS' });
    expect(outcome.results.server?.connectionSamples).toBeGreaterThanOrEqual(2);
    expect(outcome.results.verdict).toBe('PASS');
  });

  it('a failing threshold without abortOnFail lets the run finish', async () => {
    const p = plan([threshold('p95 < 1ms')]);
    const outcome = await run({ ...p, load: { ...p.load, durationMs: 2000, ...(p.load.model === 'open' ? { stages: [{ durationMs: 2000, targetRate: 50 }] } : {}) } as Plan['load'] }, 'no-abort');
    expect(outcome.results.status).toBe('completed');
    expect(outcome.results.abortReason).toBeUndefined();
    expect(outcome.results.verdict).toBe('FAIL');
  });
});
