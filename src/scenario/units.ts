// Parses the units a scenario file is written in (10s, 2000/s, 5%) into program units (ms, per second, 0..1).
// Pure string functions: each returns a number, or null when the text is not in the expected form.

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001 };

/**
 * `10s`, `500ms`, `2m`, `1h`, `1m30s`, `1.5s`, `250us` → milliseconds. A sign is accepted so that bounds
 * checks can say "must be more than 0s, got -5s" instead of "not a duration". Bare numbers are rejected:
 * `10` could mean seconds or milliseconds, and guessing wrong changes a run by a factor of 1000.
 */
export function parseDuration(text: string): number | null {
  const match = /^([+-]?)((?:\d+(?:\.\d+)?(?:ms|us|µs|h|m|s))+)$/.exec(text.trim());
  if (!match) return null;
  let total = 0;
  for (const part of match[2]!.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|h|m|s)/g)) {
    total += Number(part[1]) * DURATION_UNITS_MS[part[2]!]!;
  }
  return match[1] === '-' ? -total : total;
}

const RATE_UNITS_PER_SEC: Readonly<Record<string, number>> = { s: 1, m: 1 / 60, h: 1 / 3600 };

/** `2000/s`, `120/m`, `10/h` → per second. */
export function parseRate(text: string): number | null {
  const match = /^([+-]?\d+(?:\.\d+)?)\s*\/\s*(s|m|h)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * RATE_UNITS_PER_SEC[match[2]!]!;
}

/** `5%` → 0.05; `0.05` (text or number) → 0.05. Range is not checked here. */
export function parseRatio(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const text = value.trim();
  const percent = /^([+-]?\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (percent) return Number(percent[1]) / 100;
  return /^[+-]?\d+(?:\.\d+)?$/.test(text) ? Number(text) : null;
}

/** Milliseconds → a short readable form (`500ms`, `60s`, `2.5s`, `2m30s`, `1h`), for summaries and messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${round(ms)}ms`;
  if (!Number.isInteger(ms / 1000)) return `${round(ms / 1000)}s`;
  let seconds = ms / 1000;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  // Below two minutes, seconds read better (`90s`, not `1m30s`).
  if (hours === 0 && minutes < 2) return `${minutes * 60 + seconds}s`;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

/** Per second → `2000/s` (or `2/m` style is not used: programs think per second). */
export function formatRate(perSec: number): string {
  return `${round(perSec)}/s`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
