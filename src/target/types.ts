// Types shared by every target kind: what the user asks for (TargetSpec), the tuned server settings,
// and the started handle (Target) that later stages connect through and dispose when done.
import type { LocalServerControl } from './local-control.js';

export type TargetKind = 'embedded' | 'docker' | 'external';

/**
 * Server settings for servers authbench starts (embedded and docker). One object drives both, so the
 * docker/ config files and the embedded command line cannot drift apart (see settings.ts).
 */
export interface ServerSettings {
  /** PostgreSQL max_connections; >= 1000 so the 750-connection target fits with room for admin/monitoring. */
  maxConnections: number;
  /** PostgreSQL shared_buffers, e.g. '4GB'. Default: 25% of RAM, capped at 4GB. */
  sharedBuffers: string;
  /** PostgreSQL effective_cache_size, e.g. '12GB'. Default: 50% of RAM. */
  effectiveCacheSize: string;
  /** Durable commits (synchronous_commit=on). Default true; off trades durability for throughput. */
  synchronousCommit: boolean;
  /** wal_buffers, e.g. '64MB'. */
  walBuffers: string;
  /** max_wal_size: large so no checkpoint is triggered by WAL volume during a short run. */
  maxWalSize: string;
  /** checkpoint_timeout: long so timed checkpoints do not distort short runs. */
  checkpointTimeout: string;
  /** commit_delay in microseconds (group commit); 0 disables. */
  commitDelay: number;
  /** commit_siblings: open transactions needed before commit_delay applies. */
  commitSiblings: number;
  hugePages: 'off' | 'try';
  /** Extra PostgreSQL settings (name → value), applied last; they win over the fields above. */
  postgresOptions: Readonly<Record<string, string>>;
  /** redis maxmemory, e.g. '2gb'. */
  redisMaxmemory: string;
  /** redis maxclients; needs an open-files limit above it (doctor checks). */
  redisMaxclients: number;
}

/** What the user asked for: produced by the scenario parser and CLI flags. */
export interface TargetSpec {
  kind: TargetKind;
  /** Admin (superuser) PostgreSQL URL, for kind 'external'. */
  pgUrl?: string;
  /** Redis URL, for kind 'external'. */
  redisUrl?: string;
  /** Where pgUrl / redisUrl came from when not a flag (`login.yaml target.pgUrl`), named in errors. Default: the flag. */
  pgUrlSource?: string;
  redisUrlSource?: string;
  /** authbench's home for servers it starts (state.json, pg/, redis/). Default: `.authbench` in the cwd. */
  dataDir?: string;
  /** Fixed ports for servers authbench starts; free ports are picked when absent. */
  pgPort?: number;
  redisPort?: number;
  settings?: Partial<ServerSettings>;
  /** Allow writing into a database that already holds tables authbench does not own. */
  allowNonEmpty?: boolean;
  /** Leave the servers running after dispose (authbench provision). */
  keepRunning?: boolean;
  /**
   * Servers authbench starts (embedded): PostgreSQL with ssl on and redis-server on a TLS port, certificates per data
   * directory, clients on sslmode=verify-full and rediss://, workers over TCP + TLS. Default true; `--no-tls` sets false.
   */
  tls?: boolean;
  /** Start PgBouncer (transaction pooling) in front of PostgreSQL for the load (embedded only; target.pooler). */
  pooler?: PoolerSpec;
}

export interface PoolerSpec {
  readonly kind: 'pgbouncer';
  /** Server connections PgBouncer keeps for the app role (default_pool_size). */
  readonly poolSize: number;
  /** Client connections it must accept: the load's and authbench's own. */
  readonly maxClients: number;
  /** Shard K of a distributed run starts its own PgBouncer, in `pgbouncer-s<K>/` beside the unsharded `pgbouncer/`. */
  readonly shardIndex?: number;
}

/** A pooler authbench started in front of the target's PostgreSQL. */
export interface TargetPooler {
  readonly kind: 'pgbouncer';
  readonly poolSize: number;
  readonly maxClients: number;
  readonly pid: number;
  readonly port: number;
  /** How it reaches PostgreSQL: the server's Unix socket when local (the embedded target), else TCP (+ TLS when on). */
  readonly serverTransport: 'unix-socket' | 'tcp-tls' | 'tcp';
  /** The one database it serves (the load's). */
  readonly database: string;
  /** The app role through the pooler (contains a password: show it through redactUrl only). */
  readonly appPgUrl: string;
  /** PgBouncer's admin console (database `pgbouncer`) as the app role, a stats user: SHOW CLIENTS / SHOW POOLS. */
  readonly adminUrl: string;
}

/** A provisioned target: connection URLs and facts. Dispose stops what authbench started (unless kept running). */
export interface Target {
  readonly kind: TargetKind;
  /** Superuser/admin URL (contains a password: show it through redactUrl only). */
  readonly pgUrl: string;
  /** URL for the application role `authbench_app`, when authbench knows its password. */
  readonly appPgUrl?: string;
  /** Password for `authbench_app`: set on the role after migrations (see prepare.ts). */
  readonly appPassword?: string;
  readonly redisUrl: string;
  /**
   * The same servers over Unix-domain sockets, when authbench started them on this machine: what the load workers
   * connect with. A round trip over a socket costs both sides less CPU than over loopback TCP (docs/benchmarks.md).
   */
  readonly local?: { readonly pgUrl?: string; readonly appPgUrl?: string; readonly redisUrl?: string };
  /**
   * The directory of PostgreSQL's Unix-domain socket (`.s.PGSQL.<port>`), when authbench started the server on this
   * machine and the socket path fits; TLS or not. What a pooler on the same host connects with.
   */
  readonly pgSocketDir?: string;
  /** PostgreSQL server_version, e.g. '17.10'. */
  readonly serverVersion: string;
  readonly redisVersion: string;
  /** Effective server settings that matter to the results (SHOW name → value), recorded in reports. */
  readonly settings: Readonly<Record<string, string>>;
  /** True when authbench started these servers in this process or via `authbench provision`. */
  readonly started: boolean;
  /** Restart, crash and pause of the servers, when this process started them on this machine (scenario events). */
  readonly control?: LocalServerControl;
  /** Present when authbench started a pooler for the load (TargetSpec.pooler): the workers connect through it. */
  readonly pooler?: TargetPooler;
  [Symbol.asyncDispose](): Promise<void>;
}
