// The Redis client's own cost per command: ioredis with and without auto-pipelining against a floor of hand-written
// RESP on a bare socket, one command at a time (as the login path sends them) and 16 in flight. CPU of this process
// per SET round trip on the provisioned redis-server's Unix socket, and redis-server's own CPU per command; docs/benchmarks.md ("Redis client").
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Redis } from 'ioredis';
import { fmt, procSample, table } from './lib.mjs';

const N = 20_000;
const ROUNDS = 3;
const VALUE = '123456|1767225600000|';

/**
 * CPU µs and wall µs per command of `N` commands, `inFlight` chains at a time, and redis-server's own CPU per command
 * over the same round (from /proc, 10 ms ticks: ±0.5 µs over 20 000 commands); the best of ROUNDS.
 */
async function measure(send, inFlight, redisPid) {
  let best = { cpuUs: Number.POSITIVE_INFINITY, wallUs: Number.NaN, serverUs: Number.NaN };
  for (let round = 0; round < ROUNDS; round++) {
    const server0 = procSample(redisPid)?.cpuS ?? Number.NaN;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (i < N) await send(`ab:bench:${i++ % 1000}`);
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / N;
    const serverUs = (((procSample(redisPid)?.cpuS ?? Number.NaN) - server0) * 1e6) / N;
    if (cpuUs < best.cpuUs) best = { cpuUs, wallUs: ((performance.now() - t0) * 1000) / N, serverUs };
  }
  return best;
}

/** SET key value PX 60000 in RESP, replies counted by their CRLF (every reply to SET is one line: +OK or -ERR). */
async function rawClient(socketPath) {
  const socket = net.createConnection(socketPath);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const waiting = [];
  socket.setEncoding('latin1');
  let pending = '';
  socket.on('data', (chunk) => {
    pending += chunk;
    let end;
    while ((end = pending.indexOf('\r\n')) >= 0) {
      pending = pending.slice(end + 2);
      waiting.shift()();
    }
  });
  return {
    send: (key) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        socket.write(`*5\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${VALUE.length}\r\n${VALUE}\r\n$2\r\nPX\r\n$5\r\n60000\r\n`);
      }),
    close: () => socket.end(),
  };
}

export async function benchRedisClient({ server }) {
  const socketPath = path.join(server.dataDir, 'redis', 'redis.sock');
  const rows = [];
  for (const inFlight of [1, 16]) {
    for (const auto of [true, false]) {
      const redis = new Redis({ path: socketPath, enableAutoPipelining: auto, lazyConnect: true });
      await redis.connect();
      rows.push({ client: `ioredis${auto ? ', auto-pipelining' : ''}`, inFlight, ...(await measure((key) => redis.set(key, VALUE, 'PX', 60_000), inFlight, server.redisPid)) });
      redis.disconnect();
    }
    const raw = await rawClient(socketPath);
    rows.push({ client: 'bare RESP (floor)', inFlight, ...(await measure(raw.send, inFlight, server.redisPid)) });
    raw.close();
  }
  return rows;
}

export function printRedisClient(rows) {
  table(
    `Redis client cost per SET round trip (this process's CPU; best of ${ROUNDS} × ${N})`,
    ['client', 'in flight', 'CPU µs/command', 'wall µs/command', 'redis-server µs/command'],
    rows.map((r) => [r.client, r.inFlight, fmt(r.cpuUs, 1), fmt(r.wallUs, 1), fmt(r.serverUs, 1)]),
  );
}
