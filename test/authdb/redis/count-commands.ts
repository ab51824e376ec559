// Counts commands a client sends from now on, to prove a check is one round trip (scripts' inner calls excluded).
import type { Redis } from 'ioredis';

/** Starts counting; the returned function reads the count and stops. */
export function countCommands(client: Redis): () => number {
  const original = client.sendCommand.bind(client);
  let sent = 0;
  client.sendCommand = ((...args: Parameters<Redis['sendCommand']>) => {
    sent++;
    return original(...args);
  }) as Redis['sendCommand'];
  return () => {
    client.sendCommand = original;
    return sent;
  };
}
