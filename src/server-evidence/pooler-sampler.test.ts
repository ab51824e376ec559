import { describe, expect, it } from 'vitest';
import { countLoadClients, pgbouncerTime, poolerEvidence } from './pooler-sampler.js';

describe('pooler sampler', () => {
  it('reads PgBouncer timestamps (UTC, whole seconds)', () => {
    expect(pgbouncerTime('2026-12-02 02:50:01 UTC')).toBe(Date.UTC(2026, 11, 2, 2, 50, 1));
    expect(pgbouncerTime('')).toBeNaN();
  });

  it('counts the load\'s clients that are waiting, linked, or requested since the previous sample\'s second', () => {
    const at = (s: number) => `2026-12-02 02:50:${String(s).padStart(2, '0')} UTC`;
    const since = Date.UTC(2026, 11, 2, 2, 50, 10, 400); // the previous sample, at 10.4 s
    const rows = [
      { database: 'authbench', state: 'active', link: '', request_time: at(10), application_name: 'authbench-w0' }, // same second: counts
      { database: 'authbench', state: 'active', link: '', request_time: at(9), application_name: 'authbench-w1' }, // idle since: no
      { database: 'authbench', state: 'active', link: '0x1', request_time: at(1), application_name: 'authbench-s2-w3' }, // in a transaction
      { database: 'authbench', state: 'waiting', link: '', request_time: at(1), application_name: 'authbench-w4' },
      { database: 'authbench', state: 'active', link: '', request_time: at(11), application_name: 'authbench-w0-setup' }, // not a load slot
      { database: 'pgbouncer', state: 'active', link: '', request_time: at(11), application_name: 'authbench-w5' }, // the admin console
    ];
    expect(countLoadClients(rows, 'authbench', since)).toBe(3);
    // Shard 2 counts only its own clients (the merge adds the shards'); shard 0 has none of these.
    expect(countLoadClients(rows, 'authbench', since, 2)).toBe(1);
    expect(countLoadClients(rows, 'authbench', since, 0)).toBe(0);
  });

  it('keeps the peaks of the measured window and says when nothing was sampled', () => {
    const samples = [{ atMs: 500, clients: 99, waiting: 9, servers: 9 }, { atMs: 1500, clients: 12, waiting: 1, servers: 3 }, { atMs: 2500, clients: 10, waiting: 2, servers: 2 }];
    expect(poolerEvidence(samples, 1000, { kind: 'pgbouncer', poolSize: 3 })).toEqual({
      kind: 'pgbouncer', poolSize: 3, mode: 'transaction', clientConnectionsPeak: 12, clientsWaitingPeak: 2, serverConnectionsPeak: 3, clientSamples: 2,
    });
    expect(poolerEvidence([], 0, { kind: 'pgbouncer', poolSize: 3 }, 'refused')).toMatchObject({ clientSamples: 0, samplingError: 'refused' });
  });
});
