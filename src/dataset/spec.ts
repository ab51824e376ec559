// Validates a DatasetSpec and fills in its defaults; every problem is reported at once, with the field's path.
// The resolved spec is what the fingerprint and the generators see.
import { InvalidInputError, type InputIssue } from '../errors.js';
import { DEFAULT_PASSWORD_COUNT } from './identities.js';
import type { DatasetSpec, HashParams, Dataset } from './types.js';

/** OWASP's minimum recommended Argon2id parameters (m=19 MiB, t=2, p=1). */
export const OWASP_MIN_HASH_PARAMS: Readonly<HashParams> = Object.freeze({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });

export const DATASET_DEFAULTS = Object.freeze({
  sessionsPerUser: 2,
  revokedShare: 0.2,
  agentShare: 0.02,
  passwordCount: DEFAULT_PASSWORD_COUNT,
});

const MAX_USERS = 100_000_000;

export function resolveDatasetSpec(spec: DatasetSpec): Dataset {
  const resolved: Dataset = {
    users: spec.users,
    seed: spec.seed,
    sessionsPerUser: spec.sessionsPerUser ?? DATASET_DEFAULTS.sessionsPerUser,
    revokedShare: spec.revokedShare ?? DATASET_DEFAULTS.revokedShare,
    agentShare: spec.agentShare ?? DATASET_DEFAULTS.agentShare,
    passwordCount: spec.passwordCount ?? DATASET_DEFAULTS.passwordCount,
    hashParams: {
      memoryKiB: spec.hashParams?.memoryKiB ?? OWASP_MIN_HASH_PARAMS.memoryKiB,
      timeCost: spec.hashParams?.timeCost ?? OWASP_MIN_HASH_PARAMS.timeCost,
      parallelism: spec.hashParams?.parallelism ?? OWASP_MIN_HASH_PARAMS.parallelism,
    },
  };
  const issues: InputIssue[] = [];
  const int = (path: string, v: number, min: number, max: number): void => {
    if (!Number.isInteger(v) || v < min || v > max) issues.push({ path, message: `must be an integer from ${min} to ${max}, got ${v}` });
  };
  const ratio = (path: string, v: number): void => {
    if (!Number.isFinite(v) || v < 0 || v > 1) issues.push({ path, message: `must be a ratio from 0 to 1, got ${v}` });
  };
  int('dataset.users', resolved.users, 1, MAX_USERS);
  int('dataset.seed', resolved.seed, 0, 0xffffffff);
  if (!Number.isFinite(resolved.sessionsPerUser) || resolved.sessionsPerUser < 0 || resolved.sessionsPerUser > 50) {
    issues.push({ path: 'dataset.sessionsPerUser', message: `must be a number from 0 to 50, got ${resolved.sessionsPerUser}` });
  }
  ratio('dataset.revokedShare', resolved.revokedShare);
  ratio('dataset.agentShare', resolved.agentShare);
  int('dataset.passwordCount', resolved.passwordCount, 1, 100_000);
  // Lower bounds are Argon2's own minimums (m ≥ 8·p KiB); tests use tiny values on purpose.
  int('dataset.hashParams.parallelism', resolved.hashParams.parallelism, 1, 255);
  int('dataset.hashParams.memoryKiB', resolved.hashParams.memoryKiB, 8 * Math.max(1, resolved.hashParams.parallelism), 4 * 1024 * 1024);
  int('dataset.hashParams.timeCost', resolved.hashParams.timeCost, 1, 100);
  if (issues.length > 0) throw new InvalidInputError(issues);
  return resolved;
}
