// After a crash and recovery: is every login the generator saw acknowledged still in the database, with its session
// row and its audit event? Reads the acknowledged jtis from their file in batches, so memory stays bounded.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { pgClientConfig } from '../target/tls.js';

export interface DurabilityReport {
  /** Logins whose finish_login the database answered (committed) before, during or after the crash. */
  readonly acknowledged: number;
  /** Of those, how many have their session row / their audit event after recovery. */
  readonly sessionsFound: number;
  readonly eventsFound: number;
  /** Up to 10 acknowledged jtis with no session row or no audit event (none when nothing was lost). */
  readonly missingSample: readonly string[];
}

const BATCH = 10_000;

/** Looks up every jti of `file` (one per line) over the admin URL. */
export async function checkAcknowledgedLogins(pgUrl: string, file: string): Promise<DurabilityReport> {
  const client = new pg.Client({ ...pgClientConfig(pgUrl), application_name: 'authbench-durability-check', connectionTimeoutMillis: 10_000 });
  await client.connect();
  let acknowledged = 0;
  let sessionsFound = 0;
  let eventsFound = 0;
  const missingSample: string[] = [];
  const check = async (jtis: string[]): Promise<void> => {
    acknowledged += jtis.length;
    // One scan of the (unindexed by jti) audit log per batch, one primary-key probe per session.
    const { rows } = await client.query<{ jti: string; session: boolean; event: boolean }>(
      `SELECT a.jti::text AS jti,
              EXISTS (SELECT 1 FROM auth.sessions s WHERE s.jti = a.jti) AS session,
              a.jti IN (SELECT e.session_jti FROM auth.security_events e WHERE e.session_jti = ANY($1::uuid[]) AND e.event_type = 'login.success') AS event
         FROM unnest($1::uuid[]) AS a(jti)`,
      [jtis],
    );
    for (const row of rows) {
      if (row.session) sessionsFound++;
      if (row.event) eventsFound++;
      if ((!row.session || !row.event) && missingSample.length < 10) missingSample.push(row.jti);
    }
  };
  try {
    let batch: string[] = [];
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (line === '') continue;
      batch.push(line);
      if (batch.length >= BATCH) {
        await check(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await check(batch);
  } finally {
    await client.end().catch(() => {});
  }
  return { acknowledged, sessionsFound, eventsFound, missingSample };
}
