// `authbench capacity`: provisions and seeds once, then runs the scenario's mix at one open-model rate per step
// (ramp, then bisection: ./search.ts), judges each step by its thresholds, and writes capacity.json + HTML.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../errors.js';
import { writeFileAtomic } from '../report/index.js';
import { renderCapacityHtml } from '../report/capacity-html.js';
import { CAPACITY_SCHEMA_VERSION, type CapacityResults, type CapacityStep } from '../results/capacity.js';
import type { RunResults } from '../results/types.js';
import { applyOverrides } from '../run/plan-overrides.js';
import type { ProgressStream } from '../run/progress.js';
import { runDirectory } from '../run/report-stage.js';
import { BenchmarkRun } from '../run/run-benchmark.js';
import { watchRunSignals, type RunPhase } from '../run/signals.js';
import { prepareTarget, targetSpecOf } from '../run/target-stage.js';
import { SCENARIO_LIMITS } from '../scenario/defaults.js';
import type { Plan } from '../scenario/plan.js';
import { formatDuration } from '../scenario/units.js';
import type { TargetSpec } from '../target/types.js';
import { formatMetricValue } from '../report/format.js';
import { searchCapacity, type StepVerdict } from './search.js';
import { renderCapacityConsole, summarizeCapacity } from './render.js';
import { durabilityWeakenedBy } from '../target/durability.js';

export const CAPACITY_FILES = { json: 'capacity.json', html: 'capacity.html' } as const;

/** Metrics that describe the load rather than how the database coped with it: each step sets its own rate. */
const LOAD_SHAPE_METRICS = new Set(['throughput', 'count', 'connections']);

export interface CapacityOptions {
  /** First rate (per second); default the scenario's rate ÷ 8. */
  readonly start?: number;
  /** Highest rate (per second); default the scenario's rate × 4. */
  readonly max?: number;
  readonly stepDurationMs?: number;
  /** Warm-up of each step (connections opened, statements prepared); default min(scenario warm-up, 5 s). */
  readonly stepWarmupMs?: number;
  /** Relative precision of the knee, 0..1; default 0.05. */
  readonly precision?: number;
  readonly growth?: number;
  readonly maxSteps?: number;
  readonly target?: Partial<TargetSpec>;
  /** Default reports/<scenario>-capacity-<timestamp>/. */
  readonly outDir?: string;
  readonly html?: boolean;
  readonly progress?: ProgressStream;
  readonly stdout?: { write(chunk: string): unknown };
  readonly handleSignals?: boolean;
  /** Passed to each step (tests on a shared box loosen it). */
  readonly latenessBoundMs?: number;
}

export interface CapacityOutcome {
  readonly results: CapacityResults;
  readonly dir: string;
}

function peakRate(plan: Plan): number {
  return plan.load.model === 'open' ? Math.max(plan.load.startRate, ...plan.load.stages.map((s) => s.targetRate)) : 0;
}

/** The verdict of a step, from its run's verdict; ABORTED (Ctrl-C) stops the search. */
function stepVerdictOf(results: RunResults): StepVerdict | 'stop' {
  switch (results.verdict) {
    case 'PASS':
      return 'held';
    case 'FAIL':
      return 'failed';
    case 'INVALID':
      return 'invalid';
    case 'INCONCLUSIVE':
      return 'inconclusive';
    case 'ABORTED':
      return 'stop';
  }
}

function reasonsOf(results: RunResults): string[] {
  if (results.verdict === 'INVALID') {
    return results.generator.invalidReasons.length > 0 ? [...results.generator.invalidReasons] : [results.abortReason ?? 'the run failed'];
  }
  return results.thresholds
    .filter((t) => t.status !== 'PASS')
    .map((t) => {
      const scope = t.scopeKey === 'run' ? '' : `${t.scopeKey} `;
      return t.status === 'FAIL'
        ? `${scope}${t.source} measured ${formatMetricValue(t.metric, t.measured)}`
        : `${scope}${t.source} INCONCLUSIVE: ${t.reason ?? 'not proven'}`;
    });
}

function stepOf(index: number, rate: number, verdict: StepVerdict, results: RunResults, resultsPath: string): CapacityStep {
  const top = results.operations.filter((o) => o.phase === undefined);
  return {
    index,
    rate,
    achievedRate: top.reduce((sum, o) => sum + o.throughputPerSec, 0),
    verdict,
    runVerdict: results.verdict,
    reasons: verdict === 'held' ? [] : reasonsOf(results),
    operations: results.operations.map((o) => ({
      key: o.key,
      count: o.count,
      errorRatio: o.count === 0 ? 0 : Object.values(o.errors).reduce<number>((s, n) => s + (n ?? 0), 0) / o.count,
      p50Ms: o.latency.p50Ms,
      p95Ms: o.latency.p95Ms,
      p99Ms: o.latency.p99Ms,
    })),
    results: resultsPath,
    ...(verdict !== 'held' && results.diagnosis ? { diagnosis: results.diagnosis } : {}),
  };
}

/** Checks the scenario and options and returns the search settings (InvalidInputError, exit 2, otherwise). */
export function capacitySettings(plan: Plan, opts: CapacityOptions): CapacityResults['search'] & { maxSteps: number } {
  const issues: { path: string; message: string }[] = [];
  if (plan.load.model !== 'open') {
    throw new InvalidInputError([{ path: 'load.model', message: `capacity steps the open-model arrival rate; ${plan.name} is a closed-model scenario (use an open-model one, e.g. login.yaml)` }]);
  }
  const rate = peakRate(plan);
  const start = opts.start ?? Math.max(1, Math.round(rate / 8));
  // Each step is a run at its rate: the file's limits (SCENARIO_LIMITS) bound the search, so no step is refused mid-search.
  const limits = SCENARIO_LIMITS;
  const max = opts.max ?? Math.min(limits.maxRatePerSec, Math.max(start, rate * 4));
  const precision = opts.precision ?? 0.05;
  const stepDurationMs = opts.stepDurationMs ?? 20_000;
  const stepWarmupMs = opts.stepWarmupMs ?? Math.min(plan.load.warmupMs, 5_000);
  if (!(start > 0)) issues.push({ path: '--start', message: `must be a rate above 0/s, got ${start}` });
  if (!(max >= start)) issues.push({ path: '--max', message: `must be at least --start (${start}/s), got ${max}/s` });
  if (start > limits.maxRatePerSec) issues.push({ path: '--start', message: `must be at most ${limits.maxRatePerSec}/s, got ${start}/s` });
  if (max > limits.maxRatePerSec) issues.push({ path: '--max', message: `must be at most ${limits.maxRatePerSec}/s, got ${max}/s` });
  if (stepDurationMs > limits.maxDurationMs) issues.push({ path: '--step-duration', message: `must be at most ${formatDuration(limits.maxDurationMs)}, got ${formatDuration(stepDurationMs)}` });
  if (stepWarmupMs > limits.maxWarmupMs) issues.push({ path: '--step-warmup', message: `must be at most ${formatDuration(limits.maxWarmupMs)}, got ${formatDuration(stepWarmupMs)}` });
  if (!(precision > 0 && precision < 1)) issues.push({ path: '--precision', message: `must be a share between 0 and 1 like 5%, got ${precision}` });
  if (!(stepDurationMs >= 1000)) issues.push({ path: '--step-duration', message: `must be at least 1s, got ${stepDurationMs} ms` });
  if (!(stepWarmupMs >= 0)) issues.push({ path: '--step-warmup', message: `must be 0s or more, got ${stepWarmupMs} ms` });
  if (issues.length > 0) throw new InvalidInputError(issues);
  return { start, max, precision, growth: opts.growth ?? 2, stepDurationMs, stepWarmupMs, connections: plan.load.connections, workers: plan.load.workers, maxSteps: opts.maxSteps ?? 30 };
}

/** The plan of one step: the scenario's mix at `rate` for the step's duration, judged by the kept thresholds. */
export function stepPlan(plan: Plan, rate: number, settings: Pick<CapacityResults['search'], 'stepDurationMs' | 'stepWarmupMs'>): Plan {
  const base = applyOverrides(plan, { rate, duration: `${settings.stepDurationMs}ms` });
  return { ...base, load: { ...base.load, warmupMs: settings.stepWarmupMs }, thresholds: plan.thresholds.filter((t) => !LOAD_SHAPE_METRICS.has(t.metric)) };
}

export async function runCapacity(plan: Plan, opts: CapacityOptions = {}): Promise<CapacityOutcome> {
  const settings = capacitySettings(plan, opts);
  const kept = plan.thresholds.filter((t) => !LOAD_SHAPE_METRICS.has(t.metric));
  const label = (t: (typeof kept)[number]): string => (t.scope.kind === 'run' ? `run ${t.source}` : `${t.scope.operation}${t.scope.phase ? `/${t.scope.phase}` : ''} ${t.source}`);
  const progress = opts.progress ?? process.stderr;
  const log = (line: string): void => void progress.write(`${line}\n`);
  const startedAt = new Date();
  const dir = opts.outDir ?? runDirectory(`${plan.name}-capacity`, startedAt);
  await fs.mkdir(dir, { recursive: true });
  if (kept.length === 0) log('Warning: the scenario has no latency or error thresholds; every valid step holds, so the knee is where the generator gives up.');

  // One owner of Ctrl-C for the whole search (provisioning, every step, between steps): the current step stops and
  // writes what it measured, the search ends, capacity.json is written, then the servers are stopped.
  const abort = new AbortController();
  let phase: RunPhase = 'provision';
  let current: BenchmarkRun | undefined;
  const signals = opts.handleSignals
    ? watchRunSignals((signal) => {
        abort.abort();
        current?.stop(`${signal} received`);
      }, () => phase)
    : undefined;
  const steps: CapacityStep[] = [];
  let search: Awaited<ReturnType<typeof searchCapacity>>;
  let nonDurable: string[] = [];
  try {
    const prepared = await prepareTarget(plan, targetSpecOf(plan, opts.target), { log, signal: abort.signal, onPhase: (p) => (phase = p) });
    nonDurable = durabilityWeakenedBy(prepared.target.settings);
    phase = 'load';
    try {
      search = await searchCapacity(settings, async (rate, i) => {
        if (abort.signal.aborted) return 'stop';
        const stepDir = `step-${String(i + 1).padStart(2, '0')}-${rate}`;
        log(`Capacity step ${i + 1}: ${rate}/s for ${settings.stepDurationMs / 1000} s…`);
        current = new BenchmarkRun(stepPlan(plan, rate, settings), {
          prepared,
          outDir: path.join(dir, stepDir),
          reports: { html: false, junit: false, console: false },
          progress,
          stdout: { write: () => true },
          ...(opts.latenessBoundMs !== undefined ? { latenessBoundMs: opts.latenessBoundMs } : {}),
        });
        const outcome = await current.execute();
        current = undefined;
        if (outcome.error) throw outcome.error;
        const verdict = stepVerdictOf(outcome.results);
        if (verdict === 'stop') return 'stop';
        const step = stepOf(i + 1, rate, verdict, outcome.results, `${stepDir}/results.json`);
        steps.push(step);
        log(`  → ${verdict}${step.reasons.length > 0 ? `: ${step.reasons.join('; ')}` : ''} (achieved ${step.achievedRate.toFixed(1)}/s)`);
        return verdict;
      });
    } finally {
      await prepared.target[Symbol.asyncDispose]();
    }
  } finally {
    signals?.dispose();
  }
  const firstBadStep = search.firstBad ? steps.find((s) => s.rate === search.firstBad?.rate) : undefined;
  const partial = {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    kind: 'authbench-capacity' as const,
    scenario: { name: plan.name, file: plan.source.file, description: plan.description },
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    search: { start: settings.start, max: settings.max, precision: settings.precision, growth: settings.growth, stepDurationMs: settings.stepDurationMs, stepWarmupMs: settings.stepWarmupMs, connections: settings.connections, workers: settings.workers },
    thresholds: kept.map(label),
    ignoredThresholds: plan.thresholds.filter((t) => LOAD_SHAPE_METRICS.has(t.metric)).map(label),
    steps,
    knee: search.knee,
    firstBad: firstBadStep ? { rate: firstBadStep.rate, verdict: firstBadStep.verdict, reasons: firstBadStep.reasons, ...(firstBadStep.diagnosis ? { diagnosis: firstBadStep.diagnosis } : {}) } : null,
    end: search.end,
    ...(nonDurable.length > 0 ? { nonDurable } : {}),
  };
  const results: CapacityResults = { ...partial, summary: summarizeCapacity(partial) };
  await writeFileAtomic(path.join(dir, CAPACITY_FILES.json), `${JSON.stringify(results, null, 2)}\n`);
  if (opts.html ?? true) await writeFileAtomic(path.join(dir, CAPACITY_FILES.html), renderCapacityHtml(results));
  (opts.stdout ?? process.stdout).write(renderCapacityConsole(results));
  return { results, dir };
}
