// Diagnosis end to end against a real PostgreSQL 17 and redis-server: a sleeping statement is database time in
// Timeout:PgSleep, a hot-row UPDATE is lock waits, a cheap statement at a rate one worker cannot start is the
// generator with its thread's CPU; each diagnosis reaches the console, results.json and the HTML report.
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, openWatched } from '../support/browser.js';
import { runBenchmark } from '../../src/run/run-benchmark.js';
import type { MixEntry, Plan } from '../../src/scenario/plan.js';
import { parseThreshold, type Threshold } from '../../src/thresholds/index.js';
import { useRunServers } from '../support/servers.js';
import { testLoad, testPlan, type TestLoad } from '../load/plans.js';

const servers = useRunServers('diag');
chromiumAvailable('the diagnosis report test');

/** Each run's report.html and the resource its diagnosis named, checked in Chromium at the end. */
const reports: { file: string; resource: string }[] = [];

const sql = (query: string, name = 'sql'): MixEntry => ({ name, weight: 1, steps: [{ op: 'sql', params: {}, options: { query, params: [] } }] });
const threshold = (text: string, operation = 'sql'): Threshold => parseThreshold(text, { kind: 'operation', operation }, { path: 'thresholds' }) as Threshold;

function plan(load: TestLoad, mix: MixEntry, thresholds: Threshold[]): Plan {
  return { ...testPlan(testLoad(load), [mix]), thresholds };
}

/** Runs with the console and HTML written to the report directory; returns the results and both texts. */
async function run(name: string, p: Plan) {
  let consoleText = '';
  const outcome = await runBenchmark(p, servers.quietRunOptions(name, { reports: { html: true, junit: false, console: true }, stdout: { write: (s: string) => (consoleText += s) } }));
  const written = JSON.parse(await fs.readFile(path.join(outcome.dir, 'results.json'), 'utf8'));
  const html = await fs.readFile(path.join(outcome.dir, 'report.html'), 'utf8');
  reports.push({ file: path.join(outcome.dir, 'report.html'), resource: outcome.results.diagnosis?.resource ?? '' });
  return { ...outcome, consoleText, written, html };
}

describe('diagnosis against real servers', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  beforeAll(async () => {
    const c = new pg.Client({ connectionString: servers.db.url });
    await c.connect();
    await c.query('CREATE TABLE IF NOT EXISTS hot (id int PRIMARY KEY, n bigint NOT NULL)');
    await c.query('INSERT INTO hot VALUES (1, 0) ON CONFLICT DO NOTHING');
    await c.end();
  });

  it('a sleeping statement is database time in Timeout:PgSleep', async () => {
    const p = plan({ model: 'closed', vus: 4, connections: 4, workers: 1, durationMs: 2500, warmupMs: 500 }, sql('SELECT pg_sleep(0.02)'), [threshold('p95 < 10ms')]);
    const { results, consoleText, written, html } = await run('sleep', p);
    expect(results.verdict).toBe('FAIL');
    expect(results.diagnosis?.resource, JSON.stringify(results.diagnosis)).toBe('database');
    expect(results.diagnosis?.wait).toBe('Timeout:PgSleep');
    expect(results.series?.points.some((pt) => (pt.waits?.byEvent['Timeout:PgSleep'] ?? 0) > 1)).toBe(true);
    // The whole series was recorded: the test cluster and redis-server run on this machine.
    // The last point closes after the pool has ended its threads: the workers' CPU is in every point before it.
    const measured = results.series!.points.filter((pt) => pt.startMs >= 500).slice(0, -1);
    expect(measured.length).toBeGreaterThanOrEqual(2);
    for (const pt of measured) {
      expect(pt.host?.idle).toBeGreaterThanOrEqual(0);
      expect(Object.keys(pt.threads ?? {})).toEqual(expect.arrayContaining(['main', 'authbench-w0']));
      expect(pt.postgresCpu).toBeGreaterThanOrEqual(0);
      expect(pt.postgres?.autovacuumWorkers).toBeGreaterThanOrEqual(0);
      expect(pt.redis?.commandsPerSec).toBeGreaterThanOrEqual(0);
      expect(pt.waits?.samples).toBeGreaterThan(3);
    }
    expect(results.series!.unavailable).not.toHaveProperty('postgresCpu');
    expect(consoleText).toContain('Limited by the database (Timeout:PgSleep)');
    expect(written.diagnosis.wait).toBe('Timeout:PgSleep');
    expect(html).toContain('Limited by the database (Timeout:PgSleep)');
  });

  it('a hot-row UPDATE is lock waits', async () => {
    // The row lock is held across the sleep, so every other session waits for it.
    const update = sql('WITH u AS (UPDATE hot SET n = n + 1 WHERE id = 1 RETURNING n) SELECT n, pg_sleep(0.01) FROM u');
    const p = plan({ model: 'closed', vus: 6, connections: 6, workers: 1, durationMs: 2500, warmupMs: 500 }, update, [threshold('p50 < 20ms')]);
    const { results, consoleText, written, html } = await run('hot-row', p);
    expect(results.verdict).toBe('FAIL');
    expect(results.diagnosis?.resource, JSON.stringify(results.diagnosis)).toBe('database');
    expect(results.diagnosis?.wait).toMatch(/^Lock:/);
    expect(consoleText).toMatch(/Limited by the database \(Lock:\w+\)/);
    expect(written.diagnosis.wait).toMatch(/^Lock:/);
    expect(html).toMatch(/Limited by the database \(Lock:\w+\)/);
  });

  it('a cheap statement at a rate one worker cannot start is the generator, with its thread CPU', async () => {
    // Arrivals the worker cannot start wait (for it, or for a connection it has not released yet): latency, not drops.
    const p = plan({ rate: 40_000, connections: 8, workers: 1, durationMs: 2500, warmupMs: 500 }, sql('SELECT 1'), [threshold('p95 < 5ms')]);
    const { results, consoleText, written, html } = await run('generator', p);
    expect(['FAIL', 'INVALID']).toContain(results.verdict);
    expect(results.diagnosis?.resource, JSON.stringify(results.diagnosis)).toBe('generator');
    expect(results.diagnosis?.summary).toMatch(/authbench-w0 was busy \d+ %/);
    const w0 = results.series?.points.filter((pt) => pt.startMs >= 500).map((pt) => pt.threads?.['authbench-w0']);
    expect(w0?.some((t) => t !== undefined && t.cpu + t.waitingForCpu >= 0.9)).toBe(true);
    expect(results.diagnosis?.evidence.join('\n')).toMatch(/busiest load worker authbench-w0: on a CPU \d+ %/);
    expect(consoleText).toContain('Limited by the load generator');
    expect(written.diagnosis.resource).toBe('generator');
    expect(html).toContain('Limited by the load generator');
  });

  it('each report shows its diagnosis in Chromium, with the where-the-time-went charts drawn', async () => {
    expect(reports).toHaveLength(3);
    browser = await launchChromium();
    for (const r of reports) {
      const { page, consoleErrors } = await openWatched(browser, r.file);
      expect(consoleErrors).toEqual([]);
      expect(await page.locator('#diagnosis .resource').getAttribute('data-resource')).toBe(r.resource);
      expect(await page.locator('#diagnosis').isVisible()).toBe(true);
      const empty = await page.evaluate(() =>
        (window as unknown as { __authbenchCharts: { id: string; empty: boolean }[] }).__authbenchCharts.filter((c) => ['chart-waits', 'chart-cpu'].includes(c.id)).map((c) => c.empty),
      );
      // The saturated generator's backends are mostly idle: its wait chart may say "no backend seen working" instead.
      if (r.resource !== 'generator') expect(empty[0]).toBe(false);
      expect(empty[1]).toBe(false);
      await page.close();
    }
  });
});
