// Runs one iteration: picks a mix entry, runs its steps in order on the iteration's own connection, and
// reports every step and phase as a sample. Knows nothing of schedules or thresholds (k6's executors emit only).
import { isUnavailable } from '../authdb/redis/availability.js';
import type { ErrorKind } from '../results/types.js';
import { metricKey } from '../scenario/plan.js';
import { breaksConnection, classifyError } from './classify-error.js';
import { epochNowMs, msToUs } from './clock.js';
import type { ConnectionSlots, Slot } from './connection-slots.js';
import type { Sampler } from './generators.js';
import type { IntervalRecorder } from '../metrics/interval-recorder.js';
import type { IterationScope, ParamValue, PreparedOperation, StepResult } from './operations/types.js';

/** One step of a mix entry, ready to run. */
export interface PreparedStep {
  readonly operation: string;
  readonly prepared: PreparedOperation;
  readonly samplers: ReadonlyMap<string, Sampler>;
}

export interface PreparedEntry {
  readonly name: string;
  readonly steps: readonly PreparedStep[];
}

export interface IterationTiming {
  /** When the schedule meant the iteration to start (epoch ms). Equal to `startedAtMs` in the closed model. */
  readonly intendedStartMs: number;
  readonly startedAtMs: number;
}

interface PhaseRecord {
  name: string;
  durationMs: number;
  error?: ErrorKind;
}

/** Scope of one step: draws parameters once each and times phases. Both lists are made only when first used. */
class StepScope implements IterationScope {
  phases: PhaseRecord[] | null = null;
  private drawn: Map<string, ParamValue> | null = null;

  constructor(
    private readonly slot: Slot,
    private readonly samplers: ReadonlyMap<string, Sampler>,
  ) {}

  /** The slot's current client: it may have been reconnected since the iteration began. */
  get pg(): IterationScope['pg'] {
    return this.slot.client;
  }

  param(name: string): ParamValue | undefined {
    const cached = this.drawn?.get(name);
    if (cached !== undefined) return cached;
    const sampler = this.samplers.get(name);
    if (!sampler) return undefined;
    const value = sampler();
    (this.drawn ??= new Map()).set(name, value);
    return value;
  }

  /** Times `fn` as phase `name`. A Redis layer answer of `unavailable` is a `cache` error of the phase, not a success. */
  async phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = epochNowMs();
    try {
      const value = await fn();
      this.addPhase(name, epochNowMs() - start, isUnavailable(value) ? 'cache' : undefined);
      return value;
    } catch (err) {
      this.addPhase(name, epochNowMs() - start, classifyError(err));
      throw err;
    }
  }

  /** A phase entered twice in one step (login's two database calls) is one sample: their summed time. */
  addPhase(name: string, durationMs: number, error?: ErrorKind): void {
    const phases = (this.phases ??= []);
    const existing = phases.find((p) => p.name === name);
    if (existing) {
      existing.durationMs += durationMs;
      if (error) existing.error ??= error;
    } else {
      phases.push(error ? { name, durationMs, error } : { name, durationMs });
    }
  }
}

export class IterationRunner {
  /** Set once the run cuts off in-flight work: failures after it are `interrupted`, not the server's fault. */
  cutOff = false;
  /** operation → phase → its metric key (`auth.login/db`), so the hot path does not build the string per sample. */
  private readonly phaseKeys = new Map<string, Map<string, string>>();

  constructor(
    private readonly pickEntry: () => PreparedEntry,
    private readonly slots: ConnectionSlots,
    private readonly recorder: IntervalRecorder,
  ) {}

  /** Runs one iteration on `slot`. Never throws: every failure becomes a sample. Returns true when it succeeded. */
  async run(slot: Slot, timing: IterationTiming): Promise<boolean> {
    const entry = this.pickEntry();
    let stepIntended = timing.intendedStartMs;
    let stepStarted = timing.startedAtMs;
    let allOk = true;
    for (const step of entry.steps) {
      const result = await this.runStep(slot, step, stepIntended, stepStarted);
      if ('error' in result) {
        allOk = false;
        break; // a flow stops at its first failed step, like a user who could not log in
      }
      // Later steps have no schedule of their own: they are meant to start when the previous one ended.
      stepIntended = stepStarted = epochNowMs();
    }
    return allOk;
  }

  private async runStep(slot: Slot, step: PreparedStep, intendedMs: number, startedMs: number): Promise<StepResult> {
    const scope = new StepScope(slot, step.samplers);
    let result: StepResult;
    try {
      if (slot.broken) await this.slots.repair(slot);
      result = await step.prepared.run(scope);
    } catch (err) {
      if (breaksConnection(err)) slot.broken = true;
      result = { error: this.cutOff ? 'interrupted' : classifyError(err), message: (err as Error)?.message ?? String(err) };
    }
    const end = epochNowMs();
    const latencyUs = msToUs(end - intendedMs);
    const serviceUs = msToUs(end - startedMs);
    if ('error' in result) {
      this.recorder.recordError(step.operation, result.error, latencyUs, serviceUs);
    } else {
      this.recorder.record(step.operation, latencyUs, serviceUs);
      this.recorder.recordOutcome(step.operation, result.outcome);
    }
    // Phases have no schedule of their own: latency and service time are the phase's duration.
    if (scope.phases === null) return result;
    for (const phase of scope.phases) {
      const us = msToUs(phase.durationMs);
      const key = this.phaseKey(step.operation, phase.name);
      if (phase.error) this.recorder.recordError(key, this.cutOff ? 'interrupted' : phase.error, us, us);
      else this.recorder.record(key, us, us);
    }
    return result;
  }

  private phaseKey(operation: string, phase: string): string {
    let phases = this.phaseKeys.get(operation);
    if (phases === undefined) this.phaseKeys.set(operation, (phases = new Map()));
    let key = phases.get(phase);
    if (key === undefined) phases.set(phase, (key = metricKey(operation, phase)));
    return key;
  }
}
