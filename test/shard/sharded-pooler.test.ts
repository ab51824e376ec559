// Two shard processes through target.pooler on provisioned embedded servers, merged: each shard starts its own
// PgBouncer with its share of the pool and counts its own clients, and the merge adds them, so connections(client)
// is judged on every shard's clients while the backends stay within the plan's pool.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResults } from '../../src/results/types.js';
import { teardownEmbedded } from '../../src/target/teardown.js';
import { builtCli } from '../support/cli.js';

const cli = (args: string[]): ReturnType<typeof builtCli> => builtCli(args, { timeoutMs: 120_000 });
const readJson = async (file: string): Promise<RunResults> => JSON.parse(await fs.readFile(file, 'utf8')) as RunResults;

// Twelve VUs (six per shard), each its own client connection working every second; a pool of four (two per shard).
const SCENARIO = `
name: sharded-pooled
seed: 3
target: { kind: embedded, pooler: pgbouncer, poolerPoolSize: 4 }
dataset: { users: 300, seed: 5 }
load: { model: closed, vus: 12, thinkTime: 20ms..100ms, duration: 3s, warmup: 1s, workers: 1 }
mix:
  - op: user.lookup
thresholds:
  run: [ "connections(client) >= 10", "connections <= 4" ]
`;

let home: string;
let file: string;

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-sharded-pooler-'));
  await fs.chmod(home, 0o755);
  file = path.join(home, 'sharded-pooled.yaml');
  await fs.writeFile(file, SCENARIO);
});

afterAll(async () => {
  await teardownEmbedded({ dataDir: home, purge: true });
  await fs.rm(home, { recursive: true, force: true });
});

describe('a distributed run through target.pooler', () => {
  it('2 shards, each with its own PgBouncer and half the pool: the merge adds their clients and judges connections(client) once', async () => {
    expect((await cli(['provision', '--data-dir', home])).status).toBe(0);
    const prepared = await cli(['prepare', file, '--data-dir', home]);
    expect(prepared.status, prepared.stderr).toBe(0);
    // Time for two shard processes to start on a shared 2-core box before their common start.
    const startAt = String(Date.now() + 12_000);
    const shards = await Promise.all([0, 1].map((k) => cli(['run', file, '--shard', `${k}/2`, '--start-at', startAt, '--data-dir', home, '--out', path.join(home, `shard-${k}`), '--no-html', '--no-junit'])));
    // A shard's own verdict says only whether it ran its share (PASS), or not on a crowded machine (INVALID).
    for (const s of shards) expect([0, 4], s.stderr).toContain(s.status);
    const results = await Promise.all([0, 1].map((k) => readJson(path.join(home, `shard-${k}`, 'results.json'))));
    for (const [k, r] of results.entries()) {
      // Its own pooler, its share of the pool, only its own clients.
      expect(r.server?.pooler).toMatchObject({ poolSize: 2, serverTransport: 'unix-socket' });
      expect(r.server?.pooler?.clientConnectionsPeak).toBeLessThanOrEqual(6);
      expect(await fs.stat(path.join(home, `pgbouncer-s${k}`, 'pgbouncer.ini')).then(() => true)).toBe(true);
    }

    const merge = await cli(['merge', path.join(home, 'shard-0'), path.join(home, 'shard-1'), '--out', path.join(home, 'merged')]);
    const merged = await readJson(path.join(home, 'merged', 'results.json'));
    expect(merged.server?.pooler).toMatchObject({ kind: 'pgbouncer', poolSize: 4, mode: 'transaction' });
    const measured = merged.intervals.filter((p) => !p.warmup);
    for (const p of measured) {
      const sum = results.reduce((a, r) => a + (r.intervals.find((q) => q.startMs === p.startMs)?.poolerClients ?? 0), 0);
      expect(p.poolerClients, `interval at ${p.startMs} ms`).toBe(sum);
    }
    // More clients than either shard had: the sum of both at one interval.
    expect(merged.server?.pooler?.clientConnectionsPeak).toBe(Math.max(...measured.map((p) => p.poolerClients ?? 0)));
    expect(merged.server?.pooler?.clientConnectionsPeak).toBeGreaterThan(6);
    expect(merged.server?.connectionsPeak).toBeLessThanOrEqual(4);
    const verdicts = merged.thresholds.map((t) => [t.source, t.status]);
    expect(verdicts).toEqual([
      ['connections(client) >= 10', 'PASS'],
      ['connections <= 4', 'PASS'],
    ]);
    expect(merge.status).toBe(merged.verdict === 'PASS' ? 0 : merged.verdict === 'INVALID' ? 4 : 1);
  }, 150_000);
});
