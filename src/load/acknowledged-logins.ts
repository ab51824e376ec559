// The jtis of logins the database acknowledged (finish_login committed and answered), sent from the load workers to
// the main thread in batches over one BroadcastChannel, and appended there to a file: memory stays bounded.
import { createWriteStream, type WriteStream } from 'node:fs';
import { BroadcastChannel } from 'node:worker_threads';

const CHANNEL = 'authbench:acknowledged-logins';
/**
 * A batch goes at this many jtis, or at the end of the event-loop turn (setImmediate): never later than the worker's
 * own shutdown, which awaits I/O, so no acknowledged jti is left behind in a worker.
 */
const BATCH = 256;
/** How long the main side waits for quiet on the channel after the load. */
const FLUSH_MS = 50;

interface Batch {
  readonly jtis: readonly string[];
}

/** Worker side: `add` after each acknowledged login; batches are posted at BATCH or at the end of the turn. */
export class AcknowledgedLoginSink {
  private readonly channel = new BroadcastChannel(CHANNEL);
  private pending: string[] = [];
  private timer: NodeJS.Immediate | undefined;

  constructor() {
    this.channel.unref(); // posting must not keep a finished worker alive
  }

  add(jti: string): void {
    this.pending.push(jti);
    if (this.pending.length >= BATCH) this.flush();
    else this.timer ??= setImmediate(() => this.flush());
  }

  flush(): void {
    clearImmediate(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch: Batch = { jtis: this.pending };
    this.pending = [];
    this.channel.postMessage(batch);
  }
}

/** Main side: appends every jti the workers report to `file`, one per line; `close` waits for the stragglers. */
export class AcknowledgedLoginLog {
  private readonly channel = new BroadcastChannel(CHANNEL);
  private readonly out: WriteStream;
  private lastMessageAt = Date.now();
  count = 0;

  constructor(readonly file: string) {
    this.out = createWriteStream(file, { flags: 'w', mode: 0o600 });
    this.channel.unref();
    this.channel.onmessage = (event: unknown) => {
      const { jtis } = (event as { data: Batch }).data;
      this.lastMessageAt = Date.now();
      this.count += jtis.length;
      this.out.write(jtis.join('\n') + '\n');
    };
  }

  /**
   * After the load: a worker's last batch may still be in flight on the channel (it is not ordered with the pool's
   * messages), so this waits until the channel has been quiet for 4 flush periods (at most 5 s) before closing.
   */
  async close(): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() - this.lastMessageAt < 4 * FLUSH_MS && Date.now() < deadline) await new Promise((r) => setTimeout(r, FLUSH_MS));
    this.channel.close();
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
