// The hardening cases (issue 10, part B) as data: a command line for the built CLI, what it must exit with and say,
// and the secret none of its output may hold. Run by hardening.test.ts (all) and redaction.test.ts (the URL ones).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { builtCli } from '../support/cli.js';

/** One password for every case: searched for in every output. */
export const SECRET = `HardenCanary${randomBytes(6).toString('hex')}`;

export interface CaseContext {
  /** The case's own working directory: the CLI runs there, so every file it writes is under it. */
  readonly dir: string;
  /** A scenario file in `dir` (schemaless `sql` load, 1 s); cases with `scenario` get theirs instead. */
  readonly scenario: string;
  /** Superuser URL of a fresh, empty database on the shared test cluster. */
  readonly pgUrl: string;
  /** A private redis-server. */
  readonly redisUrl: string;
  readonly redisPort: number;
  /** A TCP server that accepts connections and never answers (not a mock: a dead server). */
  readonly deadPort: number;
  /** Runs SQL on the case's database (setup). */
  readonly sql: (text: string) => Promise<void>;
}

export interface HardeningCase {
  readonly name: string;
  readonly args: (ctx: CaseContext) => string[];
  readonly env?: (ctx: CaseContext) => NodeJS.ProcessEnv;
  /** Scenario text: a `target:` block to put into the base scenario. */
  readonly target?: (ctx: CaseContext) => string;
  readonly setup?: (ctx: CaseContext) => Promise<void>;
  readonly exit: number;
  /** Every pattern must match stderr (the one-paragraph error). */
  readonly stderr: readonly RegExp[];
  /** The CLI is killed after this long: a hang fails the case. */
  readonly timeoutMs: number;
  /** Further checks of the output and the files written. */
  readonly check?: (out: CaseOutput, ctx: CaseContext) => void | Promise<void>;
  /** Runs only in hardening.test.ts (slow: starts servers). */
  readonly slow?: boolean;
  /** Holds a password in a URL (redaction.test.ts runs these too). */
  readonly url?: boolean;
}

export interface CaseOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** Relative path → content of every file the case wrote (or changed) under its directory. */
  readonly files: Readonly<Record<string, string>>;
}

export function scenarioText(target = ''): string {
  return [
    'name: hardening',
    target,
    'load: { rate: 5/s, duration: 1s, warmup: 0s, connections: 1, workers: 1, gracefulStop: 1s }',
    'mix: [ { op: sql, options: { query: "select 1" } } ]',
    '',
  ].join('\n');
}

async function filesUnder(dir: string): Promise<Record<string, string>> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  const files: Record<string, string> = {};
  for (const e of entries) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    // The embedded server's own data files are binary and not output of authbench.
    if (full.includes(`${path.sep}pg17${path.sep}`)) continue;
    files[path.relative(dir, full)] = await fs.readFile(full, 'latin1');
  }
  return files;
}

/** Runs one case through the built CLI and checks exit code, message, no hang, no stack trace and no secret anywhere. */
export async function runCase(c: HardeningCase, ctx: CaseContext): Promise<CaseOutput> {
  await c.setup?.(ctx);
  if (c.target) await fs.writeFile(ctx.scenario, scenarioText(c.target(ctx)));
  // The inputs (the scenario file holds the secret on purpose) are not output.
  const inputs = await filesUnder(ctx.dir);
  const result = await builtCli(c.args(ctx), { cwd: ctx.dir, env: c.env?.(ctx) ?? {}, timeoutMs: c.timeoutMs });
  const written = Object.entries(await filesUnder(ctx.dir)).filter(([file, text]) => inputs[file] !== text);
  const out: CaseOutput = { status: result.status, stdout: result.stdout, stderr: result.stderr, elapsedMs: result.elapsedMs, files: Object.fromEntries(written) };
  expect(result.timedOut, `${c.name}: hung for ${c.timeoutMs} ms; stderr: ${result.stderr}`).toBe(false);
  expect(result.status, `${c.name}: stderr: ${result.stderr}`).toBe(c.exit);
  for (const pattern of c.stderr) expect(result.stderr, c.name).toMatch(pattern);
  expect(result.stderr, c.name).not.toMatch(/unexpected error/i);
  expect(result.stderr, `${c.name}: a stack trace`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  // One paragraph (an input error lists each problem on its own line).
  if (c.exit === 3) expect(result.stderr.trim().split('\n'), `${c.name}: one paragraph`).toHaveLength(1);
  expectNoSecret(c.name, out);
  await c.check?.(out, ctx);
  return out;
}

/** The secret in none of stdout, stderr and the files written. */
export function expectNoSecret(name: string, out: CaseOutput): void {
  expect(out.stdout.includes(SECRET), `${name}: secret in stdout`).toBe(false);
  expect(out.stderr.includes(SECRET), `${name}: secret in stderr: ${out.stderr}`).toBe(false);
  for (const [file, text] of Object.entries(out.files)) expect(text.includes(SECRET), `${name}: secret in ${file}`).toBe(false);
}

const external = (ctx: CaseContext, pg = ctx.pgUrl, redis = ctx.redisUrl): string[] => ['run', ctx.scenario, '--pg-url', pg, '--redis-url', redis, '--out', path.join(ctx.dir, 'out')];
const INPUT = 2;
const INFRA = 3;

/** 1. One redaction rule: URLs that do not parse, keyword strings, garbage in DATABASE_URL. */
export const URL_CASES: readonly HardeningCase[] = [
  { name: 'pg URL with one slash ("has no host")', args: (c) => external(c, `postgres:/u:${SECRET}@h/db`), exit: INPUT, stderr: [/--pg-url: "postgres:\/u:\*\*\*@h\/db"/], timeoutMs: 20_000, url: true },
  { name: 'pg URL without the colon', args: (c) => external(c, `postgres//u:${SECRET}@h/db`), exit: INPUT, stderr: [/--pg-url: "postgres\/\/u:\*\*\*@h\/db"/], timeoutMs: 20_000, url: true },
  { name: 'pg URL without a scheme', args: (c) => external(c, `u:${SECRET}@127.0.0.1:5432/db`), exit: INPUT, stderr: [/--pg-url: "u:\*\*\*@127\.0\.0\.1:5432\/db" must start with postgres:\/\//], timeoutMs: 20_000, url: true },
  { name: 'libpq keyword string', args: (c) => external(c, `host=127.0.0.1 password=${SECRET} dbname=x`), exit: INPUT, stderr: [/--pg-url: "host=127\.0\.0\.1 password=\*\*\* dbname=x" is not a valid URL/], timeoutMs: 20_000, url: true },
  {
    name: 'garbage DATABASE_URL',
    args: (c) => ['run', c.scenario, '--target', 'external', '--out', path.join(c.dir, 'out')],
    env: (c) => ({ DATABASE_URL: `garbage:${SECRET}@@`, REDIS_URL: c.redisUrl }),
    exit: INPUT,
    stderr: [/DATABASE_URL: "garbage:\*\*\*@"/],
    timeoutMs: 20_000,
    url: true,
  },
  {
    name: 'a space for the colon ("Cannot reach")',
    // Port 1: nothing listens there, so the connection is refused at once.
    args: (c) => external(c, `postgres://u ${SECRET}@127.0.0.1:1/db`),
    exit: INFRA,
    stderr: [/Cannot reach PostgreSQL at 127\.0\.0\.1:1 \(postgres:\/\/\*\*\*@127\.0\.0\.1:1\/db\)/],
    timeoutMs: 30_000,
    url: true,
  },
  { name: 'redis URL with one slash', args: (c) => external(c, c.pgUrl, `redis:/:${SECRET}@h:6379`), exit: INPUT, stderr: [/--redis-url: "redis:\/:\*\*\*@h:6379"/], timeoutMs: 20_000, url: true },
  {
    name: 'malformed URL in the scenario file',
    args: (c) => ['run', c.scenario, '--out', path.join(c.dir, 'out')],
    target: () => `target: { kind: external, pgUrl: "postgres:/u:${SECRET}@h/db", redisUrl: "redis://h" }`,
    exit: INPUT,
    stderr: [/hardening\.yaml target\.pgUrl: "postgres:\/u:\*\*\*@h\/db" has no host/],
    timeoutMs: 20_000,
    url: true,
  },
];

const settingsRun = (c: CaseContext): string[] => ['run', c.scenario, '--out', path.join(c.dir, 'out')];

/** 2. Server settings from a scenario file: an allow-list, unsafe ones refused at validation. */
export const SETTINGS_CASES: readonly HardeningCase[] = [
  {
    name: 'archive_command runs a command',
    args: settingsRun,
    target: (c) => `target:\n  serverSettings:\n    archive_mode: on\n    archive_command: "touch ${path.join(c.dir, 'ran-as-postgres')}"`,
    exit: INPUT,
    stderr: [/hardening\.yaml:4 target\.serverSettings\.archive_mode: runs commands, so authbench refuses it.*--allow-unsafe-settings/, /hardening\.yaml:5 target\.serverSettings\.archive_command: runs commands/],
    timeoutMs: 20_000,
    check: (out) => expect(Object.keys(out.files)).not.toContain('ran-as-postgres'),
  },
  {
    name: 'listen_addresses exposes the server',
    args: settingsRun,
    target: () => 'target: { serverSettings: { listen_addresses: 0.0.0.0 } }',
    exit: INPUT,
    stderr: [/hardening\.yaml:2 target\.serverSettings\.listen_addresses: changes where the server listens, so authbench refuses it/],
    timeoutMs: 20_000,
  },
  {
    name: 'port: 1 is refused at validation (not "port in use")',
    args: settingsRun,
    target: () => 'target: { serverSettings: { port: 1 } }',
    exit: INPUT,
    stderr: [/hardening\.yaml:2 target\.serverSettings\.port: changes where the server listens/],
    timeoutMs: 20_000,
  },
  {
    name: 'fsync: false weakens durability',
    args: settingsRun,
    target: () => 'target: { serverSettings: { fsync: false } }',
    exit: INPUT,
    stderr: [/hardening\.yaml:2 target\.serverSettings\.fsync: weakens durability, so authbench refuses it; remove it, or pass --allow-unsafe-settings .*marked non-durable/],
    timeoutMs: 20_000,
  },
  {
    name: 'shared_preload_libraries loads code',
    args: settingsRun,
    target: () => 'target: { serverSettings: { shared_preload_libraries: "auto_explain" } }',
    exit: INPUT,
    stderr: [/target\.serverSettings\.shared_preload_libraries: loads code/],
    timeoutMs: 20_000,
  },
  {
    name: 'an unknown setting, with did-you-mean',
    args: settingsRun,
    target: () => 'target: { serverSettings: { shared_bufers: 1GB } }',
    exit: INPUT,
    stderr: [/hardening\.yaml:2 target\.serverSettings\.shared_bufers: is not a performance setting authbench lets a scenario change; did you mean shared_buffers\?/],
    timeoutMs: 20_000,
  },
  {
    name: 'validate refuses the same settings',
    args: (c) => ['validate', c.scenario],
    target: () => 'target: { serverSettings: { wal_level: minimal, work_mem: 8MB } }',
    exit: INPUT,
    stderr: [/hardening\.yaml:2 target\.serverSettings\.wal_level: weakens durability/],
    timeoutMs: 20_000,
  },
  {
    name: 'validate --allow-unsafe-settings accepts what such a run would',
    args: (c) => ['validate', c.scenario, '--allow-unsafe-settings'],
    target: () => 'target: { serverSettings: { fsync: false, work_mem: 8MB } }',
    exit: 0,
    stderr: [],
    timeoutMs: 20_000,
    check: (out) => expect(out.stdout).toMatch(/hardening\.yaml: valid/),
  },
];

/** 3. Servers that do not answer, a Redis database the server does not have, a Redis port given as --pg-url. */
export const SILENT_SERVER_CASES: readonly HardeningCase[] = [
  {
    name: 'Redis that accepts and never answers',
    args: (c) => external(c, c.pgUrl, `redis://:${SECRET}@127.0.0.1:${c.deadPort}`),
    exit: INFRA,
    stderr: [/Redis at 127\.0\.0\.1:\d+ \(redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\) accepted the connection but did not answer within 5 s/, /--redis-url/, /AB_ERR_REDIS_NO_ANSWER/],
    timeoutMs: 30_000,
    check: (out) => expect(out.elapsedMs).toBeLessThan(20_000),
  },
  {
    name: 'PostgreSQL that accepts and never answers',
    args: (c) => external(c, `postgres://u:${SECRET}@127.0.0.1:${c.deadPort}/db`),
    exit: INFRA,
    stderr: [/PostgreSQL at 127\.0\.0\.1:\d+ \(postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db\) accepted the connection but did not answer within 5 s/, /--pg-url/, /AB_ERR_PG_NO_ANSWER/],
    timeoutMs: 30_000,
  },
  {
    name: '--pg-url pointing at a Redis port',
    args: (c) => external(c, `postgres://u:${SECRET}@127.0.0.1:${c.redisPort}/db`),
    exit: INFRA,
    stderr: [/127\.0\.0\.1:\d+ \(postgres:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/db\) is not a PostgreSQL server: it answers like a Redis server/, /--pg-url/, /AB_ERR_PG_NOT_POSTGRES/],
    timeoutMs: 30_000,
  },
  {
    name: 'redis://…/99 on a server with 16 databases',
    args: (c) => external(c, c.pgUrl, `${c.redisUrl}/99`),
    exit: INFRA,
    stderr: [/has no database 99 \(it has 16 databases: 0 to 15\)/, /--redis-url/, /AB_ERR_REDIS_DB/],
    timeoutMs: 30_000,
  },
];

const seedArgs = (c: CaseContext, ...more: string[]): string[] => [
  'seed', '--target', 'external', '--pg-url', c.pgUrl, '--redis-url', c.redisUrl, '--users', '20', '--password-count', '2', '--hash-memory-kib', '8', '--hash-time-cost', '1', '--data-dir', path.join(c.dir, '.authbench'), ...more,
];
const notEmpty = (what: RegExp): RegExp[] => [/already holds objects authbench does not own/, what, /--allow-non-empty/, /AB_ERR_DB_NOT_EMPTY/];

/** 4. The non-empty-database guard sees every user object, not only tables. */
export const GUARD_CASES: readonly HardeningCase[] = [
  { name: 'a database holding only a view', setup: (c) => c.sql('CREATE VIEW public.v AS SELECT 1 AS one'), args: (c) => seedArgs(c), exit: INFRA, stderr: notEmpty(/view public\.v/), timeoutMs: 30_000 },
  { name: 'a database holding only a function', setup: (c) => c.sql('CREATE FUNCTION public.f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$'), args: (c) => seedArgs(c), exit: INFRA, stderr: notEmpty(/function public\.f\(x integer\)/), timeoutMs: 30_000 },
  { name: 'a database holding only a sequence', setup: (c) => c.sql('CREATE SEQUENCE public.invoice_no'), args: (c) => seedArgs(c), exit: INFRA, stderr: notEmpty(/sequence public\.invoice_no/), timeoutMs: 30_000 },
  { name: 'a database holding only a materialized view', setup: (c) => c.sql('CREATE MATERIALIZED VIEW public.mv AS SELECT 1 AS one'), args: (c) => seedArgs(c), exit: INFRA, stderr: notEmpty(/materialized view public\.mv/), timeoutMs: 30_000 },
  {
    name: "a user's own authbench schema with data",
    setup: (c) => c.sql("CREATE SCHEMA authbench; CREATE TABLE authbench.customers (id int); INSERT INTO authbench.customers VALUES (1)"),
    args: (c) => seedArgs(c),
    exit: INFRA,
    stderr: notEmpty(/table authbench\.customers/),
    timeoutMs: 30_000,
  },
];

/** Every case but the slow ones that start servers (those live in hardening.test.ts). */
export const ALL_CASES: readonly HardeningCase[] = [...URL_CASES, ...SETTINGS_CASES, ...SILENT_SERVER_CASES, ...GUARD_CASES];
