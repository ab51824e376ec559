// How a load worker's failure is classified: only the user's input is exit 2 (the typed errors of src/errors.ts and an
// operation's option errors); any other exception in a worker is an internal error, exit 3, saying where it was thrown.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { runBenchmark, type RunOptions } from '../../src/run/run-benchmark.js';
import { parseScenario } from '../../src/scenario/parse.js';
import { useRunServers } from '../support/servers.js';
import { testLoad, testPlan } from '../load/plans.js';

const servers = useRunServers('workererr');

const options = (name: string): RunOptions => servers.quietRunOptions(name);

describe('a load worker that fails while preparing', () => {
  it('is an internal error (exit 3, AB_ERR_WORKER_FAILED) when the scenario was valid, naming the step and the frame', async () => {
    // The scenario parser accepts this range, but the generator cannot draw from it (wider than 2^53) and throws a
    // RangeError while the sql step is prepared: authbench's own gap, which used to be blamed on the user (exit 2).
    const plan = parseScenario(
      `
name: wide-range
description: a parameter range the parser accepts and the generator refuses
load:
  model: open
  rate: 10/s
  duration: 1s
  warmup: 0s
  connections: 1
  workers: 1
mix:
  - op: sql
    options:
      query: SELECT $1::bigint
      params: ['uniform(0, 100000000000000000)']
`,
      'wide-range.yaml',
    );
    const outcome = await runBenchmark(plan, options('wide-range'));
    expect(outcome.exitCode).toBe(ExitCode.infrastructure);
    expect(outcome.error?.code).toBe('AB_ERR_WORKER_FAILED');
    expect(outcome.error?.message).toMatch(
      /^load worker 0 failed while preparing step 1 \(sql\) of mix entry "sql": RangeError: uniform: range 0\.\.100000000000000000 is too large \(at uniformSampler \(src\/load\/generators\.ts:\d+:\d+\)\)$/,
    );
    expect(outcome.error?.hint).toMatch(/bug in authbench/);
    expect(outcome.results.status).toBe('failed');
  });

  it('is still the user\'s input (exit 2) for an operation option of the wrong type', async () => {
    // A hand-built plan skips the scenario parser: the option check of the operation's prepare is what catches it.
    const plan = testPlan(testLoad({ rate: 10, durationMs: 1000, warmupMs: 0, connections: 1, workers: 1 }), [
      { name: 'bad', weight: 1, steps: [{ op: 'sql', params: {}, options: { query: 42 } }] },
    ]);
    const outcome = await runBenchmark(plan, options('bad-option'));
    expect(outcome.exitCode).toBe(ExitCode.invalidInput);
    expect(outcome.error?.code).toBe('AB_ERR_INVALID_OPTION');
    expect(outcome.error?.message).toBe('preparing step 1 (sql) of mix entry "bad": option "query" must be a string, got 42');
  });
});
