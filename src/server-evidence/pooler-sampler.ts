// Samples PgBouncer's admin console once a second (SHOW CLIENTS, SHOW POOLS) when the load goes through the pooler:
// the client connections are counted where they are, beside the server backends ConnectionSampler counts.
// Only the load's own clients count (application_name `authbench-w<N>`), and only those working: waiting for a server,
// linked to one, or with a request since the previous sample. PgBouncer reports request times in whole seconds, so
// "since the previous sample" reaches back to the start of that sample's second (a window of 1–2 s, not 1 s).
import pg from 'pg';
import { epochNowMs } from '../load/clock.js';
import { pgClientConfig } from '../target/tls.js';
import type { PoolerEvidence } from '../results/types.js';
import type { TargetPooler } from '../target/types.js';

export interface PoolerSample {
  /** ms since the load start. */
  readonly atMs: number;
  /** Load client connections working within the sampling window. */
  readonly clients: number;
  /** Clients waiting for a server connection (SHOW POOLS cl_waiting of the load's database). */
  readonly waiting: number;
  /** Server connections the pooler held (SHOW POOLS sv_active + sv_idle + sv_used + sv_tested + sv_login). */
  readonly servers: number;
}

const SAMPLE_EVERY_MS = 1000;
const LOAD_CLIENT = /^authbench-(s[0-9]+-)?w[0-9]+$/;

/** The load's client names this run counts: every load client, or in shard K only `authbench-sK-w<N>` (see below). */
function loadClientPattern(shardIndex: number | undefined): RegExp {
  return shardIndex === undefined ? LOAD_CLIENT : new RegExp(`^authbench-s${shardIndex}-w[0-9]+$`);
}

/** `2026-12-02 02:50:01 UTC` (PgBouncer's timestamps) → epoch ms; NaN when unreadable. */
export function pgbouncerTime(text: string | null | undefined): number {
  if (!text) return Number.NaN;
  return Date.parse(text.replace(' ', 'T').replace(/\s*UTC$/, 'Z'));
}

interface ClientRow {
  readonly database: string;
  readonly state: string;
  readonly link: string | null;
  readonly request_time: string | null;
  readonly application_name?: string | null;
}

interface PoolRow {
  readonly database: string;
  readonly cl_waiting: string | number;
  readonly sv_active: string | number;
  readonly sv_idle: string | number;
  readonly sv_used: string | number;
  readonly sv_tested: string | number;
  readonly sv_login: string | number;
}

/**
 * The load's working clients among SHOW CLIENTS rows: `sinceMs` is the previous sample's instant (epoch ms). A shard
 * counts only its own clients, so the merge can add the shards' counts per interval whether they shared one pooler or
 * each had their own.
 */
export function countLoadClients(rows: readonly ClientRow[], database: string, sinceMs: number, shardIndex?: number): number {
  const since = Math.floor(sinceMs / 1000) * 1000;
  const pattern = loadClientPattern(shardIndex);
  let n = 0;
  for (const r of rows) {
    if (r.database !== database || !pattern.test(r.application_name ?? '')) continue;
    const working = r.state === 'waiting' || (r.link !== null && r.link !== '') || pgbouncerTime(r.request_time) >= since;
    if (working) n += 1;
  }
  return n;
}

export class PoolerSampler {
  private readonly samples: PoolerSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private client: pg.Client | null = null;
  private startAtMs = Number.NaN;
  private lastAtMs = Number.NaN;
  private busy = false;
  private lastError: string | undefined;

  private readonly database: string;

  /** `shardIndex`: the run is shard K of a distributed run, and counts only its own clients. */
  constructor(
    private readonly pooler: TargetPooler,
    private readonly shardIndex?: number,
  ) {
    this.database = pooler.database;
  }

  /** Starts sampling; `startAtMs` (epoch ms) anchors the samples to the load's clock. */
  start(startAtMs: number): void {
    this.startAtMs = startAtMs;
    this.lastAtMs = startAtMs - SAMPLE_EVERY_MS;
    this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
    void this.sample();
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ ...pgClientConfig(this.pooler.adminUrl), application_name: 'authbench-pooler-monitor', connectionTimeoutMillis: 5_000 });
    client.on('error', () => {
      if (this.client === client) this.client = null;
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const client = await this.connect();
      const at = epochNowMs();
      // The admin console speaks the simple query protocol only: no parameters.
      const clients = await client.query<ClientRow>('SHOW CLIENTS');
      const pools = await client.query<PoolRow>('SHOW POOLS');
      const pool = pools.rows.filter((r) => r.database === this.database);
      const sum = (pick: (r: PoolRow) => string | number): number => pool.reduce((s, r) => s + Number(pick(r)), 0);
      this.samples.push({
        atMs: at - this.startAtMs,
        clients: countLoadClients(clients.rows, this.database, this.lastAtMs, this.shardIndex),
        waiting: sum((r) => r.cl_waiting),
        servers: sum((r) => r.sv_active) + sum((r) => r.sv_idle) + sum((r) => r.sv_used) + sum((r) => r.sv_tested) + sum((r) => r.sv_login),
      });
      this.lastAtMs = at;
    } catch (err) {
      // A missed sample is a gap, not a failure of the run; the reason is kept for the verdicts.
      this.lastError = (err as Error)?.message ?? String(err);
      await this.client?.end().catch(() => undefined);
      this.client = null;
    } finally {
      this.busy = false;
    }
  }

  /** Stops sampling and closes the admin-console connection. */
  async stop(): Promise<readonly PoolerSample[]> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 10));
    await this.client?.end().catch(() => undefined);
    this.client = null;
    return this.samples;
  }

  /** The pooler's evidence over the samples taken at or after `fromMs` (ms since the load start). */
  evidence(fromMs: number): PoolerEvidence {
    return poolerEvidence(this.samples, fromMs, this.pooler, this.lastError);
  }
}

export function poolerEvidence(samples: readonly PoolerSample[], fromMs: number, pooler: Pick<TargetPooler, 'kind' | 'poolSize'> & Partial<Pick<TargetPooler, 'serverTransport'>>, error?: string): PoolerEvidence {
  let clients = 0;
  let waiting = 0;
  let servers = 0;
  let count = 0;
  for (const s of samples) {
    if (s.atMs < fromMs) continue;
    count += 1;
    clients = Math.max(clients, s.clients);
    waiting = Math.max(waiting, s.waiting);
    servers = Math.max(servers, s.servers);
  }
  return {
    kind: pooler.kind,
    poolSize: pooler.poolSize,
    mode: 'transaction',
    ...(pooler.serverTransport ? { serverTransport: pooler.serverTransport } : {}),
    clientConnectionsPeak: clients,
    clientsWaitingPeak: waiting,
    serverConnectionsPeak: servers,
    clientSamples: count,
    ...(error !== undefined ? { samplingError: error } : {}),
  };
}
