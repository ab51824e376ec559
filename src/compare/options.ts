// Parsing of the comparison's user-facing options (`--max-regression 10%`, `--metrics p95,p99`), shared by
// `authbench compare` and `authbench run --baseline`: one grammar, one error message naming the flag.
import { InvalidInputError } from '../errors.js';
import { COMPARE_METRICS, type CompareMetric } from './types.js';

/**
 * `10%` → 0.1, `0.1` → 0.1, `2.5%` → 0.025. A bare number ≥ 1 (`10`) is refused: 10 % or 1000 % is a guess we
 * will not make. Throws InvalidInputError naming `flag`.
 */
export function parseMaxRegression(text: string | number, flag = '--max-regression'): number {
  const raw = String(text).trim();
  const fail = (why: string): never => {
    throw new InvalidInputError([{ path: flag, message: `${why}, got "${raw}".` }], { hint: `Write a percentage (${flag} 10%) or a ratio (${flag} 0.1).` });
  };
  const match = /^([0-9]*\.?[0-9]+)\s*(%?)$/.exec(raw);
  if (!match) return fail('expected a percentage like 10% or a ratio like 0.1');
  const value = Number(match[1]);
  const ratio = match[2] === '%' ? value / 100 : value;
  if (match[2] !== '%' && value >= 1) return fail('a bare number must be a ratio below 1 (did you mean a percentage?)');
  if (!Number.isFinite(ratio) || ratio < 0) return fail('must be 0 or more');
  return ratio;
}

/** `p95,p99` or `p95 throughput` → the metrics, in their fixed order; every unknown name is named in the error. */
export function parseCompareMetrics(text: string | readonly string[], flag = '--metrics'): CompareMetric[] {
  const names = (typeof text === 'string' ? [text] : text).flatMap((t) => t.split(/[,\s]+/)).filter(Boolean);
  const unknown = names.filter((n) => !(COMPARE_METRICS as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidInputError([{ path: flag, message: `${names.length === 0 ? 'no metric given' : `unknown metric ${unknown.map((u) => `"${u}"`).join(', ')}`}; choose from ${COMPARE_METRICS.join(', ')}` }]);
  }
  return COMPARE_METRICS.filter((m) => names.includes(m));
}
