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
  /** How long it waited for a free connection (open model, ms; 0 or absent when one was free at once). */
  readonly connectionWaitMs?: number;
}

interface PhaseRecord {
  name: string;
  durationMs: number;
  /** The step's wait for a free connection (from its intended start) that this phase's latency carries. */
  waitedMs: number;
  error?: ErrorKind;
}

/**
 * The phase that carries a step's wait for a free connection (from its intended start): the database part. A client's
 * pool wait is part of the time its database calls take (an application timing its queries sees it), so
 * `auth.login/db` cannot pass while arrivals queue for connections; its service time stays the phase's own. An
 * arrival that found a connection at once carries nothing: its schedule lag is the generator's, reported apart.
 */
const CONNECTION_WAIT_PHASE = 'db';

/** Scope of one step: draws parameters once each and times phases. Both lists are made only when first used. */
class StepScope implements IterationScope {
  phases: PhaseRecord[] | null = null;
  private drawn: Map<string, ParamValue> | null = null;

  constructor(
    private readonly slot: Slot,
    private readonly samplers: ReadonlyMap<string, Sampler>,
    /** How long the step waited for its connection; handed to the first database phase, then 0. */
    private waitMs: number,
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
    let waitedMs = 0;
    if (name === CONNECTION_WAIT_PHASE && this.waitMs > 0) {
      waitedMs = this.waitMs;
      this.waitMs = 0;
    }
    const existing = phases.find((p) => p.name === name);
    if (existing) {
      existing.durationMs += durationMs;
      existing.waitedMs += waitedMs;
      if (error) existing.error ??= error;
    } else {
      phases.push(error ? { name, durationMs, waitedMs, error } : { name, durationMs, waitedMs });
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
    let connectionWaitMs = timing.connectionWaitMs ?? 0;
    let allOk = true;
    for (const step of entry.steps) {
      const result = await this.runStep(slot, step, stepIntended, stepStarted, connectionWaitMs);
      connectionWaitMs = 0;
      if ('error' in result) {
        allOk = false;
        break; // a flow stops at its first failed step, like a user who could not log in
      }
      // Later steps have no schedule of their own: they are meant to start when the previous one ended.
      stepIntended = stepStarted = epochNowMs();
    }
    return allOk;
  }

  /**
   * An arrival that waited for a connection past the pool timeout: a `timeout` error of the operation the mix picks
   * for it (so the mix stays the planned one), with the latency it waited and no service time (it never ran).
   */
  recordPoolTimeout(intendedStartMs: number, nowMs: number): void {
    const first = this.pickEntry().steps[0];
    if (first !== undefined) this.recorder.recordError(first.operation, 'timeout', msToUs(nowMs - intendedStartMs));
  }

  private async runStep(slot: Slot, step: PreparedStep, intendedMs: number, startedMs: number, connectionWaitMs: number): Promise<StepResult> {
    const scope = new StepScope(slot, step.samplers, connectionWaitMs);
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
    // Phases have no schedule of their own: service time is the phase's duration, and so is latency, except that the
    // database phase also carries the wait before the step started (CONNECTION_WAIT_PHASE).
    if (scope.phases === null) return result;
    for (const phase of scope.phases) {
      const us = msToUs(phase.durationMs);
      const latencyUs = phase.waitedMs > 0 ? msToUs(phase.durationMs + phase.waitedMs) : us;
      const key = this.phaseKey(step.operation, phase.name);
      if (phase.error) this.recorder.recordError(key, this.cutOff ? 'interrupted' : phase.error, latencyUs, us);
      else this.recorder.record(key, latencyUs, us);
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
