// What the series' monitoring queries cost the PostgreSQL server per call: the monitoring backend's own CPU time
// (/proc/<pid>/schedstat, so the server must run on this machine), over N calls of each, beside the queries they
// replaced, while LOAD connections named like load workers are open and BUSY of them work. docs/benchmarks.md says how
// to read it. Usage: npm run build && node bench/series-queries.mjs --pg-url URL [--calls 1000 --load 64 --busy 8]
import fs from 'node:fs';
import console from 'node:console';
import process from 'node:process';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CONNECTIONS_QUERY } from '../dist/server-evidence/connection-sampler.js';
import { statsQuery } from '../dist/series/pg-stats.js';
import { WAIT_STATEMENT } from '../dist/series/wait-sampler.js';
import { pgClientConfig } from '../dist/target/tls.js';
import { loadavg } from './lib.mjs';

const { values: opts } = parseArgs({ options: { 'pg-url': { type: 'string' }, calls: { type: 'string', default: '1000' }, load: { type: 'string', default: '64' }, busy: { type: 'string', default: '8' } } });
const url = opts['pg-url'] ?? process.env.DATABASE_URL;
if (!url) throw new Error('give --pg-url (or DATABASE_URL) of a PostgreSQL running on this machine');
const CALLS = Number(opts.calls);

/** The queries before issue 12's cost work (commit 18c8eb1), sent as they were: unprepared, one after the other. */
const BEFORE_WAITS = `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS event, count(*)::int AS n
  FROM pg_stat_activity
 WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
   AND application_name ~ '^authbench-w[0-9]+$' AND state IN ('active', 'idle in transaction')
 GROUP BY 1`;

const connect = async (name) => {
  const c = new pg.Client({ ...pgClientConfig(url), application_name: name });
  await c.connect();
  return c;
};
const load = [];
for (let i = 0; i < Number(opts.load); i++) load.push(await connect(`authbench-w${i % 2}`));
let stop = false;
// Half of the working connections in a transaction across a short sleep, half running short statements.
const working = load.slice(0, Number(opts.busy)).map(async (c, i) => {
  while (!stop) await c.query(i % 2 ? 'SELECT 1' : 'BEGIN; SELECT pg_sleep(0.003); COMMIT');
});
const monitor = await connect('authbench-monitor');
const { rows } = await monitor.query(`SELECT pg_backend_pid() AS pid, current_setting('server_version_num')::int AS v`);
const { pid, v } = rows[0];
const stats = statsQuery(v);
const { rows: [{ pids }] } = await monitor.query(`SELECT coalesce(array_agg(pid), '{}') AS pids FROM pg_stat_activity WHERE application_name ~ '^authbench-w[0-9]+$'`);
const pidList = `{${pids.join(',')}}`;
const serverNs = () => Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);

const cases = [
  ['wait sample, before (20/s)', () => monitor.query(BEFORE_WAITS)],
  ['wait sample, now (20/s)', () => WAIT_STATEMENT.firstRow(monitor, [pidList])],
  ['connections, before (1/s)', () => monitor.query({ text: CONNECTIONS_QUERY.text, values: CONNECTIONS_QUERY.values })],
  ['connections, now (1/s)', () => monitor.query(CONNECTIONS_QUERY)],
  ['counters, before (1/s)', async () => (await monitor.query('SELECT pg_stat_clear_snapshot()'), await monitor.query(stats))],
  ['counters, now (1/s)', () => monitor.query({ name: 'authbench-pg-stats', text: stats })],
  ['SELECT 1 (the round trip alone)', () => monitor.query({ name: 'one', text: 'SELECT 1' })],
];
console.log(`PostgreSQL ${v}, ${load.length} load connections (${opts.busy} working), ${CALLS} calls each, load average ${loadavg()}`);
for (const [label, call] of cases) {
  await call();
  const before = serverNs();
  for (let i = 0; i < CALLS; i++) await call();
  console.log(`${label.padEnd(34)} ${((serverNs() - before) / CALLS / 1000).toFixed(0).padStart(6)} µs of server CPU per call`);
}
stop = true;
await Promise.all(working);
await Promise.all([...load, monitor].map((c) => c.end()));
