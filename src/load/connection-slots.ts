// The worker's PostgreSQL connections: one plain pg.Client per slot, and an iteration owns a slot while it runs.
// No pg.Pool: the open model queues arrivals itself, so their wait counts from the intended start and is measured.
// A lost connection is reconnected by the next iteration that needs it, with backoff while the server refuses, and
// each outage is logged as a fault (first error → first successful reconnect) for the results' `recovery` section.
import pg from 'pg';
import { pgClientConfig } from '../target/tls.js';
import { useUnnamedStatements } from '../authdb/prepared-statement.js';
import { epochNowMs } from './clock.js';
import { ConnectionBackoffError } from './classify-error.js';
import type { ConnectionFault } from './protocol.js';

/** One connection an iteration holds exclusively. `client` is null when the plan needs no PostgreSQL. */
export interface Slot {
  readonly id: number;
  client: pg.Client | null;
  /** Set when the client failed at connection level: the next user reconnects first. */
  broken: boolean;
}

export interface SlotOptions {
  readonly url: string;
  readonly count: number;
  /** Open real connections (false: the slots only bound concurrency, e.g. a Redis-only plan). */
  readonly connect: boolean;
  /** Name shown in pg_stat_activity.application_name. */
  readonly applicationName: string;
  /** Client-side limit per query, ms: a query without an answer after it fails as a timeout. */
  readonly queryTimeoutMs: number;
  /** Bind unnamed statements (a transaction pooler is in front of the server: target.pooler). */
  readonly unnamedStatements?: boolean;
}

/** Connections opened at once while preparing; more would only make a connection storm on the server. */
const CONNECT_CONCURRENCY = 8;
/** Reconnect backoff after a refused attempt: 50 ms doubling to 500 ms (the resolution of a measured recovery), jittered to 50–100 %. */
export const RECONNECT_BACKOFF = { firstMs: 50, maxMs: 500 } as const;

export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const cap = Math.min(RECONNECT_BACKOFF.maxMs, RECONNECT_BACKOFF.firstMs * 2 ** Math.max(0, failures - 1));
  return cap * (0.5 + 0.5 * random());
}

/** A fault as this worker logs it, while it may still be open. */
interface FaultRecord {
  firstErrorAtMs: number;
  recoveredAtMs: number | null;
  connectionErrors: number;
}

/**
 * A slot whose `broken` flag is also the fault log's input: the iteration runner sets it after an iteration failed at
 * connection level (a `connection` or `timeout` error), which counts that iteration once; a failed repair has
 * counted its iteration already.
 */
class PgSlot implements Slot {
  /** The client, read without marking it taken (the slots' own bookkeeping). */
  current: pg.Client | null = null;
  /** When an iteration last took the client (epoch ms): a failure a whole query timeout later is that query timing out. */
  takenAtMs = 0;
  /** When the current client connected (epoch ms): a loss of a client older than a fault belongs to that fault. */
  connectedAtMs = 0;
  failedReconnects = 0;
  nextAttemptAtMs = 0;
  /** The iteration that runs now failed in repair() and was counted there. */
  countedInRepair = false;
  private isBroken = false;

  constructor(
    readonly id: number,
    private readonly onIterationFailed: (slot: PgSlot) => void,
  ) {}

  /** What an iteration's queries run on; reading it marks the moment the iteration took it. */
  get client(): pg.Client | null {
    this.takenAtMs = epochNowMs();
    return this.current;
  }

  set client(value: pg.Client | null) {
    this.current = value;
  }

  get broken(): boolean {
    return this.isBroken;
  }

  set broken(value: boolean) {
    if (value) {
      if (this.countedInRepair) this.countedInRepair = false;
      else this.onIterationFailed(this);
    }
    this.isBroken = value;
  }

  /** Marked by the slots themselves (a lost idle connection, a repair): no iteration failed for it. */
  markBroken(value: boolean): void {
    this.isBroken = value;
  }
}

export class ConnectionSlots {
  private readonly free: PgSlot[] = [];
  private readonly all: PgSlot[] = [];
  /** Clients this class ended itself: their 'end' is not a lost connection. */
  private readonly endedByUs = new WeakSet<pg.Client>();
  private readonly lost = new WeakSet<pg.Client>();
  private readonly faultLog: FaultRecord[] = [];
  private closing = false;
  /** When the server last finished answering a request on any of these connections (epoch ms). */
  private lastAnswerAtMs = 0;

  private constructor(private readonly options: SlotOptions) {}

  /** Opens every connection before the load starts; the first failure rejects (and closes what was opened). */
  static async open(options: SlotOptions): Promise<ConnectionSlots> {
    const slots = new ConnectionSlots(options);
    for (let i = 0; i < options.count; i++) {
      const slot = new PgSlot(i, (failed) => slots.noteIterationFailure(failed));
      slots.all.push(slot);
      slots.free.push(slot);
    }
    if (!options.connect) return slots;
    try {
      let next = 0;
      const opener = async (): Promise<void> => {
        while (next < slots.all.length) {
          const slot = slots.all[next++]!;
          slot.current = await slots.newClient(slot);
          slot.connectedAtMs = epochNowMs();
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, options.count) }, opener));
    } catch (err) {
      await slots.close();
      throw err;
    }
    return slots;
  }

  private async newClient(slot: PgSlot): Promise<pg.Client> {
    const client = new pg.Client({
      ...pgClientConfig(this.options.url),
      application_name: this.options.applicationName,
      query_timeout: this.options.queryTimeoutMs,
      connectionTimeoutMillis: this.options.queryTimeoutMs,
    });
    if (this.options.unnamedStatements) useUnnamedStatements(client);
    // A backend terminated (or a server stopped) emits 'error' and 'end' on the client, idle or not: mark the slot
    // for reconnection and log the loss; never crash the worker.
    const onLost = (): void => {
      if (this.endedByUs.has(client) || this.lost.has(client)) return;
      this.lost.add(client);
      if (slot.current !== client) return;
      slot.markBroken(true);
      this.noteLoss(slot);
    };
    client.on('error', onLost);
    client.on('end', onLost);
    // ReadyForQuery ends every answer (and the connection handshake): the mark a frozen server stops setting.
    (client as unknown as { connection?: NodeJS.EventEmitter }).connection?.on('readyForQuery', () => {
      this.lastAnswerAtMs = epochNowMs();
    });
    try {
      await client.connect();
    } catch (err) {
      this.endedByUs.add(client);
      throw err;
    }
    return client;
  }

  get size(): number {
    return this.all.length;
  }

  get available(): number {
    return this.free.length;
  }

  /** A free slot, or null when every connection is busy (the open model's arrival then waits for one). */
  tryAcquire(): Slot | null {
    return this.free.pop() ?? null;
  }

  release(slot: Slot): void {
    this.free.push(slot as PgSlot);
  }

  /**
   * Replaces a broken slot's client; the time it takes belongs to the iteration that needs it. While the server
   * refuses connections, attempts are spaced by a jittered backoff: an iteration arriving before the next attempt
   * fails at once with a `connection` error (ConnectionBackoffError) instead of hammering a restarting server.
   */
  async repair(slot: Slot): Promise<void> {
    if (!slot.broken || !this.options.connect) return;
    const own = slot as PgSlot;
    const now = epochNowMs();
    if (now < own.nextAttemptAtMs) {
      own.countedInRepair = true;
      this.noteError(own, now);
      throw new ConnectionBackoffError(`reconnecting to PostgreSQL in ${Math.ceil(own.nextAttemptAtMs - now)} ms (attempt ${own.failedReconnects + 1})`);
    }
    const old = own.current;
    own.current = null;
    if (old) {
      this.endedByUs.add(old);
      old.end().catch(() => {});
    }
    try {
      own.current = await this.newClient(own);
    } catch (err) {
      own.failedReconnects += 1;
      const failedAt = epochNowMs();
      own.nextAttemptAtMs = failedAt + reconnectDelayMs(own.failedReconnects);
      own.countedInRepair = true;
      this.noteError(own, failedAt);
      throw err;
    }
    own.connectedAtMs = epochNowMs();
    own.failedReconnects = 0;
    own.nextAttemptAtMs = 0;
    own.markBroken(false);
    const open = this.openFault();
    if (open) open.recoveredAtMs = own.connectedAtMs;
  }

  /** The outages this worker saw, in order (epoch ms); `recoveredAtMs` is null when the run ended first. */
  faults(): ConnectionFault[] {
    return this.faultLog.map((f) => ({ ...f }));
  }

  private openFault(): FaultRecord | undefined {
    const last = this.faultLog.at(-1);
    return last && last.recoveredAtMs === null ? last : undefined;
  }

  /**
   * A connection failed to come up (or is backing off): part of the outage it was lost in (even when another slot has
   * reconnected since), of the open fault, or the start of a new one.
   */
  private noteError(slot: PgSlot, atMs: number): void {
    this.faultOf(slot, atMs).connectionErrors += 1;
  }

  /** A connection was lost (idle or not): the start of a fault, or part of one. Iterations are counted on their own. */
  private noteLoss(slot: PgSlot): void {
    this.faultOf(slot, epochNowMs());
  }

  /** An iteration failed because its connection was lost (or timed out and is replaced). */
  noteIterationFailure(slot: PgSlot): void {
    if (this.closing) return; // the run's own cut-off: those iterations are `interrupted`
    this.faultOf(slot, this.iterationFailureStartMs(slot)).connectionErrors += 1;
  }

  /** A connection older than the latest fault's start died in that outage, even if its failure surfaces later. */
  private faultOf(slot: PgSlot, startMs: number): FaultRecord {
    const last = this.faultLog.at(-1);
    if (last && slot.connectedAtMs <= last.firstErrorAtMs) return last;
    return this.openFault() ?? this.startFault(Math.max(startMs, last?.recoveredAtMs ?? 0));
  }

  /**
   * When a failed iteration's trouble began. Usually now. But an iteration that failed a whole query timeout after it
   * took its (still open) connection timed out; when no connection has had an answer since that query was sent, the
   * server went silent (frozen, black-holed) then, not when the client gave up waiting.
   */
  private iterationFailureStartMs(slot: PgSlot): number {
    const now = epochNowMs();
    const client = slot.current;
    const timedOut = client !== null && !this.lost.has(client) && now - slot.takenAtMs >= this.options.queryTimeoutMs;
    if (!timedOut || now - this.lastAnswerAtMs < this.options.queryTimeoutMs) return now;
    return now - this.options.queryTimeoutMs;
  }

  private startFault(atMs: number): FaultRecord {
    const fault: FaultRecord = { firstErrorAtMs: atMs, recoveredAtMs: null, connectionErrors: 0 };
    this.faultLog.push(fault);
    return fault;
  }

  /** Closes every connection; queries still running are cut off (their iterations count as interrupted). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.all.map(async (slot) => {
        const client = slot.current;
        slot.current = null;
        if (client) {
          this.endedByUs.add(client);
          await client.end().catch(() => {});
        }
      }),
    );
  }
}
