// A real Prometheus (Debian's `prometheus` package) for one test file: remote-write receiver on, temporary storage, a
// free loopback port (Prometheus cannot bind port 0), no scrape targets. Queries go through its HTTP API.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../src/target/free-port.js';

export const PROMETHEUS_BIN = process.env.AUTHBENCH_PROMETHEUS ?? '/usr/bin/prometheus';

export interface TestPrometheus {
  readonly url: string;
  /** The remote-write endpoint. */
  readonly writeUrl: string;
  /** An instant query at `atMs` (epoch ms): each result's labels and value. */
  query(expr: string, atMs: number): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(): Promise<TestPrometheus> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'authbench-prometheus-'));
  const config = path.join(dir, 'prometheus.yml');
  await fs.writeFile(config, 'global:\n  scrape_interval: 1m\n');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      PROMETHEUS_BIN,
      [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    if (await ready(url, child)) return handle(url, child, dir);
    lastError = stderr;
    await stopChild(child);
  }
  await fs.rm(dir, { recursive: true, force: true });
  throw new Error(`prometheus did not start: ${lastError}`);
}

async function ready(url: string, child: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 150 && child.exitCode === null; i++) {
    const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function handle(url: string, child: ChildProcess, dir: string): TestPrometheus {
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    async query(expr, atMs) {
      const params = new URLSearchParams({ query: expr, time: (atMs / 1000).toFixed(3) });
      const response = await fetch(`${url}/api/v1/query?${params}`);
      const body = (await response.json()) as { status: string; error?: string; data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      await stopChild(child);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
