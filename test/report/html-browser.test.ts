// Opens the generated HTML reports in a real headless Chromium: no console errors, no network requests, every
// chart drawn with data (or an explicit "no data"), the JUnit XML well-formed per DOMParser; screenshots go to test-results/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, openWatched, SCREENSHOTS } from '../support/browser.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJunit } from '../../src/report/junit.js';
import { buildRunResults, type FixtureKind } from './fixtures.js';

const available = chromiumAvailable('the HTML report test');

interface ChartInfo {
  id: string;
  empty: boolean;
  series: number;
  points: number;
  nonNull: number;
}

describe.skipIf(!available)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-report-'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(kind: FixtureKind, width = 1360) {
    const results = buildRunResults(kind);
    const file = path.join(dir, `${kind}.html`);
    fs.writeFileSync(file, renderHtml(results));
    const { page, consoleErrors, requests, failed } = await openWatched(browser, file, width);
    const charts = await page.evaluate((): ChartInfo[] => {
      interface UplotLike { data: (number | null)[][] }
      const list = (window as unknown as { __authbenchCharts?: { id: string; empty: boolean; instance: UplotLike | null }[] }).__authbenchCharts ?? [];
      return list.map((c) => ({
        id: c.id,
        empty: c.empty,
        series: c.instance ? c.instance.data.length - 1 : 0,
        points: c.instance ? (c.instance.data[0]?.length ?? 0) : 0,
        nonNull: c.instance ? c.instance.data.slice(1).reduce((n, s) => n + s.filter((v) => v !== null && v !== undefined).length, 0) : 0,
      }));
    });
    return { results, page, charts, consoleErrors, requests, failed, file };
  }

  it.each(['pass', 'fail', 'invalid'] as const)('draws every chart with data for a %s run', async (kind) => {
    const { page, charts, consoleErrors, requests, failed, results } = await open(kind);
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    // Only the page itself: no script, stylesheet, font or image is fetched.
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['chart-spectrum', 'chart-throughput', 'chart-errors', 'chart-connections']));
    // One latency-over-time chart per operation key in the intervals.
    expect(charts.filter((c) => c.id.startsWith('chart-latency-')).length).toBe(results.operations.length);
    for (const c of charts) {
      expect(c.empty, `${c.id} should have data`).toBe(false);
      expect(c.points, c.id).toBeGreaterThan(1);
      expect(c.nonNull, c.id).toBeGreaterThan(0);
    }
    const spectrum = charts.find((c) => c.id === 'chart-spectrum')!;
    expect(spectrum.series).toBe(results.operations.length);
    // Canvases really have pixels drawn (not blank).
    const inked = await page.evaluate(() =>
      Array.from(document.querySelectorAll('canvas')).map((cv) => {
        const ctx = cv.getContext('2d');
        if (!ctx || cv.width === 0 || cv.height === 0) return 0;
        const px = ctx.getImageData(0, 0, cv.width, cv.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) n += 1;
        return n;
      }),
    );
    expect(inked.length).toBe(charts.length);
    for (const n of inked) expect(n).toBeGreaterThan(100);
    // The scenario text with a literal </script> stays text.
    expect(await page.locator('pre.scenario').innerText()).toContain('</script><script>alert(1)</script>');
    expect(await page.locator('.banner .word').innerText()).toBe(results.verdict);
    await page.screenshot({ path: path.join(SCREENSHOTS, `report-${kind}.png`), fullPage: true });
    await page.close();
  });

  it('shows the diagnosis first, where the time went, threshold lines and latency axes scaled to the measured window', async () => {
    const { page, charts, consoleErrors, results } = await open('invalid');
    expect(consoleErrors).toEqual([]);
    expect(charts.map((c) => c.id)).toEqual(expect.arrayContaining(['chart-waits', 'chart-cpu', 'chart-disk']));
    expect(await page.locator('#diagnosis .resource').innerText()).toBe('Limited by the load generator');
    // The diagnosis comes right after the banner, before the figures.
    expect(await page.evaluate(() => document.querySelector('.banner')?.nextElementSibling?.id)).toBe('diagnosis');
    // A threshold that held on an INVALID run is marked as not to be trusted.
    expect(await page.locator('.pill.untrusted').count()).toBe(results.thresholds.filter((t) => t.status === 'PASS').length);
    const frames = await page.evaluate(() => {
      interface U { data: (number | null)[][]; scales: { y: { max: number } }; root: HTMLElement }
      const list = (window as unknown as { __authbenchCharts: { id: string; instance: U | null }[] }).__authbenchCharts;
      return list.filter((c) => c.id.startsWith('chart-latency-') && c.instance).map((c) => ({
        key: c.instance!.root.parentElement?.querySelector('.title')?.textContent ?? '',
        yMax: c.instance!.scales.y.max,
        data: c.instance!.data,
      }));
    });
    expect(frames.length).toBeGreaterThan(0);
    const warmupCount = results.intervals.filter((p) => p.warmup).length;
    for (const f of frames) {
      const measuredMax = Math.max(...f.data.slice(1).flatMap((s) => s.slice(warmupCount).filter((v): v is number => v !== null)));
      const limits = results.thresholds.filter((t) => t.scopeKey === f.key && ['p50', 'p95', 'p99', 'p99.9', 'max', 'mean', 'p90'].includes(t.metric)).map((t) => t.target);
      expect(f.yMax, f.key).toBeCloseTo(Math.max(measuredMax, ...limits) * 1.1, 6);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-invalid-diagnosis.png'), fullPage: true });
    await page.close();
  });

  it('shows "no data" instead of failing for an aborted run with no measured operations', async () => {
    const { page, charts, consoleErrors, failed } = await open('aborted');
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(charts.find((c) => c.id === 'chart-spectrum')?.empty).toBe(true);
    expect(await page.locator('#chart-spectrum').innerText()).toMatch(/no data/);
    expect(await page.locator('.banner .word').innerText()).toBe('ABORTED');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-aborted.png'), fullPage: true });
    await page.close();
  });

  it('stays readable on a narrow screen', async () => {
    const { page, consoleErrors } = await open('fail', 420);
    expect(consoleErrors).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-fail-narrow.png'), fullPage: true });
    await page.close();
  });

  it('JUnit XML parses with DOMParser and counts match the thresholds', async () => {
    const page = await browser.newPage();
    for (const kind of ['pass', 'fail', 'invalid', 'aborted'] as const) {
      const results = buildRunResults(kind);
      const xml = renderJunit(results);
      const parsed = await page.evaluate((text) => {
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        const error = doc.getElementsByTagName('parsererror')[0]?.textContent ?? null;
        const suite = doc.getElementsByTagName('testsuite')[0];
        return {
          error,
          tests: suite?.getAttribute('tests'),
          cases: doc.getElementsByTagName('testcase').length,
          failures: doc.getElementsByTagName('failure').length,
          skipped: doc.getElementsByTagName('skipped').length,
          errors: doc.getElementsByTagName('error').length,
          firstName: doc.getElementsByTagName('testcase')[0]?.getAttribute('name'),
        };
      }, xml);
      expect(parsed.error, kind).toBeNull();
      // Every run has one 'run is valid' testcase beside the thresholds; an INVALID or ABORTED run makes it an error.
      const extra = kind === 'invalid' || kind === 'aborted' ? 1 : 0;
      expect(parsed.cases).toBe(results.thresholds.length + 1);
      expect(parsed.tests).toBe(String(results.thresholds.length + 1));
      expect(parsed.failures).toBe(results.thresholds.filter((t) => t.status === 'FAIL').length);
      expect(parsed.skipped).toBe(results.thresholds.filter((t) => t.status === 'INCONCLUSIVE').length);
      expect(parsed.errors).toBe(extra);
      expect(parsed.firstName).toBe('auth.login/db p95 < 25ms');
    }
    await page.close();
  });
});
