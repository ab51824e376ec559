// How results name what they measured, built and split only here: `op` or `op@tag` (a tagged entry's operation),
// each optionally with `/phase`. Operation names, tags and phases never contain '/', so the first '/' splits.

export interface KeyParts {
  /** `auth.login` or `auth.login@legit`. */
  readonly operation: string;
  readonly phase?: string;
}

/** `auth.login@legit/db` → { operation: 'auth.login@legit', phase: 'db' }; a key without '/' has no phase. */
export function splitOperationKey(key: string): KeyParts {
  const slash = key.indexOf('/');
  return slash < 0 ? { operation: key } : { operation: key.slice(0, slash), phase: key.slice(slash + 1) };
}

export function operationKey(operation: string, phase?: string): string {
  return phase ? `${operation}/${phase}` : operation;
}

/** A whole operation (what run-wide figures add up), not one of its phases. */
export function isTopLevelKey(key: string): boolean {
  return !key.includes('/');
}

/** `auth.login@legit` → { op: 'auth.login', tag: 'legit' }; an untagged name has no tag. */
export function splitTag(operation: string): { readonly op: string; readonly tag?: string } {
  const at = operation.indexOf('@');
  return at < 0 ? { op: operation } : { op: operation.slice(0, at), tag: operation.slice(at + 1) };
}

/** The name an operation of an entry is recorded under: `op`, or `op@tag` for a tagged entry. */
export function taggedOperation(op: string, tag: string | undefined): string {
  return tag === undefined ? op : `${op}@${tag}`;
}
