// JUnit XML for CI: one testsuite per run, one testcase per threshold, and the `run is valid` testcase in every run
// (an error when INVALID or ABORTED). CI systems then show failed thresholds as failed tests with measured vs target.
import type { RunResults } from '../results/types.js';
import type { ThresholdVerdict } from '../thresholds/types.js';
import { formatMetricValue, thresholdLabel, thresholdTarget } from './format.js';
import { summarizeVerdict } from './verdict-line.js';

/** Escape text for XML content and attribute values; strips characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Newlines in attributes would be normalized to spaces by parsers; keep them as character references.
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(record: Record<string, string | number>): string {
  return Object.entries(record)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** The fixed name of the validity testcase: the verdict stays out of it, so CI test history follows one test. */
export const VALIDITY_TESTCASE = 'run is valid';

/**
 * One classname segment. Jenkins splits a classname into package and class at its last dot, so `auth.login/db`
 * would become class `login/db` in package `….auth`; dots inside a segment become `_` (the testcase name keeps the
 * real key).
 */
function classSegment(text: string): string {
  return text.replace(/\./g, '_');
}

function thresholdCase(v: ThresholdVerdict, classPrefix: string): string {
  const head = `    <testcase${attrs({ classname: `${classPrefix}.${classSegment(v.scopeKey)}`, name: thresholdLabel(v), time: 0 })}`;
  const measured = formatMetricValue(v.metric, v.measured);
  const detail = `target ${thresholdTarget(v)}, measured ${measured}, samples ${v.samples}`;
  switch (v.status) {
    case 'PASS':
      return `${head}>\n      <system-out>${escapeXml(detail)}</system-out>\n    </testcase>`;
    case 'FAIL': {
      const message = `${thresholdLabel(v)}: measured ${measured}, target ${thresholdTarget(v)}`;
      const body = v.reason ? `${detail}\n${v.reason}` : detail;
      return `${head}>\n      <failure${attrs({ message, type: 'ThresholdFailed' })}>${escapeXml(body)}</failure>\n    </testcase>`;
    }
    case 'INCONCLUSIVE': {
      const message = `INCONCLUSIVE: ${v.reason ?? `only ${v.samples} samples`}`;
      return `${head}>\n      <skipped${attrs({ message })}/>\n    </testcase>`;
    }
  }
}

/** The JUnit XML document for one run. */
export function renderJunit(results: RunResults): string {
  const summary = summarizeVerdict(results);
  const classPrefix = `authbench.${classSegment(results.scenario.name)}`;
  const cases = results.thresholds.map((v) => thresholdCase(v, classPrefix));
  const stoppedEarly = results.status === 'aborted' && results.abortReason ? `run stopped early: ${results.abortReason}` : '';
  const head = `    <testcase${attrs({ classname: `${classPrefix}.run`, name: VALIDITY_TESTCASE, time: 0 })}>\n`;
  let errors = 0;
  if (results.verdict === 'INVALID' || results.verdict === 'ABORTED') {
    errors = 1;
    const type = results.verdict === 'INVALID' ? 'InvalidRun' : 'Aborted';
    const reasons = results.verdict === 'INVALID' ? results.generator.invalidReasons : [];
    const body = [...reasons, stoppedEarly].filter(Boolean).join('\n');
    cases.push(`${head}      <error${attrs({ message: summary.line, type })}>${escapeXml(body)}</error>\n    </testcase>`);
  } else {
    const g = results.generator;
    const health = `generator kept up: ${g.scheduled} scheduled, ${g.dropped} dropped, ${g.late} late (> ${g.latenessBoundMs} ms), event-loop lag p99 ${g.eventLoopLagP99Ms.toFixed(1)} ms`;
    cases.push(`${head}      <system-out>${escapeXml([health, stoppedEarly].filter(Boolean).join('\n'))}</system-out>\n    </testcase>`);
  }
  const failures = results.thresholds.filter((t) => t.status === 'FAIL').length;
  const skipped = results.thresholds.filter((t) => t.status === 'INCONCLUSIVE').length;
  const seconds = Math.max(0, (Date.parse(results.endedAt) - Date.parse(results.startedAt)) / 1000);
  const counts = { tests: cases.length, failures, errors, skipped };
  const suite = attrs({
    name: `authbench: ${results.scenario.name}`,
    ...counts,
    time: Number.isFinite(seconds) ? seconds.toFixed(3) : 0,
    timestamp: results.startedAt,
  });
  const properties = [
    ['verdict', summary.line],
    ['scenario.file', results.scenario.file],
    ['authbench.version', results.authbench.version],
    ['git.commit', results.authbench.gitCommit ?? ''],
    ['postgres.version', results.target.serverVersion],
    ['redis.version', results.target.redisVersion],
    ['durability', results.target.nonDurable?.length ? `non-durable: ${results.target.nonDurable.join(', ')}` : 'durable'],
    ...(results.status === 'aborted' && results.abortReason ? [['abort.reason', results.abortReason]] : []),
  ]
    .map(([name, value]) => `      <property${attrs({ name: name ?? '', value: value ?? '' })}/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'authbench', ...counts })}>`,
    `  <testsuite${suite}>`,
    '    <properties>',
    properties,
    '    </properties>',
    ...cases,
    `    <system-out>${escapeXml(summary.line)}</system-out>`,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
