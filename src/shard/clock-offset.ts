// This process's clock against the database server's: `SELECT clock_timestamp()` round trips, the one with the
// shortest round trip kept (NTP's idea). Shards on different machines are compared through the one server clock.
import type pg from 'pg';
import { epochNowMs } from '../load/clock.js';

export interface ClockOffset {
  /** Server clock − this clock, ms (positive: this machine is behind the server). */
  readonly offsetMs: number;
  /** The kept sample's round trip, ms: the offset is known to ±rttMs/2. */
  readonly rttMs: number;
  readonly samples: number;
}

/** Takes `samples` round trips on `client` (already connected) and keeps the shortest. */
export async function measureClockOffset(client: pg.Client, samples = 8): Promise<ClockOffset> {
  let best: { offsetMs: number; rttMs: number } | undefined;
  for (let i = 0; i < samples; i++) {
    const sent = epochNowMs();
    const { rows } = await client.query<{ us: string }>("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text AS us");
    const received = epochNowMs();
    const serverMs = Number(rows[0]!.us) / 1000;
    const rttMs = received - sent;
    // The server read its clock somewhere in the round trip: the middle is the best guess.
    const offsetMs = serverMs - (sent + received) / 2;
    if (!best || rttMs < best.rttMs) best = { offsetMs, rttMs };
  }
  return { offsetMs: round3(best!.offsetMs), rttMs: round3(best!.rttMs), samples };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
