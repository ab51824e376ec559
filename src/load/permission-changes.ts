// Role changes announced to the load workers: after the main thread has invalidated a user's cached permission mask
// (on the database's pg_notify), it posts the user's new live mask here, so rbac.check knows the new right answer.
import { BroadcastChannel } from 'node:worker_threads';

const CHANNEL = 'authbench:permission-changes';

/** A user's effective permission mask after a role change (decimal text: bigint does not cross as JSON). */
export interface PermissionChange {
  readonly userId: string;
  readonly mask: string;
}

/** Main side: one channel for the run. */
export class PermissionChangeAnnouncer {
  private readonly channel = new BroadcastChannel(CHANNEL);
  constructor() {
    this.channel.unref();
  }
  announce(change: PermissionChange): void {
    this.channel.postMessage(change);
  }
  close(): void {
    this.channel.close();
  }
}

/** Worker side: calls `onChange` for every announced change; never keeps the thread alive. */
export function listenForPermissionChanges(onChange: (change: PermissionChange) => void): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.unref();
  channel.onmessage = (event: unknown) => onChange((event as { data: PermissionChange }).data);
}
