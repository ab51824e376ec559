// Opens capacity.html in a real headless Chromium: no console errors, no network requests, the latency-vs-rate curve
// drawn with data and the knee marked (or an explicit "no data" / "no knee"); screenshots go to test-results/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium, openWatched, SCREENSHOTS } from '../support/browser.js';
import { renderCapacityHtml } from '../../src/report/capacity-html.js';
import type { CapacityResults } from '../../src/results/capacity.js';
import { buildCapacityResults } from './capacity-fixtures.js';

const available = chromiumAvailable('the capacity page test');

interface CurveInfo {
  id: string;
  empty: boolean;
  series: number;
  points: number;
  nonNull: number;
  markers: { kind: string; x: number; label: string }[];
}

describe.skipIf(!available)('capacity.html in headless Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-capacity-html-'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, results: CapacityResults, width = 1360) {
    const file = path.join(dir, `${name}.html`);
    fs.writeFileSync(file, renderCapacityHtml(results));
    const { page, consoleErrors, requests, failed } = await openWatched(browser, file, width);
    const charts = await page.evaluate((): CurveInfo[] => {
      interface UplotLike { data: (number | null)[][] }
      interface Hooked { id: string; empty: boolean; instance: UplotLike | null; markers: CurveInfo['markers'] }
      const list = (window as unknown as { __authbenchCharts?: Hooked[] }).__authbenchCharts ?? [];
      return list.map((c) => ({
        id: c.id,
        empty: c.empty,
        series: c.instance ? c.instance.data.length - 1 : 0,
        points: c.instance ? (c.instance.data[0]?.length ?? 0) : 0,
        nonNull: c.instance ? c.instance.data.slice(1).reduce((n, s) => n + s.filter((v) => v !== null && v !== undefined).length, 0) : 0,
        markers: c.markers.map((m) => ({ kind: m.kind, x: m.x, label: m.label })),
      }));
    });
    // Only the page itself: no script, stylesheet, font or image is fetched.
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(charts.map((c) => c.id)).toEqual(['curve']);
    return { page, curve: charts[0]! };
  }

  /** Pixels drawn on the chart's canvas (0 when there is none). */
  async function ink(page: import('playwright-core').Page): Promise<number> {
    return page.evaluate(() => {
      const cv = document.querySelector('#curve canvas') as HTMLCanvasElement | null;
      const ctx = cv?.getContext('2d');
      if (!cv || !ctx || cv.width === 0 || cv.height === 0) return 0;
      const px = ctx.getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) n += 1;
      return n;
    });
  }

  it('draws the latency-vs-rate curve with the knee and the first bad rate marked', async () => {
    const results = buildCapacityResults('knee');
    const { page, curve } = await open('knee', results);
    // P50, P95 and P99 for the three shown keys (auth.login/verify is not named by a threshold), one point per step.
    expect(curve.empty).toBe(false);
    expect(curve.series).toBe(9);
    expect(curve.points).toBe(results.steps.length);
    expect(curve.nonNull).toBe(9 * results.steps.length);
    expect(await ink(page)).toBeGreaterThan(1000);
    const knee = results.steps.find((s) => s.rate === 1625)!;
    const bad = results.steps.find((s) => s.rate === 1688)!;
    expect(curve.markers).toEqual([
      { kind: 'knee', x: knee.achievedRate, label: 'knee 1,625/s' },
      { kind: 'first-bad', x: bad.achievedRate, label: '1,688/s invalid' },
    ]);
    expect(await page.locator('.banner .word').innerText()).toBe('1,625/s');
    expect(await page.locator('.banner .detail').innerText()).toBe(results.summary);
    expect(await page.locator('#curve-markers [data-marker="knee"]').innerText()).toContain('knee: 1,625/s scheduled (1,621/s achieved)');
    expect(await page.locator('#curve-markers [data-marker="first-bad"]').innerText()).toContain('1,688/s, invalid');
    // The legend: a table, one row per operation in its colour and a column per percentile, not 9 entries in a row.
    expect(await page.locator('.u-legend').count()).toBe(0);
    const legendRows = page.locator('#curve-legend tbody tr');
    expect(await legendRows.count()).toBe(3);
    expect(await page.locator('#curve-legend thead th').allInnerTexts()).toEqual(['operation', 'p50', 'p95', 'p99']);
    const strokes = await page.evaluate(() => {
      const u = (window as unknown as { __authbenchCharts: { instance: { series: { label: string }[] } }[] }).__authbenchCharts[0]!.instance;
      return u.series.slice(1).map((x) => x.label);
    });
    for (const [i, key] of (await legendRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key') ?? ''))).entries()) {
      expect(strokes.slice(i * 3, i * 3 + 3)).toEqual([`${key} p50`, `${key} p95`, `${key} p99`]);
      const swatch = await legendRows.nth(i).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
      const line = await legendRows.nth(i).locator('line').first().getAttribute('stroke');
      expect(swatch).not.toBe('rgba(0, 0, 0, 0)');
      expect(line).toMatch(/^#[0-9a-f]{6}$/);
    }
    // The step table: one row per step, ordered by rate, the knee's row marked, every verdict coloured.
    const rows = page.locator('#steps tbody tr');
    expect(await rows.count()).toBe(results.steps.length);
    expect(await rows.locator('td:nth-child(2)').allInnerTexts()).toEqual(['250/s', '500/s', '1,000/s', '1,500/s', '1,625/s', '1,688/s', '1,750/s', '2,000/s']);
    expect(await page.locator('#steps tbody tr', { hasText: '◀ knee' }).locator('td:nth-child(2)').innerText()).toBe('1,625/s');
    for (const verdict of ['held', 'failed', 'invalid', 'inconclusive']) {
      const bg = await page.locator('.pill', { hasText: verdict }).first().evaluate((el) => getComputedStyle(el).backgroundColor);
      expect(bg, verdict).not.toBe('rgba(0, 0, 0, 0)');
    }
    // The description with a literal </script> stays text.
    expect(await page.locator('p.desc').innerText()).toContain('<script>alert(1)</script>');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'capacity.png'), fullPage: true });
    await page.close();
  });

  it('still draws the curve when no rate held, without a knee marker', async () => {
    const results = buildCapacityResults('nothing-held');
    const { page, curve } = await open('nothing-held', results);
    expect(curve.empty).toBe(false);
    expect(curve.nonNull).toBeGreaterThan(0);
    expect(curve.markers.map((m) => m.kind)).toEqual(['first-bad']);
    expect(await ink(page)).toBeGreaterThan(1000);
    expect(await page.locator('.banner .word').innerText()).toBe('no knee');
    expect(await page.locator('#curve-markers [data-marker="none"]').innerText()).toMatch(/no rate held/);
    expect(await page.locator('#steps tbody tr', { hasText: '◀ knee' }).count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'capacity-nothing-held.png'), fullPage: true });
    await page.close();
  });

  it('shows "no data" when the search stopped before any step ran', async () => {
    const { page, curve } = await open('empty', buildCapacityResults('empty'));
    expect(curve.empty).toBe(true);
    expect(await page.locator('#curve').innerText()).toMatch(/no data/);
    expect(await page.locator('.banner .word').innerText()).toBe('no knee');
    expect(await page.locator('.banner .detail').innerText()).toBe('Stopped early, before any rate held.');
    expect(await page.locator('#steps tbody').innerText()).toMatch(/no step ran/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'capacity-empty.png'), fullPage: true });
    await page.close();
  });

  it('shows "no data" when the steps recorded no latency', async () => {
    const base = buildCapacityResults('nothing-held');
    const results: CapacityResults = { ...base, steps: base.steps.map((s) => ({ ...s, operations: s.operations.map((o) => ({ ...o, count: 0 })) })) };
    const { page, curve } = await open('no-latency', results);
    expect(curve.empty).toBe(true);
    expect(await page.locator('#curve').innerText()).toMatch(/no data/);
    await page.close();
  });

  it('stays readable on a narrow screen: only the step table scrolls', async () => {
    const { page, curve } = await open('knee-narrow', buildCapacityResults('knee'), 420);
    expect(curve.empty).toBe(false);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'capacity-narrow.png'), fullPage: true });
    await page.close();
  });
});
