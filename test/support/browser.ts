// Headless Chromium for the report tests: where it is, whether this run may skip it, and how to launch it here
// (no sandbox as root; no background networking, which this machine's closed network would refuse).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.AUTHBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots go here (git-ignored). */
export const SCREENSHOTS = path.resolve('test-results');

/** True when Chromium is installed. Missing in CI is an error (the report must be browser-tested there); elsewhere a warning. */
export function chromiumAvailable(what: string): boolean {
  const available = fs.existsSync(CHROMIUM);
  if (!available && process.env.CI) throw new Error(`Chromium is required in CI for ${what}: install it (apt-get install -y chromium) or set AUTHBENCH_CHROMIUM`);
  if (!available) console.warn(`[report] skipping ${what}: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return available;
}

export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
