// What answers on a port that did not speak PostgreSQL to node-postgres: one plain `PING` line, and the first bytes
// back. Redis replies `+PONG` or `-NOAUTH…`; PostgreSQL closes the connection silently; a dead server says nothing.
import net from 'node:net';

export type ProbeAnswer = 'redis' | 'other' | 'closed' | 'silent' | 'refused';

/** Sends `PING\r\n` to host:port and classifies the first reply within `timeoutMs`. Never throws. */
export function probeServer(host: string, port: number, timeoutMs = 1_000): Promise<ProbeAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const done = (answer: ProbeAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done('silent'), timeoutMs);
    timer.unref();
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(/^[+-]/.test(chunk.toString('latin1')) ? 'redis' : 'other'));
    socket.once('end', () => done('closed'));
    socket.once('close', () => done('closed'));
    socket.once('error', () => done('refused'));
  });
}
