// `authbench k8s`: the printed manifests pass kubernetes-models' schema validation when parsed back, the Indexed
// Job's completion index reaches `--shard K/N` (the pod's script run under sh), and bad input is exit 2.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { cli } from '../support/cli.js';

const run = promisify(execFile);
let dir: string;
let file: string;

const scenario = `name: Login_Shards.v1
seed: 3
dataset: { users: 300 }
load: { model: open, rate: 300/s, duration: 10s, warmup: 2s, connections: 12, workers: 2 }
mix:
  - op: auth.login
thresholds:
  auth.login/db: [p95 < 25ms]
`;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-k8s-'));
  file = path.join(dir, 'login.yaml');
  await fs.writeFile(file, scenario);
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

type Doc = { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown>; data?: Record<string, string> };

describe('authbench k8s', () => {
  it('prints valid objects whose Indexed Job wires the completion index to --shard K/N', async () => {
    const out = await cli(['k8s', file, '--shards', '3', '--image', 'registry.example/authbench:0.1', '--namespace', 'bench']);
    expect(out.status, out.stderr).toBe(0);
    const docs = parseAllDocuments(out.stdout).map((d) => d.toJSON() as Doc);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/authbench-login-shards-v1-scenario',
      'PersistentVolumeClaim/authbench-login-shards-v1-results',
      'Job/authbench-login-shards-v1-prepare',
      'Job/authbench-login-shards-v1-shards',
      'Job/authbench-login-shards-v1-merge',
    ]);
    // Parsed back, every object passes the API schema validation of the models library.
    const models = { ConfigMap, PersistentVolumeClaim, Job } as const;
    for (const d of docs) {
      expect(d.metadata.namespace).toBe('bench');
      const Model = models[d.kind as keyof typeof models] as unknown as new (x: unknown) => { validate(): void };
      expect(() => new Model(d).validate()).not.toThrow();
    }
    // The validation is real: a wrong field type is refused.
    expect(() => new Job({ ...(docs[3] as object), spec: { ...docs[3]!.spec, completions: 'three' } } as never).validate()).toThrow(/completions must be integer/);
    expect(docs[0]!.data!['scenario.yaml']).toBe(scenario);

    const shards = docs[3]!.spec as { completionMode: string; completions: number; parallelism: number; template: { spec: { containers: { command: string[]; env: { name: string; valueFrom: Record<string, unknown> }[] }[]; initContainers: unknown[] } } };
    expect([shards.completionMode, shards.completions, shards.parallelism]).toEqual(['Indexed', 3, 3]);
    const container = shards.template.spec.containers[0]!;
    expect(container.env.map((e) => e.name)).toEqual(['DATABASE_URL', 'REDIS_URL', 'JOB_COMPLETION_INDEX']);
    expect(container.env[0]!.valueFrom).toEqual({ secretKeyRef: { name: 'authbench-target', key: 'DATABASE_URL' } });
    expect(container.env[2]!.valueFrom).toEqual({ fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } });

    // Run the pod's script under sh with a stand-in authbench: pod 2 of 3 runs shard 2/3 at the prepared start.
    const bin = path.join(dir, 'bin');
    await fs.mkdir(bin, { recursive: true });
    await fs.writeFile(path.join(bin, 'authbench'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
    const results = path.join(dir, 'results');
    await fs.mkdir(results, { recursive: true });
    await fs.writeFile(path.join(results, 'start-at'), '1796167800000\n');
    const script = container.command[2]!.replaceAll('/results', results);
    expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    const { stdout } = await run('/bin/sh', ['-c', script], { env: { PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: '2' } });
    const args = stdout.trim().split('\n');
    expect(args.slice(0, 2)).toEqual(['run', '/scenario/scenario.yaml']);
    expect(args[args.indexOf('--shard') + 1]).toBe('2/3');
    expect(args[args.indexOf('--start-at') + 1]).toBe('1796167800000');
    expect(args[args.indexOf('--out') + 1]).toBe(`${results}/shard-2`);

    const merge = (docs[4]!.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers[0]!.command[2]!;
    expect(merge).toContain("authbench merge '/results/shard-0' '/results/shard-1' '/results/shard-2' --out /results/merged");
  }, 60_000);

  it('refuses a scenario that carries target URLs, and shards it cannot divide, with exit 2', async () => {
    const withUrl = path.join(dir, 'url.yaml');
    await fs.writeFile(withUrl, scenario.replace('seed: 3\n', 'seed: 3\ntarget: { kind: external, pgUrl: "postgres://u:secret@db/x" }\n'));
    const url = await cli(['k8s', withUrl, '--shards', '3', '--image', 'i:1']);
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('target.pgUrl: must not be in a scenario sent to Kubernetes');
    expect(url.stderr).not.toContain('secret');
    const many = await cli(['k8s', file, '--shards', '13', '--image', 'i:1']);
    expect(many.status).toBe(2);
    expect(many.stderr).toContain('load.connections: 12 cannot be divided over 13 shards');
  }, 60_000);
});
