// Headless Chromium for the report tests: where it is, whether this run may skip it, and how to launch it here
// (no sandbox as root; no background networking, which this machine's closed network would refuse).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.AUTHBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots go here (git-ignored). */
export const SCREENSHOTS = path.resolve('test-results');

/**
 * True when Chromium is installed; missing, it is an error, never a silent skip (`npm test` installs it first:
 * scripts/test-prerequisites.mjs). The report must be browser-tested wherever the suite runs.
 */
export function chromiumAvailable(what: string): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  throw new Error(`Chromium is required for ${what}: ${CHROMIUM} not found. Install it (apt-get install -y chromium) or set AUTHBENCH_CHROMIUM.`);
}

export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  consoleErrors: string[];
  /** Every URL the page requested (the file itself included). */
  requests: string[];
  failed: string[];
}

/** Opens a local HTML file in a new page, recording console errors and every request it makes. */
export async function openWatched(browser: Browser, file: string, width = 1360): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const watched: WatchedPage = { page, consoleErrors: [], requests: [], failed: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watched.consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => watched.consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => watched.requests.push(r.url()));
  page.on('requestfailed', (r) => watched.failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return watched;
}
