// Reading an operation's options: the scenario parser validated them against the catalog (src/scenario/operations.ts)
// and filled its defaults; these helpers only narrow `unknown` to types, with a fallback for direct callers (tests).
import type { ParamGenerator } from '../../scenario/plan.js';

type Options = Readonly<Record<string, unknown>>;

/**
 * An operation option of the wrong type or value, raised while preparing: the user's input (exit 2), unlike any
 * other exception in a worker. A TypeError (the option's name in the message), with a stable code.
 */
export class OptionError extends TypeError {
  override readonly name = 'OptionError';
  readonly code = 'AB_ERR_INVALID_OPTION';
}

export function stringOption(options: Options, name: string): string {
  const value = options[name];
  if (typeof value === 'string') return value;
  throw new OptionError(`option "${name}" must be a string, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
}

export function numberOption(options: Options, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new OptionError(`option "${name}" must be a number, got ${JSON.stringify(value)}`);
}

export function booleanOption(options: Options, name: string, fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new OptionError(`option "${name}" must be true or false, got ${JSON.stringify(value)}`);
}

export function enumOption<T extends string>(options: Options, name: string, values: readonly T[], fallback: T): T {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
  throw new OptionError(`option "${name}" must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
}

function isGenerator(value: unknown): value is ParamGenerator {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

/** A list of generators; plain values (from tests or a hand-built plan) become constants. */
export function generatorListOption(options: Options, name: string): ParamGenerator[] {
  const value = options[name];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new OptionError(`option "${name}" must be a list, got ${JSON.stringify(value)}`);
  return value.map((item): ParamGenerator => {
    if (isGenerator(item)) return item;
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return { kind: 'const', value: item };
    throw new OptionError(`option "${name}" has an item that is neither a value nor a generator: ${JSON.stringify(item)}`);
  });
}

/** One generator; absent → `fallback`. */
export function generatorOption(options: Options, name: string, fallback: ParamGenerator): ParamGenerator {
  const value = options[name];
  if (value === undefined) return fallback;
  if (isGenerator(value)) return value;
  if (typeof value === 'string' || typeof value === 'number') return { kind: 'const', value };
  throw new OptionError(`option "${name}" must be a generator, got ${JSON.stringify(value)}`);
}
