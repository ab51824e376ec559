// The catalog entry every operation file declares: description, phases, params and options with their types,
// bounds and defaults. src/scenario/operations.ts validates scenarios against these; the file's prepare reads them.
import type { ParamGenerator } from '../../scenario/plan.js';

/**
 * What a param's values index. `user`: ranks 1..dataset.users (rank 1 is the hottest user under zipf);
 * `permission`: 1..PERMISSIONS.length or a permission name; `ip`: 1..IP_POOL_SIZE; `any`: unchecked (sql, redis).
 */
export type ParamDomainName = 'user' | 'permission' | 'ip' | 'any';

export interface ParamSpec {
  readonly description: string;
  readonly domain: ParamDomainName;
  /** Default generator, written as in a scenario (`zipf(1.1)`) or as a list of values. */
  readonly default: string | readonly string[];
}

export type OptionSpec =
  | { readonly type: 'ratio'; readonly description: string; readonly default: number }
  | { readonly type: 'enum'; readonly description: string; readonly values: readonly string[]; readonly default: string }
  /** `default: 'cores'` resolves to os.availableParallelism() (or the parser's `cores` override). */
  | { readonly type: 'integer'; readonly description: string; readonly min: number; readonly max: number; readonly default: number | 'cores' }
  | { readonly type: 'boolean'; readonly description: string; readonly default: boolean }
  | { readonly type: 'string'; readonly description: string; readonly required: true }
  | { readonly type: 'generator'; readonly description: string; readonly domain: ParamDomainName; readonly default: string }
  /** An ordered list of generators (sql `$1..$n`, redis args); each item is a generator or a constant. */
  | { readonly type: 'generators'; readonly description: string; readonly default: readonly string[] };

/** An operation as a scenario sees it: what the parser checks a step against. */
export interface OperationCatalogEntry {
  readonly description: string;
  /** Timed parts of one call, reported as `op/phase` (e.g. `auth.login/db`) and usable in thresholds. */
  readonly phases: readonly string[];
  readonly params: Readonly<Record<string, ParamSpec>>;
  readonly options: Readonly<Record<string, OptionSpec>>;
}

/** The catalog entry with its name, as src/scenario/operations.ts lists it. */
export interface OperationSpec extends OperationCatalogEntry {
  readonly name: string;
}

/** The program type of an option after validation (ratios 0..1, generators parsed). */
type OptionValue<O extends OptionSpec> = O extends { type: 'ratio' | 'integer' }
  ? number
  : O extends { type: 'enum'; values: readonly (infer V)[] }
    ? V
    : O extends { type: 'boolean' }
      ? boolean
      : O extends { type: 'string' }
        ? string
        : O extends { type: 'generator' }
          ? ParamGenerator
          : ParamGenerator[];

/** The typed options of a catalog entry: `OptionsOf<typeof catalog>` is what the parser hands the operation. */
export type OptionsOf<C extends OperationCatalogEntry> = { readonly [K in keyof C['options']]: OptionValue<C['options'][K]> };

/** The user param most operations take. */
export const USER_PARAM: ParamSpec = { description: 'Which user (rank 1..dataset.users; under zipf rank 1 is the hottest).', domain: 'user', default: 'zipf(1.1)' };

/** A ratio option's default, for prepare's fallback: the one number the catalog and the code share. */
export function ratioDefault(catalog: OperationCatalogEntry, name: string): number {
  const option = catalog.options[name];
  if (option?.type !== 'ratio') throw new Error(`${name} is not a ratio option`);
  return option.default;
}
