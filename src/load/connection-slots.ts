// The worker's PostgreSQL connections: one plain pg.Client per slot, and an iteration owns a slot while it runs.
// No pg.Pool: a pool would queue arrivals and hide the wait; here a busy generator shows up as a dropped arrival.
import pg from 'pg';
import { pgClientConfig } from '../target/tls.js';

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
}

/** Connections opened at once while preparing; more would only make a connection storm on the server. */
const CONNECT_CONCURRENCY = 8;

export class ConnectionSlots {
  private readonly free: Slot[] = [];
  private readonly all: Slot[] = [];

  private constructor(private readonly options: SlotOptions) {}

  /** Opens every connection before the load starts; the first failure rejects (and closes what was opened). */
  static async open(options: SlotOptions): Promise<ConnectionSlots> {
    const slots = new ConnectionSlots(options);
    for (let i = 0; i < options.count; i++) {
      const slot: Slot = { id: i, client: null, broken: false };
      slots.all.push(slot);
      slots.free.push(slot);
    }
    if (!options.connect) return slots;
    try {
      let next = 0;
      const opener = async (): Promise<void> => {
        while (next < slots.all.length) {
          const slot = slots.all[next++]!;
          slot.client = await slots.newClient();
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, options.count) }, opener));
    } catch (err) {
      await slots.close();
      throw err;
    }
    return slots;
  }

  private async newClient(): Promise<pg.Client> {
    const client = new pg.Client({
      ...pgClientConfig(this.options.url),
      application_name: this.options.applicationName,
      query_timeout: this.options.queryTimeoutMs,
      connectionTimeoutMillis: this.options.queryTimeoutMs,
    });
    // A backend terminated while idle emits 'error' on the client: mark it, never crash the worker.
    client.on('error', () => {
      const slot = this.all.find((s) => s.client === client);
      if (slot) slot.broken = true;
    });
    await client.connect();
    return client;
  }

  get size(): number {
    return this.all.length;
  }

  get available(): number {
    return this.free.length;
  }

  /** A free slot, or null when every connection is busy (the arrival is then dropped, never queued). */
  tryAcquire(): Slot | null {
    return this.free.pop() ?? null;
  }

  release(slot: Slot): void {
    this.free.push(slot);
  }

  /** Replaces a broken slot's client; the time it takes belongs to the iteration that needs it. */
  async repair(slot: Slot): Promise<void> {
    if (!slot.broken || !this.options.connect) return;
    const old = slot.client;
    slot.client = null;
    old?.end().catch(() => {});
    slot.client = await this.newClient();
    slot.broken = false;
  }

  /** Closes every connection; queries still running are cut off (their iterations count as interrupted). */
  async close(): Promise<void> {
    await Promise.all(
      this.all.map(async (slot) => {
        const client = slot.client;
        slot.client = null;
        if (client) await client.end().catch(() => {});
      }),
    );
  }
}
