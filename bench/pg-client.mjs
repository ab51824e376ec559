// What a PostgreSQL round trip costs a client, one query at a time (as a login sends its two calls): pgbench (C,
// libpq), pg's own query API, authbench's prepared-statement path over pg, and hand-written Bind/Execute/Sync on
// the same socket (the floor: no library at all). CPU per round trip of the same primary-key SELECT, over the
// server's Unix socket and over loopback TCP; docs/benchmarks.md ("PostgreSQL client").
import { spawnSync } from 'node:child_process';
import { Buffer } from 'node:buffer';
import console from 'node:console';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';
import process from 'node:process';
import pg from 'pg';
import { PreparedStatement } from '../dist/authdb/prepared-statement.js';
import { fmt, table, TICKS } from './lib.mjs';

const N = 20_000;
const ROUNDS = 3;
const QUERY = 'SELECT abalance FROM pgbench_accounts WHERE aid = $1';

/** CPU µs and wall µs per round trip of N sequential calls of `send(i)`; the best of ROUNDS, after a warm-up. */
async function measure(send) {
  for (let i = 0; i < 1000; i++) await send(i);
  let best = { cpuUs: Number.POSITIVE_INFINITY, wallUs: Number.NaN };
  for (let round = 0; round < ROUNDS; round++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await send(i);
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / N;
    if (cpuUs < best.cpuUs) best = { cpuUs, wallUs: ((performance.now() - t0) * 1000) / N };
  }
  return best;
}

/**
 * Bind + Execute + Sync of a statement pg already prepared, written straight to pg's socket after pg's own reader is
 * detached; a reply is complete at ReadyForQuery ('Z'). Nothing is parsed beyond message boundaries.
 */
function rawSender(client, statementName) {
  const stream = client.connection.stream;
  stream.removeAllListeners('data');
  let waiting = null;
  let pending = Buffer.alloc(0);
  stream.on('data', (chunk) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (pending.length - at >= 5) {
      const length = pending.readInt32BE(at + 1);
      if (pending.length - at < 1 + length) break;
      const type = pending[at];
      at += 1 + length;
      if (type === 0x5a && waiting) {
        const done = waiting;
        waiting = null;
        done();
      }
    }
    pending = at === pending.length ? Buffer.alloc(0) : pending.subarray(at);
  });
  const statement = new PreparedStatement(statementName, QUERY, 1);
  return (value) =>
    new Promise((resolve) => {
      waiting = resolve;
      stream.write(statement.encode([value], false));
    });
}

/** pgbench, one client, the same SELECT N times; its CPU read from the reaping shell's cutime + cstime. */
function pgbenchPerCall(pgbenchPath, url, work, scale) {
  const script = path.join(work, 'pg-client.sql');
  const shell = `printf '%s\\n' '\\set aid random(1, ${100_000 * scale})' 'SELECT abalance FROM pgbench_accounts WHERE aid = :aid;' > '${script}' && "$0" -n -M prepared -c 1 -j 1 -t ${N} -f '${script}' "$1" > /dev/null && cat /proc/$$/stat`;
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const r = spawnSync('sh', ['-c', shell, pgbenchPath, url], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pgbench (pg-client) exited ${r.status}: ${r.stderr}`);
    const f = r.stdout.slice(r.stdout.lastIndexOf(')') + 2).split(' ');
    best = Math.min(best, ((Number(f[13]) + Number(f[14])) / TICKS / N) * 1e6);
  }
  return best;
}

export async function benchPgClient({ server, pgbench, work, scale }) {
  const rows = [];
  const tcp = new URL(server.pgUrl);
  for (const [transport, host] of [['unix', path.join(server.dataDir, 'pg17')], ['tcp', tcp.hostname]]) {
    const url = new URL(server.pgUrl);
    url.searchParams.set('host', host);
    const connect = async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      return client;
    };
    const aid = (i) => String(1 + ((i * 7919) % (100_000 * scale)));
    rows.push({ transport, client: 'pgbench (C, libpq)', cpuUs: pgbenchPerCall(pgbench, url.toString(), work, scale), wallUs: Number.NaN });
    const plain = await connect();
    rows.push({ transport, client: "pg's query({ name, text, values })", ...(await measure((i) => plain.query({ name: 'q', text: QUERY, values: [aid(i)] }))) });
    await plain.end();
    const ours = await connect();
    const statement = new PreparedStatement('q_ours', QUERY, 1);
    rows.push({ transport, client: "authbench's PreparedStatement over pg", ...(await measure((i) => statement.run(ours, [aid(i)]))) });
    await ours.end();
    const bare = await connect();
    await bare.query({ name: 'q_raw', text: QUERY, values: ['1'] });
    const send = rawSender(bare, 'q_raw');
    rows.push({ transport, client: 'bare Bind/Execute/Sync (floor)', ...(await measure((i) => send(aid(i)))) });
    bare.on('error', () => {}); // the socket is closed under pg, which would report it
    bare.connection.stream.destroy();
  }
  for (const r of rows) console.log(`pg-client ${r.transport} ${r.client}: ${fmt(r.cpuUs, 1)} µs CPU per round trip`);
  return rows;
}

export function printPgClient(rows) {
  table(
    `PostgreSQL client cost per round trip, one query at a time (the client's CPU; best of ${ROUNDS} × ${N})`,
    ['transport', 'client', 'CPU µs/round trip', 'wall µs/round trip'],
    rows.map((r) => [r.transport, r.client, fmt(r.cpuUs, 1), fmt(r.wallUs, 1)]),
  );
}
