// Unit tests of the reporters over realistic fixtures: console text, atomic JSON write and validating read,
// JUnit structure and escaping, and the HTML page's self-containment and embedded data.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import type { RunResults } from '../../src/results/types.js';
import { renderConsole, shouldUseColor } from '../../src/report/console.js';
import { formatMetricValue, formatMs, formatRatio, thresholdTarget } from '../../src/report/format.js';
import { embedJson, escapeInlineScript, renderHtml } from '../../src/report/html.js';
import { REPORT_FILES, writeReports } from '../../src/report/index.js';
import { writeResults } from '../../src/report/json.js';
import { readResults } from '../../src/results/read.js';
import { escapeXml, renderJunit } from '../../src/report/junit.js';
import { percentileSpectrum } from '../../src/report/spectrum.js';
import { summarizeVerdict } from '../../src/report/verdict-line.js';
import { buildRunResults, type FixtureKind } from './fixtures.js';
import { findAll, parseXml } from './xml-well-formed.js';

const runs = new Map<FixtureKind, RunResults>();
const run = (kind: FixtureKind): RunResults => {
  let r = runs.get(kind);
  if (!r) runs.set(kind, (r = buildRunResults(kind)));
  return r;
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbench-reporters-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('fixtures', () => {
  it('carry the verdict their name says, with genuine histograms', () => {
    expect(run('pass').verdict).toBe('PASS');
    expect(run('fail').verdict).toBe('FAIL');
    expect(run('invalid').verdict).toBe('INVALID');
    expect(run('aborted').verdict).toBe('ABORTED');
    expect(run('aborted').operations).toEqual([]);
    const spectrum = percentileSpectrum(run('pass').operations);
    expect(spectrum.series).toHaveLength(run('pass').operations.length);
    // The spectrum's 0th..P99 points come from the same histogram as the precomputed summary.
    const login = run('pass').operations.find((o) => o.key === 'auth.login')!;
    const series = spectrum.series.find((s) => s.key === 'auth.login')!;
    expect(series.values[spectrum.x.indexOf(100)]).toBeCloseTo(login.latency.p99Ms, 6);
    expect(series.values.filter((v) => v !== null).at(-1)).toBeCloseTo(login.latency.maxMs, 6);
  });
});

describe('format', () => {
  it('uses precision that suits the magnitude and the metric unit', () => {
    expect(formatMs(0.4123)).toBe('0.412ms');
    expect(formatMs(3.181)).toBe('3.18ms');
    expect(formatMs(31.24)).toBe('31.2ms');
    expect(formatMs(1250)).toBe('1,250ms');
    expect(formatRatio(0.0012)).toBe('0.12%');
    expect(formatMetricValue('throughput', 412.4)).toBe('412/s');
    expect(formatMetricValue('p95', null)).toBe('—');
    expect(thresholdTarget({ metric: 'p95', comparator: '<', target: 25 })).toBe('< 25ms');
    expect(thresholdTarget({ metric: 'errors', comparator: '<', target: 0.005 })).toBe('< 0.5%');
  });
});

describe('verdict line and exit codes', () => {
  it('explains each verdict in one line', () => {
    expect(summarizeVerdict(run('pass')).line).toBe('PASS — 4/4 thresholds held');
    expect(summarizeVerdict(run('fail')).line).toMatch(/^FAIL — auth\.login\/db p95 < 25ms measured \d+(\.\d+)?ms$/);
    expect(summarizeVerdict(run('invalid')).line).toMatch(/^INVALID — the load generator could not keep up: .*late/);
    expect(summarizeVerdict(run('aborted')).line).toBe('ABORTED — run stopped early: interrupted by SIGINT during warm-up');
    const twoFailures = { ...run('fail'), thresholds: run('fail').thresholds.map((t) => ({ ...t, status: 'FAIL' as const })) };
    expect(summarizeVerdict(twoFailures).line).toMatch(/\(\+3 more failed\)$/);
  });
});

describe('console report', () => {
  it('shows every operation, every threshold with its status, and ends with the verdict line', () => {
    for (const kind of ['pass', 'fail', 'invalid', 'aborted'] as const) {
      const r = run(kind);
      const text = renderConsole(r);
      const lines = text.trimEnd().split('\n');
      expect(lines.at(-1)).toBe(summarizeVerdict(r).line);
      for (const o of r.operations) expect(text).toContain(o.phase ? `└ ${o.phase}` : o.key);
      for (const t of r.thresholds) {
        const row = lines.find((l) => l.includes(t.scopeKey === 'run' ? t.source : `${t.scopeKey} ${t.source}`));
        expect(row, `${kind}: ${t.source}`).toBeDefined();
        expect(row).toContain(t.status);
      }
      // Plain output has no escape sequences at all.
      expect(text).not.toContain('\u001b[');
    }
  });

  it('shows measured values, generator health and the invalid reasons', () => {
    const fail = renderConsole(run('fail'));
    const login = run('fail').thresholds[0]!;
    expect(fail).toContain(formatMetricValue(login.metric, login.measured));
    expect(fail).toMatch(/Generator health: valid/);
    const invalid = renderConsole(run('invalid'));
    expect(invalid).toMatch(/Generator health: INVALID/);
    for (const reason of run('invalid').generator.invalidReasons) expect(invalid).toContain(reason);
    expect(invalid).toMatch(/dropped 1,080/);
    expect(renderConsole(run('aborted'))).toContain('No operations finished in the measured window.');
  });

  it('prints the diagnosis for every verdict but PASS, and says when abort-on-fail cut the run short', () => {
    expect(renderConsole(run('invalid'))).toMatch(/Diagnosis\nLimited by the load generator: The load generator: authbench-w0 was busy \d+ %/);
    expect(renderConsole(run('fail'))).toMatch(/Limited by the database \(CPU\)/);
    expect(renderConsole(run('pass'))).not.toMatch(/Diagnosis/);
    expect(renderConsole(run('invalid'))).toMatch(/PASS\s+│ not to be trusted: the run is INVALID/);
    const cut = { ...run('fail'), status: 'aborted' as const, abortReason: 'abort-on-fail threshold "p95 < 25ms" failed at 20 s' };
    expect(summarizeVerdict(cut).line).toMatch(/^FAIL — .*; run cut short: abort-on-fail threshold "p95 < 25ms" failed at 20 s$/);
    expect(renderHtml(cut)).toContain('run cut short: abort-on-fail threshold');
  });

  it('lists PostgreSQL connection faults and Redis outages apart, each only when there were some', () => {
    const redisOnly: RunResults = {
      ...run('pass'),
      recovery: { faults: [], redisFaults: [{ firstErrorMs: 2480, recoveredMs: 3600, downtimeMs: 1120, unavailableChecks: 190, workers: 2 }] },
    };
    const text = renderConsole(redisOnly);
    expect(text).not.toContain('Connection faults');
    expect(text).toContain('Redis outages: 1\n  at 2.48 s: recovered after 1,120ms, 190 checks unavailable (2 workers)');
    const both = renderConsole({ ...redisOnly, recovery: { ...redisOnly.recovery!, faults: [{ firstErrorMs: 500, recoveredMs: null, downtimeMs: null, connectionErrors: 9, workers: 1 }] } });
    expect(both).toContain('Connection faults: 1\n  at 0.500 s: not recovered before the end, 9 connection errors (1 worker)');
    expect(both).toContain('Redis outages: 1');
  });

  it('colors only a TTY without NO_COLOR', () => {
    expect(renderConsole(run('fail'), { color: true })).toContain('\u001b[31m');
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('results JSON', () => {
  it('round-trips through writeResults and readResults', async () => {
    const file = path.join(dir, 'roundtrip.json');
    await writeResults(file, run('pass'));
    expect(await readResults(file)).toEqual(JSON.parse(JSON.stringify(run('pass'))));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('never exposes a partial target file, and a crash before the rename leaves the old file and no temp file', async () => {
    const file = path.join(dir, 'atomic.json');
    await writeResults(file, run('pass'));
    const before = fs.readFileSync(file, 'utf8');
    let sawAtRename: { target: string; temp: string } | undefined;
    const realRename = fsp.rename;
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      // At the last moment before the rename: the target is still the old complete file, the temp holds the new one.
      sawAtRename = { target: fs.readFileSync(to, 'utf8'), temp: fs.readFileSync(from, 'utf8') };
      throw Object.assign(new Error('simulated crash before rename'), { code: 'EIO' });
    });
    await expect(writeResults(file, run('fail'))).rejects.toThrow('simulated crash');
    expect(sawAtRename?.target).toBe(before);
    expect(JSON.parse(sawAtRename!.temp).verdict).toBe('FAIL');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.includes('atomic.json') && f !== 'atomic.json')).toEqual([]);
    vi.mocked(fsp.rename).mockImplementation(realRename);
    await writeResults(file, run('fail'));
    expect((await readResults(file)).verdict).toBe('FAIL');
  });

  async function expectRejected(name: string, content: string, field: RegExp): Promise<void> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    const err = await readResults(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    const e = err as InvalidInputError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(file);
    expect(e.message).toMatch(field);
    expect(e.issues.every((i) => i.file === file)).toBe(true);
  }

  it('rejects a truncated file with exit 2 naming the file', async () => {
    const full = `${JSON.stringify(run('pass'), null, 2)}\n`;
    await expectRejected('truncated.json', full.slice(0, Math.floor(full.length / 2)), /not valid JSON/);
  });

  it('rejects a wrong schemaVersion and a foreign file with exit 2 naming the field', async () => {
    await expectRejected('future.json', JSON.stringify({ ...run('pass'), schemaVersion: 2 }), /schemaVersion: expected 1, found 2/);
    await expectRejected('package.json', JSON.stringify({ name: 'x', version: '1.0.0' }), /schemaVersion: expected 1, found missing/);
    await expectRejected('array.json', '[]', /expected a JSON object/);
    const { operations: _ops, ...noOperations } = run('pass');
    await expectRejected('no-ops.json', JSON.stringify(noOperations), /operations: expected an array/);
    const badThreshold = { ...run('pass'), thresholds: [{ source: 'p95 < 1ms', status: 'MAYBE' }] };
    await expectRejected('bad-threshold.json', JSON.stringify(badThreshold), /thresholds\[0\]\.status/);
  });

  it('reports a missing file as invalid input', async () => {
    await expect(readResults(path.join(dir, 'nope.json'))).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('file not found') });
  });
});

describe('JUnit XML', () => {
  it('is well-formed with one testcase per threshold and counts that match', () => {
    for (const kind of ['pass', 'fail', 'invalid', 'aborted'] as const) {
      const r = run(kind);
      const root = parseXml(renderJunit(r));
      expect(root.name).toBe('testsuites');
      const suites = findAll(root, 'testsuite');
      expect(suites).toHaveLength(1);
      const suite = suites[0]!;
      const invalidOrAborted = r.verdict === 'INVALID' || r.verdict === 'ABORTED' ? 1 : 0;
      const cases = findAll(suite, 'testcase');
      expect(cases).toHaveLength(r.thresholds.length + 1);
      expect(Number(suite.attributes.tests)).toBe(cases.length);
      expect(Number(suite.attributes.failures)).toBe(r.thresholds.filter((t) => t.status === 'FAIL').length);
      expect(findAll(suite, 'failure')).toHaveLength(Number(suite.attributes.failures));
      expect(Number(suite.attributes.skipped)).toBe(r.thresholds.filter((t) => t.status === 'INCONCLUSIVE').length);
      expect(findAll(suite, 'skipped')).toHaveLength(Number(suite.attributes.skipped));
      expect(Number(suite.attributes.errors)).toBe(invalidOrAborted);
      expect(findAll(suite, 'error')).toHaveLength(invalidOrAborted);
      // Names come back unescaped: `<` survives the round trip.
      expect(cases[0]!.attributes.name).toBe('auth.login/db p95 < 25ms');
    }
  });

  it('has the validity testcase under one fixed name in every run, an error only when INVALID or ABORTED', () => {
    for (const kind of ['pass', 'fail', 'invalid', 'aborted'] as const) {
      const r = run(kind);
      const validity = findAll(parseXml(renderJunit(r)), 'testcase').filter((c) => c.attributes.name === 'run is valid');
      expect(validity, kind).toHaveLength(1);
      expect(validity[0]!.attributes.classname).toBe('authbench.login-mix.run');
      expect(findAll(validity[0]!, 'error'), kind).toHaveLength(r.verdict === 'INVALID' || r.verdict === 'ABORTED' ? 1 : 0);
    }
    const pass = findAll(parseXml(renderJunit(run('pass'))), 'testcase').find((c) => c.attributes.name === 'run is valid')!;
    expect(findAll(pass, 'system-out')[0]!.text).toMatch(/^generator kept up: \d+ scheduled, 0 dropped, \d+ late \(> 10 ms\), event-loop lag p99 [\d.]+ ms/);
  });

  it('gives Jenkins class names without a dot inside the operation key or scenario name', () => {
    const r = run('fail');
    const dotted: RunResults = { ...r, scenario: { ...r.scenario, name: 'login.v2' } };
    const classes = findAll(parseXml(renderJunit(dotted)), 'testcase').map((c) => c.attributes.classname ?? '');
    expect(classes).toContain('authbench.login_v2.auth_login/db');
    // Jenkins takes the class after the last dot and the package before it.
    for (const c of classes) expect(c.split('.').slice(0, 2)).toEqual(['authbench', 'login_v2']);
    for (const c of classes) expect(c.split('.')).toHaveLength(3);
    // The testcase name keeps the key as written.
    expect(findAll(parseXml(renderJunit(dotted)), 'testcase')[0]!.attributes.name).toBe('auth.login/db p95 < 25ms');
  });

  it('carries the abort reason of a run stopped early by abort-on-fail (verdict FAIL)', () => {
    const r: RunResults = { ...run('fail'), status: 'aborted', abortReason: 'abort-on-fail: auth.login/db p95 < 25ms measured 41ms after the 10s grace' };
    const root = parseXml(renderJunit(r));
    const validity = findAll(root, 'testcase').find((c) => c.attributes.name === 'run is valid')!;
    expect(findAll(validity, 'system-out')[0]!.text).toContain('run stopped early: abort-on-fail: auth.login/db p95 < 25ms measured 41ms');
    expect(findAll(root, 'property').find((p) => p.attributes.name === 'abort.reason')?.attributes.value).toBe(r.abortReason);
  });

  it('puts measured vs target in the failure and the reason in skipped', () => {
    const fail = parseXml(renderJunit(run('fail')));
    const failure = findAll(fail, 'failure')[0]!;
    expect(failure.attributes.message).toMatch(/^auth\.login\/db p95 < 25ms: measured [\d.]+ms, target < 25ms$/);
    const aborted = parseXml(renderJunit(run('aborted')));
    expect(findAll(aborted, 'skipped')[0]!.attributes.message).toMatch(/^INCONCLUSIVE: only 0 samples/);
    expect(findAll(aborted, 'error')[0]!.attributes.type).toBe('Aborted');
  });

  it('escapes markup, quotes and control characters', () => {
    expect(escapeXml(`a<b>&"c"'d'\u0001\n`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;&#10;');
    const nasty: RunResults = {
      ...run('fail'),
      scenario: { ...run('fail').scenario, name: 'x"y<z>&\u0007' },
      thresholds: [{ ...run('fail').thresholds[0]!, source: 'p95 < 25ms ]]> "&"', reason: 'line1\nline2 </failure>' }],
    };
    const root = parseXml(renderJunit(nasty));
    expect(findAll(root, 'testsuite')[0]!.attributes.name).toBe('authbench: x"y<z>&');
    expect(findAll(root, 'failure')[0]!.text).toContain('line2 </failure>');
  });

  it('the test checker itself rejects broken XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/does not match/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow(/raw </);
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/unknown entity/);
    expect(() => parseXml('<a>')).toThrow(/unclosed/);
  });
});

describe('HTML report', () => {
  const attributeUrls = (html: string): string[] =>
    [...html.matchAll(/\s(?:src|href|action|poster|srcset|data)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1] ?? '');

  it('puts the abort reason in the banner and does not claim the planned duration was measured', () => {
    const r = run('fail');
    const stopped: RunResults = {
      ...r,
      status: 'aborted',
      abortReason: 'abort-on-fail: auth.login/db p95 < 25ms measured 41ms after the 10s grace',
      measuredWindow: { startMs: r.measuredWindow.startMs, endMs: r.measuredWindow.startMs + 12_000 },
    };
    const html = renderHtml(stopped);
    const bannerHtml = /<section class="banner[^"]*"[\s\S]*?<\/section>/.exec(html)![0];
    expect(bannerHtml).toContain('<div class="stopped">Stopped early: abort-on-fail: auth.login/db p95 &lt; 25ms measured 41ms after the 10s grace</div>');
    expect(bannerHtml).toContain('12s measured');
    expect(html).toContain('12s measured of 1m planned after 10s warm-up');
    expect(html).not.toContain('1m measured after');
    // A completed run keeps the plain form, and no "stopped" line.
    expect(renderHtml(r)).toContain('1m measured after 10s warm-up');
    expect(renderHtml(r)).not.toContain('class="stopped"');
  });

  it('loads nothing from the network: no src/href URLs, no <link>, no <script src>', () => {
    for (const kind of ['pass', 'aborted'] as const) {
      const html = renderHtml(run(kind));
      // Look only at the markup: strip the embedded data and inline scripts, where URLs are just text.
      const markup = html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '<script></script>').replace(/<!--[\s\S]*?-->/g, '');
      expect(markup).not.toMatch(/<link\b/i);
      expect(markup).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
      expect(markup).not.toMatch(/<(img|iframe|object|embed|video|audio|source)\b/i);
      expect(attributeUrls(markup)).toEqual([]);
      expect(markup).not.toMatch(/https?:\/\//i);
      expect(markup).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
      expect(markup).not.toMatch(/@import/i);
    }
  });

  it('inlines uPlot and embeds the results as JSON that parses back to the same results', () => {
    const r = run('fail');
    const html = renderHtml(r);
    expect(html).toContain('uPlot');
    const m = /<script id="authbench-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    expect(m![1]).not.toContain('<');
    const data = JSON.parse(m![1]!) as { results: RunResults; spectrum: { x: number[] } };
    expect(data.results).toEqual(JSON.parse(JSON.stringify(r)));
    expect(data.spectrum.x.length).toBeGreaterThan(10);
    // Exactly three script elements: data, uPlot, the report's own code. The scenario's </script> did not close any.
    expect(html.match(/<script\b/gi)).toHaveLength(3);
    expect(html.match(/<\/script>/gi)).toHaveLength(3);
  });

  it('shows the verdict banner, every threshold and every operation as static markup', () => {
    for (const kind of ['pass', 'fail', 'invalid', 'aborted'] as const) {
      const r = run(kind);
      const html = renderHtml(r);
      expect(html).toContain(`class="banner ${r.verdict}"`);
      for (const t of r.thresholds) {
        // A threshold that held on an INVALID run measured the generator: shown, but marked not to be trusted.
        const untrusted = r.verdict === 'INVALID' && t.status === 'PASS';
        expect(html).toContain(untrusted ? '<span class="pill untrusted" title="not to be trusted' : `<span class="pill ${t.status}">${t.status}</span>`);
      }
      for (const o of r.operations) expect(html).toContain(o.phase ? `└ ${o.phase}` : `>${o.key}<`);
      expect(html).toContain(`data-resource="${r.diagnosis?.resource}"`);
    }
    expect(renderHtml(run('invalid'))).toContain('not to be trusted: the run is INVALID');
    expect(renderHtml(run('invalid'))).toContain('Limited by the load generator');
    expect(renderHtml(run('invalid'))).toContain(run('invalid').generator.invalidReasons[0]!.replace(/&/g, '&amp;'));
  });

  it('escapes script-closing sequences in inline code and data', () => {
    expect(escapeInlineScript('a("</script>"); b("</SCRIPT >"); c("<!--")')).toBe('a("<\\/script>"); b("<\\/SCRIPT >"); c("<\\!--")');
    expect(embedJson({ s: '</script><!--' })).toBe('{"s":"\\u003c/script>\\u003c!--"}');
    expect(JSON.parse(embedJson({ s: '</script>' }))).toEqual({ s: '</script>' });
  });
});

describe('writeReports', () => {
  it('writes the selected files and returns their paths', async () => {
    const out = path.join(dir, 'out', 'nested');
    const paths = await writeReports(run('fail'), out, { json: true, junit: true, html: true });
    expect(paths).toEqual({
      json: path.join(out, REPORT_FILES.json),
      junit: path.join(out, REPORT_FILES.junit),
      html: path.join(out, REPORT_FILES.html),
    });
    expect(fs.readdirSync(out).sort()).toEqual(['junit.xml', 'report.html', 'results.json']);
    expect(await writeReports(run('pass'), path.join(dir, 'only-junit'), { junit: true })).toEqual({ junit: path.join(dir, 'only-junit', 'junit.xml') });
  });
});
