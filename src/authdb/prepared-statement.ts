// A named prepared statement run through pg's Submittable interface (the path pg-cursor uses): one pre-laid-out
// Bind+Execute+Sync write per call, no Query/Result objects; rows are counted, and only the first one kept as text.
import type pg from 'pg';

/*
 * Why not `client.query({ name, text, values })`: per call pg clones and normalises the config, builds a Query, a
 * Result with per-field parsers (addFields), maps every value through prepareValue, and serialises four messages
 * through its writer. Profiled on the select-only scenario that was ≈ 15 µs of the worker's CPU per iteration, spent
 * on the generator rather than on the database. The wire traffic is what libpq/pgbench -M prepared send, minus the
 * Describe (we never look at column metadata): Parse once per connection, then Bind (text parameters, text results),
 * Execute, Sync, as one write. Errors, timeouts and broken connections still go through pg.Client exactly as before.
 */

/** The slice of pg's internal Connection this module touches (pg has no public type for it). */
interface PgConnection {
  readonly stream: { readonly writable: boolean; write(chunk: Buffer): boolean };
  readonly parsedStatements: Record<string, string | undefined>;
  readonly submittedNamedStatements: Record<string, string | undefined>;
}

/** What an execution ends with. One argument: pg wraps the callback (query_timeout) and passes on only two. */
interface Outcome {
  readonly rows: number;
  readonly first: RawRow | null;
}

type Callback = (err: Error | null, outcome?: Outcome) => void;

/** Values as the operations bind them; null binds SQL NULL, a Buffer a bytea (text form `\\x…`). */
export type BindValue = string | number | boolean | Buffer | null;

/** One row as the server sent it: each column's text form, null for SQL NULL. */
export type RawRow = readonly (string | null)[];

/**
 * Connections that bind the unnamed statement: Parse + Bind + Execute + Sync in every call, one write. Behind
 * PgBouncer in transaction pooling (1.18) consecutive calls may reach different backends, where a named statement
 * parsed once does not exist (26000 "prepared statement … does not exist"); the unnamed one is parsed in the same
 * write that uses it. Marked per connection, so the direct path (named, Parse once) is unchanged.
 */
const unnamedConnections = new WeakSet<object>();

/**
 * Marks `client` to send unnamed statements (target.pooler); call before its first statement. PreparedStatement sees the
 * mark on the connection; pg's own named queries (`client.query({ name, text, values })`) lose their name on this client.
 */
export function useUnnamedStatements(client: pg.ClientBase): void {
  const connection = (client as unknown as { connection?: object }).connection;
  if (connection) unnamedConnections.add(connection);
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const unnamedQuery = (config: unknown, ...rest: unknown[]): unknown => {
    const named = typeof config === 'object' && config !== null && typeof (config as { name?: unknown }).name === 'string' && typeof (config as { submit?: unknown }).submit !== 'function';
    return named ? query({ ...(config as object), name: undefined }, ...rest) : query(config, ...rest);
  };
  Object.defineProperty(client, 'query', { value: unnamedQuery, configurable: true, writable: true });
}

/** Execute (unnamed portal, no row limit) then Sync: the same 15 bytes after every Bind. */
const EXECUTE_SYNC = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4]);

function textOf(value: BindValue): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  return String(value);
}

/** One statement's wire form, shared by every connection of a worker. */
export class PreparedStatement {
  private readonly parse: Buffer;
  /** Bind header up to the parameter count: 'B', length placeholder, '' portal, statement name, 0 formats. */
  private readonly bindHead: Buffer;
  /** The same text as the unnamed statement (name ''), for useUnnamedStatements connections; made on first use. */
  private unnamedForm: PreparedStatement | undefined;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly paramCount: number,
  ) {
    const nameBytes = Buffer.from(`${name}\0`, 'utf8');
    const textBytes = Buffer.from(`${text}\0`, 'utf8');
    // Parse: 'P', len, name, text, int16 0 parameter types (the server infers them).
    this.parse = Buffer.alloc(1 + 4 + nameBytes.length + textBytes.length + 2);
    this.parse[0] = 0x50;
    this.parse.writeInt32BE(this.parse.length - 1, 1);
    nameBytes.copy(this.parse, 5);
    textBytes.copy(this.parse, 5 + nameBytes.length);
    // Bind head: 'B', len (filled per call), '\0' portal, name, int16 0 parameter formats (all text), int16 n.
    this.bindHead = Buffer.alloc(1 + 4 + 1 + nameBytes.length + 2 + 2);
    this.bindHead[0] = 0x42;
    nameBytes.copy(this.bindHead, 6);
    this.bindHead.writeInt16BE(paramCount, this.bindHead.length - 2);
  }

  get unnamed(): PreparedStatement {
    return (this.unnamedForm ??= new PreparedStatement('', this.text, this.paramCount));
  }

  /** Parse (when the connection has not seen the statement) + Bind + Execute + Sync, as one buffer. */
  encode(values: readonly BindValue[], withParse: boolean): Buffer {
    if (values.length !== this.paramCount) throw new RangeError(`statement ${this.name} takes ${this.paramCount} parameters, got ${values.length}`);
    const texts: (string | null)[] = new Array<string | null>(values.length);
    let paramBytes = 0;
    for (let i = 0; i < values.length; i++) {
      const t = textOf(values[i]!);
      texts[i] = t;
      paramBytes += 4 + (t === null ? 0 : Buffer.byteLength(t, 'utf8'));
    }
    const bindLength = this.bindHead.length + paramBytes + 2; // + int16 0 result formats (all text)
    const head = withParse ? this.parse.length : 0;
    const out = Buffer.allocUnsafe(head + bindLength + EXECUTE_SYNC.length);
    if (withParse) this.parse.copy(out, 0);
    let pos = head + this.bindHead.copy(out, head);
    out.writeInt32BE(bindLength - 1, head + 1);
    for (const t of texts) {
      if (t === null) {
        pos = out.writeInt32BE(-1, pos);
      } else {
        const lengthAt = pos;
        pos += 4;
        const written = out.write(t, pos, 'utf8');
        out.writeInt32BE(written, lengthAt);
        pos += written;
      }
    }
    pos = out.writeInt16BE(0, pos);
    EXECUTE_SYNC.copy(out, pos);
    return out;
  }

  /** Runs the statement on `client`; resolves with the number of rows returned. */
  run(client: pg.ClientBase, values: readonly BindValue[]): Promise<number> {
    return new Promise((resolve, reject) => {
      const query = new BoundQuery(this, values, false, (err, outcome) => (err ? reject(err) : resolve(outcome?.rows ?? 0)));
      // pg accepts any object with submit(): it queues it, applies query_timeout, and routes messages to it.
      (client as unknown as { query(q: BoundQuery): void }).query(query);
    });
  }

  /** Runs the statement on `client`; resolves with its first row as text (null when it returned none). */
  firstRow(client: pg.ClientBase, values: readonly BindValue[]): Promise<RawRow | null> {
    return new Promise((resolve, reject) => {
      const query = new BoundQuery(this, values, true, (err, outcome) => (err ? reject(err) : resolve(outcome?.first ?? null)));
      (client as unknown as { query(q: BoundQuery): void }).query(query);
    });
  }
}

/** One execution, as pg's Client drives it: submit, then the message handlers, then ready-for-query. */
class BoundQuery {
  /** pg reads `name` and `text` to track which statements each connection has parsed. */
  readonly name: string;
  readonly text: string;
  private rows = 0;
  private first: RawRow | null = null;
  private error: Error | null = null;
  private done = false;

  constructor(
    private readonly statement: PreparedStatement,
    private readonly values: readonly BindValue[],
    private readonly keepFirst: boolean,
    public callback: Callback,
  ) {
    this.name = statement.name;
    this.text = statement.text;
  }

  submit(connection: PgConnection): Error | null {
    if (unnamedConnections.has(connection)) return this.submitUnnamed(connection);
    const name = this.name;
    const parsed = connection.parsedStatements[name] ?? connection.submittedNamedStatements[name];
    if (parsed !== undefined && parsed !== this.text) return new Error(`Prepared statements must be unique - '${name}' was used for a different statement`);
    let message: Buffer;
    try {
      message = this.statement.encode(this.values, parsed === undefined);
    } catch (err) {
      return err as Error;
    }
    if (parsed === undefined) connection.submittedNamedStatements[name] = this.text;
    if (connection.stream.writable) connection.stream.write(message);
    return null;
  }

  /** Parse of the unnamed statement in every call; nothing recorded as parsed on the connection. */
  private submitUnnamed(connection: PgConnection): Error | null {
    let message: Buffer;
    try {
      message = this.statement.unnamed.encode(this.values, true);
    } catch (err) {
      return err as Error;
    }
    if (connection.stream.writable) connection.stream.write(message);
    return null;
  }

  handleRowDescription(): void {}

  handleDataRow(message: { fields: RawRow }): void {
    if (this.rows++ === 0 && this.keepFirst) this.first = message.fields;
  }

  handleCommandComplete(): void {}

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('COPY is not supported by the sql operation');
  }

  handleCopyData(): void {}

  handleError(err: Error): void {
    this.error ??= err;
    this.finish();
  }

  handleReadyForQuery(): void {
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.callback(this.error, { rows: this.rows, first: this.first });
  }
}
