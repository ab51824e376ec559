// Error classes with stable codes and exit codes: the one vocabulary every stage uses to say what went wrong.
// The CLI's single top-level catch prints `message` (+ `hint`) as one paragraph and exits with `exitCode`.

/** Process exit codes, documented in README and docs/reports.md. */
export const ExitCode = {
  pass: 0,
  thresholdFailed: 1,
  invalidInput: 2,
  infrastructure: 3,
  invalidRun: 4,
  aborted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface AuthbenchErrorOptions {
  /** What the user can do about it, one sentence. */
  hint?: string;
  cause?: unknown;
}

/** Base class: every error a user may see. `code` is stable and matchable (like undici's UND_ERR_*). */
export abstract class AuthbenchError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, options: AuthbenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }

  /** One paragraph for the console: message, then the hint. Never a stack trace. */
  toUserText(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** One problem found in user input, with where it is. */
export interface InputIssue {
  /** File the problem is in, when there is one. */
  file?: string;
  /** 1-based line in that file, when known. */
  line?: number;
  /** Dotted path of the field, e.g. `load.rate` or `--rate`. */
  path: string;
  message: string;
}

export function formatInputIssue(issue: InputIssue): string {
  const where = issue.file ? `${issue.file}${issue.line ? `:${issue.line}` : ''} ` : '';
  return `${where}${issue.path}: ${issue.message}`;
}

/** Invalid input (scenario, flag, URL, results file): exit 2. Carries every problem found, not only the first. */
export class InvalidInputError extends AuthbenchError {
  readonly code: InputErrorCode;
  readonly exitCode = ExitCode.invalidInput;
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[] | string, options: AuthbenchErrorOptions & { code?: InputErrorCode } = {}) {
    const list: InputIssue[] = typeof issues === 'string' ? [{ path: '', message: issues }] : [...issues];
    super(list.map((i) => (i.path || i.file ? formatInputIssue(i) : i.message)).join('\n'), options);
    this.issues = list;
    this.code = options.code ?? InputCode.invalidInput;
  }
}

/** Infrastructure failure (server unreachable, wrong credentials, binary missing, port in use): exit 3. */
export class InfrastructureError extends AuthbenchError {
  readonly code: InfraErrorCode;
  readonly exitCode = ExitCode.infrastructure;

  constructor(code: InfraErrorCode, message: string, options: AuthbenchErrorOptions = {}) {
    super(message, options);
    this.code = code;
  }
}

/** Stable infrastructure codes. Add here, never inline a new string elsewhere. */
export const InfraCode = {
  pgUnreachable: 'AB_ERR_PG_UNREACHABLE',
  pgAuthFailed: 'AB_ERR_PG_AUTH',
  pgTooOld: 'AB_ERR_PG_VERSION',
  pgTlsRequired: 'AB_ERR_PG_TLS',
  pgStartFailed: 'AB_ERR_PG_START',
  pgDatabaseMissing: 'AB_ERR_PG_NO_DATABASE',
  /** The URL's server answers, but not as PostgreSQL (a Redis port given as --pg-url). */
  pgNotPostgres: 'AB_ERR_PG_NOT_POSTGRES',
  /** The server accepts connections and never answers. */
  pgNoAnswer: 'AB_ERR_PG_NO_ANSWER',
  redisUnreachable: 'AB_ERR_REDIS_UNREACHABLE',
  redisAuthFailed: 'AB_ERR_REDIS_AUTH',
  redisNoAnswer: 'AB_ERR_REDIS_NO_ANSWER',
  /** The URL's database index (redis://host/99) does not exist on the server. */
  redisDatabase: 'AB_ERR_REDIS_DB',
  redisMissing: 'AB_ERR_REDIS_MISSING',
  redisStartFailed: 'AB_ERR_REDIS_START',
  pgbouncerMissing: 'AB_ERR_PGBOUNCER_MISSING',
  pgbouncerStartFailed: 'AB_ERR_PGBOUNCER_START',
  portInUse: 'AB_ERR_PORT_IN_USE',
  /** The embedded target's certificates could not be made (openssl missing or failing). */
  tlsSetupFailed: 'AB_ERR_TLS_SETUP',
  stateFileConflict: 'AB_ERR_STATE',
  dockerUnavailable: 'AB_ERR_DOCKER_UNAVAILABLE',
  /** The optional testcontainers package (only `--target docker` needs it) is not installed. */
  dockerClientMissing: 'AB_ERR_TESTCONTAINERS_MISSING',
  databaseNotEmpty: 'AB_ERR_DB_NOT_EMPTY',
  migrationChanged: 'AB_ERR_MIGRATION_CHANGED',
  migrationFailed: 'AB_ERR_MIGRATION_FAILED',
  workerCrashed: 'AB_ERR_WORKER_CRASHED',
  /** An unexpected exception inside a load worker (not the user's input): a bug in authbench or an operation. */
  workerFailed: 'AB_ERR_WORKER_FAILED',
  diskFull: 'AB_ERR_DISK_FULL',
  reportWriteFailed: 'AB_ERR_REPORT_WRITE',
  /** A base backup or its catalogue could not be written (src/backup/). */
  backupFailed: 'AB_ERR_BACKUP',
  /** A restored cluster did not start or did not verify. */
  restoreFailed: 'AB_ERR_RESTORE',
  /** A shard's database was not prepared for its plan (`authbench prepare`; src/shard/). */
  notPrepared: 'AB_ERR_NOT_PREPARED',
} as const;
export type InfraErrorCode = (typeof InfraCode)[keyof typeof InfraCode];

/** Stable invalid-input codes (exit 2). */
export const InputCode = {
  invalidInput: 'AB_ERR_INVALID_INPUT',
  /** A command line yargs or argv.ts refused. */
  usage: 'AB_ERR_USAGE',
  resultsFile: 'AB_ERR_RESULTS_FILE',
  outDir: 'AB_ERR_OUT_DIR',
  /** An operation option of the wrong type, found while a worker prepared it (src/load/operations/options.ts). */
  invalidOption: 'AB_ERR_INVALID_OPTION',
  /** `authbench merge` was given directories that are not shards of one run (src/merge/). */
  mergeInput: 'AB_ERR_MERGE_INPUT',
  /** `compare` (or `run --baseline`) was given an INVALID or ABORTED run without --allow-invalid (src/compare/). */
  compareInvalidRun: 'AB_ERR_COMPARE_INVALID_RUN',
} as const;
export type InputErrorCode = (typeof InputCode)[keyof typeof InputCode];

/** Every code an AuthbenchError (or a worker's plain error) may carry: a closed set users can match on. */
export type ErrorCode = InfraErrorCode | InputErrorCode | typeof ABORTED_CODE;
const ABORTED_CODE = 'AB_ERR_ABORTED';

const INPUT_CODES: ReadonlySet<string> = new Set(Object.values(InputCode));
const INFRA_CODES: ReadonlySet<string> = new Set(Object.values(InfraCode));
export const isInputErrorCode = (code: string): code is InputErrorCode => INPUT_CODES.has(code);
export const isInfraErrorCode = (code: string): code is InfraErrorCode => INFRA_CODES.has(code);

/** The run was interrupted (Ctrl-C / SIGTERM). Partial results are still written. */
export class AbortedError extends AuthbenchError {
  readonly code = ABORTED_CODE;
  readonly exitCode = ExitCode.aborted;
}

export function isAuthbenchError(err: unknown): err is AuthbenchError {
  return err instanceof AuthbenchError;
}
