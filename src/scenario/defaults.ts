// Defaults and bounds of every scenario field, in program units. docs/scenarios.md documents the same numbers;
// the parser, the JSON schema test and the docs all read them from here.

export const SCENARIO_DEFAULTS = Object.freeze({
  seed: 1,
  target: Object.freeze({ kind: 'embedded' as const, synchronousCommit: true, allowNonEmpty: false, cache: 'warm' as const }),
  dataset: Object.freeze({ users: 100_000, seed: 1, sessionsPerUser: 1, revokedShare: 0.05, agentShare: 0.02 }),
  load: Object.freeze({
    model: 'open' as const,
    warmupMs: 10_000,
    /** Open model; the closed model defaults to one connection per virtual user. */
    connections: 64,
    gracefulStopMs: 5_000,
    /** Open model: an arrival waits this long for a free connection, then fails as a timeout (a client pool's wait). */
    poolTimeoutMs: 5_000,
    /** Ramping open model: the rate the first stage starts from (k6's ramping-arrival-rate does the same). */
    startRate: 0,
    thinkTimeMs: 0,
  }),
  mixWeight: 1,
});

export const SCENARIO_LIMITS = Object.freeze({
  maxRatePerSec: 1_000_000,
  maxDurationMs: 24 * 3_600_000,
  maxWarmupMs: 3_600_000,
  maxGracefulStopMs: 10 * 60_000,
  maxPoolTimeoutMs: 10 * 60_000,
  maxThinkTimeMs: 60_000,
  maxConnections: 10_000,
  maxRedisConnections: 10_000,
  maxVus: 10_000,
  maxWorkers: 256,
  maxInFlight: 1_000_000,
  maxStages: 1_000,
  maxMixEntries: 100,
  maxSteps: 20,
  maxWeight: 1_000_000,
  maxUsers: 100_000_000,
  maxSessionsPerUser: 50,
  maxSeed: 0xffff_ffff,
  maxMinSamples: 1_000_000_000,
});

/**
 * `workers: auto` → max(1, cores − 1), and never more workers than connections (each worker owns at least
 * one). One core is left to the main thread, which schedules nothing but merges histograms, samples the server
 * and keeps the time series, and to the database when it runs on the same machine: a generator that starves
 * its own main thread or the server measures itself, not the database. Workers mostly wait on sockets, so
 * more of them than cores does not add load.
 */
export function autoWorkers(cores: number, connections: number): number {
  return Math.max(1, Math.min(connections, cores - 1));
}
