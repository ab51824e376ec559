// docker/monitoring/alerts.yml under Debian's promtool: the rules are valid, every rule's unit tests pass, and every
// alert has at least one test (a rule added without one fails here).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const PROMTOOL = process.env.AUTHBENCH_PROMTOOL ?? '/usr/bin/promtool';
const DIR = path.resolve('docker/monitoring');

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8' });
  if (r.error) throw new Error(`${PROMTOOL} could not run (${r.error.message}): install Debian's prometheus package`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('alert rules (promtool)', () => {
  it('promtool check rules accepts alerts.yml', () => {
    const r = promtool('check', 'rules', 'alerts.yml');
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules passes alerts.test.yml', () => {
    const r = promtool('test', 'rules', 'alerts.test.yml');
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('every alert has a unit test that expects it to fire', async () => {
    const rules = parse(await fs.readFile(path.join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
    const tests = parse(await fs.readFile(path.join(DIR, 'alerts.test.yml'), 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    const firing = new Set(tests.tests.flatMap((t) => (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    expect(alerts.filter((a) => !firing.has(a))).toEqual([]);
  });

  it('a rule test that expects the wrong thing fails (the check can fail)', async () => {
    const tmp = await fs.mkdtemp(path.join(DIR, '.tmp-'));
    try {
      const broken = (await fs.readFile(path.join(DIR, 'alerts.test.yml'), 'utf8')).replace('summary: "25 accounts locked', 'summary: "26 accounts locked').replace('  - alerts.yml', '  - ../alerts.yml');
      await fs.writeFile(path.join(tmp, 'alerts.test.yml'), broken);
      const r = promtool('test', 'rules', path.join(path.basename(tmp), 'alerts.test.yml'));
      expect(r.status).not.toBe(0);
      expect(r.output).toContain('AuthLockoutsSpike');
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
