// `--out prometheus-rw=URL`: streams the run's per-second series to a Prometheus remote-write receiver while the load
// runs. One push in flight, a bounded queue, no retry: a slow or dead receiver costs pushes (counted), never the load.
import { redactUrl } from '../../target/url.js';
import type { OutputReport } from '../../results/types.js';
import type { FinishedRun, IntervalOutput, LiveInterval, RunIdentity } from '../types.js';
import { RunSeries } from './series.js';
import { writeRequestBody, type TimeSeries } from './write-request.js';

/** Encoded pushes waiting while one is in flight; beyond this the oldest is dropped (counted): memory stays bounded. */
export const MAX_QUEUED_PUSHES = 30;
/** One push's deadline: a receiver that does not answer in time counts as failed. */
export const PUSH_TIMEOUT_MS = 5_000;
/** After the load, the queue gets this long to drain before what is left is dropped (counted). */
export const STOP_DEADLINE_MS = 10_000;
/** Intervals arrive in completion order; a gap this long is given up on (the missing interval is sent when it comes). */
const REORDER_WINDOW = 5;

export interface RemoteWriteOptions {
  readonly url: string;
  /** One-line warnings (the first failure only); default standard error. */
  readonly warn?: (line: string) => void;
  readonly pushTimeoutMs?: number;
  readonly stopDeadlineMs?: number;
  readonly maxQueuedPushes?: number;
}

interface Push {
  /** Its own ArrayBuffer (fetch's BodyInit does not take a pooled Buffer's view). */
  readonly body: Uint8Array<ArrayBuffer>;
  readonly samples: number;
}

export class PrometheusRemoteWriteOutput implements IntervalOutput {
  readonly kind = 'prometheus-rw' as const;
  readonly description: string;
  readonly #url: string;
  /** The URL as sent: fetch refuses credentials in it, so they travel as HTTP basic auth. */
  readonly #endpoint: string;
  readonly #authorization: string | undefined;
  readonly #options: RemoteWriteOptions;
  #identity: RunIdentity | undefined;
  #series: RunSeries | undefined;
  readonly #waiting = new Map<number, LiveInterval>();
  #nextIndex = 0;
  readonly #queue: Push[] = [];
  #inFlight: Promise<void> | undefined;
  #pushes = 0;
  #samples = 0;
  #failed = 0;
  #dropped = 0;
  #firstError: string | undefined;
  /** An interval's counts were added after the last push that carried the counters. */
  #countersBehind = false;
  #stopped = false;

  constructor(options: RemoteWriteOptions) {
    this.#url = options.url;
    const parsed = new URL(options.url);
    this.#authorization =
      parsed.username || parsed.password ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}` : undefined;
    parsed.username = '';
    parsed.password = '';
    this.#endpoint = parsed.toString();
    this.#options = options;
    this.description = `prometheus-rw → ${redactUrl(options.url)}`;
  }

  start(run: { readonly identity: RunIdentity; readonly startEpochMs: number }): void {
    this.#identity = run.identity;
    this.#series = new RunSeries(run.identity, run.startEpochMs);
  }

  addInterval(interval: LiveInterval): void {
    if (this.#series === undefined) return;
    try {
      if (interval.index < this.#nextIndex) {
        // Its turn was given up on: its gauges are not sent (their time has passed), its counts go into the counters.
        this.#series.count(interval);
        this.#countersBehind = true;
        return;
      }
      this.#waiting.set(interval.index, interval);
      if (this.#waiting.size > REORDER_WINDOW) this.#nextIndex = Math.min(...this.#waiting.keys());
      this.#release();
    } catch (err) {
      this.#fail(`could not encode interval ${interval.index}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Sends the waiting intervals that are next in index order. */
  #release(): void {
    for (let next = this.#waiting.get(this.#nextIndex); next !== undefined; next = this.#waiting.get(this.#nextIndex)) {
      this.#waiting.delete(this.#nextIndex);
      this.#nextIndex++;
      this.#enqueue(this.#series!.interval(next));
      this.#countersBehind = false;
    }
  }

  #enqueue(series: readonly TimeSeries[]): void {
    if (series.length === 0) return;
    this.#queue.push({ body: new Uint8Array(writeRequestBody(series)), samples: series.reduce((n, s) => n + s.samples.length, 0) });
    while (this.#queue.length > (this.#options.maxQueuedPushes ?? MAX_QUEUED_PUSHES)) {
      this.#queue.shift();
      this.#dropped++;
    }
    this.#pump();
  }

  #pump(): void {
    if (this.#inFlight !== undefined) return;
    const push = this.#queue.shift();
    if (push === undefined) return;
    this.#inFlight = this.#send(push).finally(() => {
      this.#inFlight = undefined;
      this.#pump();
    });
  }

  async #send(push: Push): Promise<void> {
    try {
      const response = await fetch(this.#endpoint, {
        method: 'POST',
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'User-Agent': 'authbench',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
          ...(this.#authorization ? { Authorization: this.#authorization } : {}),
        },
        body: push.body,
        signal: AbortSignal.timeout(this.#options.pushTimeoutMs ?? PUSH_TIMEOUT_MS),
      });
      const text = response.ok ? '' : (await response.text().catch(() => '')).trim().slice(0, 200);
      if (this.#stopped) return; // answered after the report was made: counted there as dropped
      if (response.ok) {
        this.#pushes++;
        this.#samples += push.samples;
      } else {
        this.#failed++;
        this.#fail(`the receiver answered ${response.status}${text ? ` (${text})` : ''}`);
      }
    } catch (err) {
      if (this.#stopped) return;
      this.#failed++;
      const e = err as Error & { cause?: { code?: string } };
      this.#fail(e.name === 'TimeoutError' ? `no answer within ${this.#options.pushTimeoutMs ?? PUSH_TIMEOUT_MS} ms` : (e.cause?.code ?? e.message));
    }
  }

  /** Warns once: a receiver that is down would otherwise print a line per second over the progress line. */
  #fail(reason: string): void {
    if (this.#firstError !== undefined) return;
    this.#firstError = redactUrl(reason);
    const line = `\nauthbench: warning: --out prometheus-rw ${redactUrl(this.#url)}: ${this.#firstError}. The load goes on; failed pushes are counted in results.json (outputs).\n`;
    (this.#options.warn ?? ((l: string) => void process.stderr.write(l)))(line);
  }

  async stop(finished: FinishedRun): Promise<OutputReport> {
    if (this.#series !== undefined) {
      try {
        for (const index of [...this.#waiting.keys()].sort((a, b) => a - b)) {
          this.#nextIndex = index;
          this.#release();
        }
        if (this.#countersBehind) this.#enqueue(this.#series.counters());
        this.#enqueue(this.#series.serverSeries(finished.results.intervals));
      } catch (err) {
        this.#fail(`could not encode the last series: ${err instanceof Error ? err.message : String(err)}`);
      }
      const deadline = Date.now() + (this.#options.stopDeadlineMs ?? STOP_DEADLINE_MS);
      while (this.#inFlight !== undefined && Date.now() < deadline) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.#inFlight, new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
        clearTimeout(timer);
      }
    }
    // Whatever is still queued (or in flight) at the deadline is not waited for.
    this.#stopped = true;
    this.#dropped += this.#queue.length + (this.#inFlight !== undefined ? 1 : 0);
    this.#queue.length = 0;
    return {
      kind: 'prometheus-rw',
      url: redactUrl(this.#url),
      runId: this.#identity?.runId ?? '',
      shard: this.#identity?.shard ?? '',
      pushes: this.#pushes,
      samples: this.#samples,
      failedPushes: this.#failed,
      droppedPushes: this.#dropped,
      ...(this.#firstError !== undefined ? { firstError: this.#firstError } : {}),
    };
  }
}
