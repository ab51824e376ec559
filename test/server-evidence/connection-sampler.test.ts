// The connection sampler against the real test cluster: a sampler whose queries all fail leaves "never sampled"
// (INCONCLUSIVE, with the sampler's error), never a measured peak of 0 that a `connections >=` threshold fails on.
import pg from 'pg';
import { expect, it } from 'vitest';
import { ConnectionSampler, peaksOf } from '../../src/server-evidence/connection-sampler.js';
import { MonitorConnection } from '../../src/server-evidence/monitor-connection.js';
import { serverEvidence, takeServerSnapshot } from '../../src/server-evidence/server-evidence.js';
import { evaluateThresholds } from '../../src/thresholds/index.js';
import { parseThreshold } from '../../src/thresholds/parse.js';
import type { Threshold } from '../../src/thresholds/types.js';
import { adminUrl } from '../support/servers.js';

const floor = parseThreshold('connections >= 1', { kind: 'run' }, { path: 'thresholds.run[0]' }) as Threshold;

it('a sampler that could not read pg_stat_activity makes `connections` INCONCLUSIVE with the reason, not a FAIL on 0', async () => {
  const monitor = new pg.Client({ connectionString: adminUrl() });
  await monitor.connect();
  const broken = new pg.Client({ connectionString: adminUrl() });
  await broken.connect();
  await broken.end(); // the monitor connection lost mid-run: every sample now fails
  try {
    const snapshot = await takeServerSnapshot(monitor, null);
    const sampler = new ConnectionSampler(new MonitorConnection(broken));
    sampler.start(Date.now());
    await new Promise((r) => setTimeout(r, 100));
    const samples = await sampler.stop();
    expect(samples).toEqual([]);
    expect(sampler.error).toMatch(/not queryable|closed/i);
    const peaks = peaksOf(samples, 0, sampler.error);
    expect(peaks).toMatchObject({ samples: 0, connections: 0 });
    const server = serverEvidence(snapshot, snapshot, peaks);
    expect(server).toMatchObject({ connectionSamples: 0, connectionSamplingError: sampler.error });
    const [verdict] = evaluateThresholds([floor], { operations: [], server });
    expect(verdict).toMatchObject({ status: 'INCONCLUSIVE', measured: null });
    expect(verdict!.reason).toContain('never sampled');
    expect(verdict!.reason).toContain(sampler.error!);
  } finally {
    await monitor.end();
  }
});

it('a working sampler counts its samples, and the peaks rest on them', async () => {
  const monitor = new pg.Client({ connectionString: adminUrl() });
  await monitor.connect();
  try {
    const sampler = new ConnectionSampler(new MonitorConnection(monitor));
    sampler.start(Date.now());
    await new Promise((r) => setTimeout(r, 100));
    const samples = await sampler.stop();
    expect(samples.length).toBeGreaterThanOrEqual(1);
    expect(sampler.error).toBeUndefined();
    // No load runs: a measured 0, and a floor threshold fails on it.
    const snapshot = await takeServerSnapshot(monitor, null);
    const server = serverEvidence(snapshot, snapshot, peaksOf(samples, 0, sampler.error));
    expect(evaluateThresholds([floor], { operations: [], server })[0]).toMatchObject({ status: 'FAIL', measured: 0 });
  } finally {
    await monitor.end();
  }
});
