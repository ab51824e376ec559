// The CLI's conveniences for CI use: --json and --quiet on a real run, --warmup, did-you-mean for a misspelt flag,
// the file's units rule for flags (with the fix named), the completion script and FORCE_COLOR.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummaryJson } from '../../src/report/json-summary.js';
import { shouldUseColor } from '../../src/report/console.js';
import { cli } from '../support/cli.js';
import { useRunServers } from '../support/servers.js';

const servers = useRunServers('conv');

function external(): string[] {
  return ['--pg-url', servers.db.url, '--redis-url', servers.redis.url, '--allow-non-empty', '--no-html', '--no-junit'];
}

describe('authbench run --json / --quiet / --warmup', () => {
  it('--json prints the summary as one JSON document on stdout, and --warmup 0s --duration 2s shape the run', async () => {
    const out = path.join(servers.outRoot, 'json');
    const r = await cli(['run', 'scenarios/smoke.yaml', ...external(), '--out', out, '--json', '--warmup', '0s', '--duration', '2s']);
    const summary = JSON.parse(r.stdout) as RunSummaryJson;
    expect(summary.scenario).toBe('smoke');
    expect(summary.exitCode).toBe(r.status);
    expect(summary.line.startsWith(`${summary.verdict} — `)).toBe(true);
    expect(summary.measuredSeconds).toBe(2);
    expect(summary.thresholds.map((t) => t.threshold)).toEqual(['auth.login errors < 5%', 'auth.login p95 < 1s', 'count > 0']);
    expect(summary.operations.find((o) => o.key === 'auth.login')?.count).toBeGreaterThan(0);
    expect(summary.reportDir).toBe(out);
    // progress and stage lines stay on stderr, where they do not break the JSON
    expect(r.stderr).toMatch(/^0s\/2s|\n\ds\/2s /m);
    // Nothing of Node's own: pg's warning on overlapping queries was printed on every run before (issue 12).
    expect(r.stderr).not.toMatch(/\(node:\d+\) \w*Warning/);
  });

  it('--quiet prints the verdict line alone: no progress, no stage messages, no table', async () => {
    const r = await cli(['run', 'scenarios/smoke.yaml', ...external(), '--out', path.join(servers.outRoot, 'quiet'), '--quiet', '--warmup', '0s', '--duration', '1s']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^(PASS|FAIL|INCONCLUSIVE|INVALID) — /);
  });
});

describe('flags', () => {
  it('suggests the flag a misspelt one meant (exit 2, before anything starts)', async () => {
    const r = await cli(['run', 'scenarios/smoke.yaml', '--durtion', '5s', '--warmpu', '1s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Unknown arguments: durtion, warmpu. Did you mean --duration for --durtion, --warmup for --warmpu?');
    expect(r.stdout).toBe('');
  });

  it('refuses a bare number for --rate and --warmup as the file refuses it, naming the fix', async () => {
    const r = await cli(['run', 'scenarios/smoke.yaml', '--rate', '2000', '--warmup', '10']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--rate: expected a rate like 2000/s, got "2000"; write 2000/s (a number alone has no unit)');
    expect(r.stderr).toContain('--warmup: expected a duration like 10s or 500ms, got "10"; write 10s or 10ms');
  });

  it('prints a shell completion script', async () => {
    const r = await cli(['completion']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('authbench');
    expect(r.stdout).toMatch(/complete -o/);
  });
});

describe('colour', () => {
  it('FORCE_COLOR turns colour on without a TTY and wins over NO_COLOR; FORCE_COLOR=0 turns it off', () => {
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: 'false' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
  });
});
