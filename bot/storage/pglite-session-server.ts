/**
 * Serves one PGlite database on a loopback TCP port, so the ordinary `pg` driver (and MikroORM on
 * it) talks to it as to any Postgres server.
 *
 * PGlite has exactly one Postgres session. Every TCP connection is multiplexed onto it, and the
 * session's state between messages (the unnamed prepared statement and portal of the extended
 * protocol, an open transaction block) belongs to whichever connection sent the last message. So
 * connections take *turns*: a connection takes the session at its first message and keeps it until
 * the session is back where any other connection may safely start, i.e. it has just answered
 * ReadyForQuery (after Sync, a simple Query or a FunctionCall) outside a transaction block. Only
 * then does the next waiting connection (FIFO) get the turn. A connection's whole
 * Parse/Bind/Describe/Execute/Sync sequence, and its whole BEGIN..COMMIT, therefore run alone.
 *
 * (pglite-socket, which this replaces, queued single protocol messages and only kept a
 * transaction's owner first: two connections' Parse/Bind/Execute interleaved and clobbered each
 * other's unnamed statement and portal, which answered requests with errors or with another
 * request's rows.)
 *
 * Named prepared statements and portals live in the session too, so the server gives every
 * connection its own names: `store` from connection 7 reaches PGlite as `c7_store` (Parse, Bind,
 * Describe, Close and Execute are rewritten), and a connection's statements are closed when it
 * goes away. Two connections preparing the same name therefore no longer collide, and the `pg`
 * driver's prepared statements work as they do on a real server.
 *
 * The cost: while a connection holds an open transaction, every other connection waits, even
 * when its owner is busy outside the database. Session settings (`SET`), advisory locks and
 * SQL-level `PREPARE` are still shared by all connections (one session).
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;
/** A frontend message bigger than this is a broken client, not a query. */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Stop reading a connection with this many messages waiting for their turn (back-pressure). */
const PAUSE_AT_PENDING = 256;

const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);
const ROLLBACK = simpleQuery('ROLLBACK');

export interface PgliteSessionServerOptions {
  db: PGlite;
  host: string;
  /** 0 lets the OS pick; see {@link PgliteSessionServer.port}. */
  port: number;
  /** Connections above this are refused with a FATAL too_many_connections. */
  maxConnections: number;
  /**
   * A connection that sits in an open transaction sending nothing for this long is ended with
   * FATAL idle_in_transaction_session_timeout and rolled back, as Postgres'
   * `idle_in_transaction_session_timeout` would: here it would otherwise stall every connection.
   */
  idleInTransactionTimeoutMs?: number;
}

/** Generous next to the 5 s statement timeout: code holds no transaction open while it waits on anything else. */
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

export class PgliteSessionServer {
  readonly #db: PGlite;
  readonly #options: PgliteSessionServerOptions;
  readonly #turn = new SessionTurn();
  readonly #connections = new Set<Connection>();
  #server: Server | undefined;
  #port = 0;

  constructor(options: PgliteSessionServerOptions) {
    this.#db = options.db;
    this.#options = options;
  }

  /** The port it listens on, once started. */
  get port(): number {
    return this.#port;
  }

  async start(): Promise<number> {
    if (this.#server) throw new Error('already started');
    await this.#db.waitReady;
    const server = createServer({ noDelay: true }, (socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address !== 'object') throw new Error('the session server has no TCP address');
    this.#port = address.port;
    return this.#port;
  }

  /** Stops listening, drops every connection and waits until none is using the session. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([...this.#connections].map((connection) => connection.close()));
    await closed;
  }

  #accept(socket: Socket): void {
    if (!this.#server || this.#connections.size >= this.#options.maxConnections) {
      socket.on('error', () => {});
      // Destroyed, not just ended: a client that doesn't close its side would keep stop() waiting.
      socket.write(fatalError('53300', 'sorry, too many clients already'), () => socket.destroy());
      return;
    }
    const idleLimitMs = this.#options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS;
    const connection = new Connection(socket, this.#db, this.#turn, idleLimitMs, () => this.#connections.delete(connection));
    this.#connections.add(connection);
  }
}

/** Who holds the PGlite session, and who waits for it in arrival order. */
class SessionTurn {
  #owner: Connection | undefined;
  readonly #waiting: { connection: Connection; resolve: (granted: boolean) => void }[] = [];

  owns(connection: Connection): boolean {
    return this.#owner === connection;
  }

  /** Resolves true once `connection` holds the turn, false if it was withdrawn first. */
  acquire(connection: Connection): Promise<boolean> | true {
    if (this.#owner === connection) return true;
    if (this.#owner === undefined) {
      this.#owner = connection;
      return true;
    }
    return new Promise((resolve) => this.#waiting.push({ connection, resolve }));
  }

  release(connection: Connection): void {
    if (this.#owner !== connection) return;
    this.#owner = undefined;
    const next = this.#waiting.shift();
    if (next) {
      this.#owner = next.connection;
      next.resolve(true);
    }
  }

  /** A waiting connection went away. */
  withdraw(connection: Connection): void {
    const index = this.#waiting.findIndex((entry) => entry.connection === connection);
    if (index >= 0) this.#waiting.splice(index, 1)[0]!.resolve(false);
  }
}

let connectionCount = 0;

/** One client's TCP connection: frames its messages and runs them, in order, in its turns. */
class Connection {
  /** Prepended to this connection's statement and portal names (see the file comment). */
  readonly #prefix = Buffer.from(`c${++connectionCount}_`);
  /** Its named statements as PGlite knows them, to close when the connection goes away. */
  readonly #statements = new Set<string>();
  readonly #socket: Socket;
  readonly #db: PGlite;
  readonly #turn: SessionTurn;
  readonly #onGone: () => void;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending: { message: Uint8Array; startup: boolean }[] = [];
  #started = false;
  #running = false;
  #closed = false;
  #finished: Promise<void> | undefined;
  #resolveFinished!: () => void;
  readonly #gone = new Promise<void>((resolve) => (this.#resolveFinished = resolve));

  readonly #idleLimitMs: number;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(socket: Socket, db: PGlite, turn: SessionTurn, idleLimitMs: number, onGone: () => void) {
    this.#socket = socket;
    this.#db = db;
    this.#turn = turn;
    this.#idleLimitMs = idleLimitMs;
    this.#onGone = onGone;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.#receive(chunk));
    socket.on('error', () => void this.close());
    socket.on('close', () => void this.close());
  }

  /** Drops the connection; resolves once it no longer uses the session. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearTimeout(this.#idleTimer);
      this.#pending.length = 0;
      this.#socket.destroy();
      if (this.#running) this.#turn.withdraw(this);
      else void this.#finish();
    }
    return this.#gone;
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    clearTimeout(this.#idleTimer);
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    try {
      this.#frame();
    } catch {
      void this.close();
      return;
    }
    if (this.#pending.length >= PAUSE_AT_PENDING) this.#socket.pause();
    void this.#pump();
  }

  /** Cuts complete frontend messages off the buffer into the pending queue. */
  #frame(): void {
    let offset = 0;
    const buffer = this.#buffer;
    for (;;) {
      const rest = buffer.length - offset;
      if (!this.#started) {
        // Before startup, messages have no type byte: int32 length, int32 code, body.
        if (rest < 8) break;
        const length = buffer.readInt32BE(offset);
        if (length < 8 || length > MAX_MESSAGE_BYTES) throw new Error('bad startup length');
        if (rest < length) break;
        const code = buffer.readInt32BE(offset + 4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.#socket.write('N'); // no encryption on loopback; the client goes on in plain text
        } else if (code === CANCEL_REQUEST) {
          // Not supported: the session can't be interrupted from outside. The cancel connection just closes.
        } else if (code === PROTOCOL_3) {
          this.#started = true;
          this.#pending.push({ message: copy(buffer, offset, length), startup: true });
        } else {
          throw new Error(`unsupported startup code ${code}`);
        }
        offset += length;
        continue;
      }
      if (rest < 5) break;
      const length = buffer.readInt32BE(offset + 1);
      if (length < 4 || length > MAX_MESSAGE_BYTES) throw new Error('bad message length');
      if (rest < 1 + length) break;
      this.#pending.push({ message: this.#ownNames(buffer.subarray(offset, offset + 1 + length)), startup: false });
      offset += 1 + length;
    }
    this.#buffer = offset === buffer.length ? Buffer.alloc(0) : buffer.subarray(offset);
  }

  /** Runs pending messages one at a time, each in this connection's turn. */
  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (!this.#closed && this.#pending.length > 0) {
        const granted = this.#turn.acquire(this);
        if (granted !== true && !(await granted)) break;
        if (this.#closed) break;
        const { message, startup } = this.#takeBatch();
        if (this.#pending.length < PAUSE_AT_PENDING / 2) this.#socket.resume();
        if (message.length === 0) {
          void this.close(); // Terminate
          break;
        }
        const { readyForQueryIdle } = await this.#run(message);
        // The turn ends only where another connection may start: ReadyForQuery outside a
        // transaction block. The startup message is a complete turn of its own.
        if (startup || (readyForQueryIdle && !this.#db.isInTransaction())) this.#turn.release(this);
      }
      if (!this.#closed && this.#turn.owns(this) && this.#db.isInTransaction()) this.#watchIdleTransaction();
    } catch {
      void this.close();
    } finally {
      this.#running = false;
      if (this.#closed) void this.#finish();
    }
  }

  /**
   * The next pending messages up to and including the first that ends a batch (Sync, Query,
   * FunctionCall), concatenated: PGlite runs a buffer of several messages in one call as it would
   * one by one, and one call per batch instead of per message saves most of the per-call cost.
   * The startup message goes alone; Terminate (or what follows it) yields an empty message.
   */
  #takeBatch(): { message: Uint8Array; startup: boolean } {
    const first = this.#pending[0]!;
    if (first.startup) return this.#pending.shift()!;
    const messages: Uint8Array[] = [];
    while (this.#pending.length > 0) {
      const { message } = this.#pending[0]!;
      if (message[0] === 0x58 /* X */) break;
      this.#pending.shift();
      messages.push(message);
      if (endsBatch(message)) break;
    }
    if (messages.length === 0) return { message: new Uint8Array(0), startup: false };
    if (messages.length === 1) return { message: messages[0]!, startup: false };
    return { message: new Uint8Array(Buffer.concat(messages)), startup: false };
  }

  /** Executes messages on the session and forwards its output to the client. */
  async #run(message: Uint8Array): Promise<{ readyForQueryIdle: boolean }> {
    const chunks: Buffer[] = [];
    await this.#db.execProtocolRawStream(message, {
      // The data is a view into PGlite's memory, reused by the next call: copy it.
      onRawData: (data) => chunks.push(Buffer.from(data)),
    });
    const output = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (output.length > 0 && !this.#closed && !this.#socket.write(output)) await this.#drained();
    return { readyForQueryIdle: endsInReadyForQuery(output) };
  }

  /** Ends this connection if it keeps its transaction open, and the session, without a word. */
  #watchIdleTransaction(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#closed || this.#running || this.#pending.length > 0 || !this.#turn.owns(this)) return;
      this.#socket.write(fatalError('25P03', 'terminating connection due to idle-in-transaction timeout'), () => void this.close());
    }, this.#idleLimitMs);
    this.#idleTimer.unref();
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.on('drain', done);
      this.#socket.on('close', done);
    });
  }

  /**
   * `message` (a copy) with its statement and portal names made this connection's own. Unnamed
   * ones (what the driver uses unless a query is given a name) pass through untouched.
   */
  #ownNames(message: Buffer): Uint8Array {
    const type = message[0];
    // Where the names sit: Parse and Execute start with one; Bind with two (portal, statement);
    // Describe and Close with a kind byte ('S' statement, 'P' portal) and then one.
    const first = type === 0x44 /* D */ || type === 0x43 /* C */ ? 6 : 5;
    const count = type === 0x42 /* B */ ? 2 : type === 0x50 /* P */ || type === 0x45 /* E */ || type === 0x44 || type === 0x43 ? 1 : 0;
    if (count === 0 || (message[first] === 0 && (count === 1 || message[first + 1] === 0))) return copy(message, 0, message.length);
    const parts: Buffer[] = [message.subarray(0, first)];
    let at = first;
    for (let i = 0; i < count; i++) {
      const end = message.indexOf(0, at);
      if (end < 0) throw new Error('malformed message: unterminated name');
      const name = message.subarray(at, end);
      parts.push(name.length > 0 ? Buffer.concat([this.#prefix, name]) : name);
      at = end;
      if (name.length > 0) {
        const renamed = `${this.#prefix.toString('latin1')}${name.toString('latin1')}`;
        if (type === 0x50) this.#statements.add(renamed);
        else if (type === 0x43 && message[5] === 0x53 /* S */) this.#statements.delete(renamed);
      }
      if (i < count - 1) {
        parts.push(message.subarray(at, at + 1)); // the terminator between the two names
        at += 1;
      }
    }
    parts.push(message.subarray(at));
    const rewritten = Buffer.concat(parts);
    rewritten.writeInt32BE(rewritten.length - 1, 1);
    return new Uint8Array(rewritten);
  }

  /** Leaves the session clean for the next connection, then gives up the turn. Runs once. */
  #finish(): Promise<void> {
    this.#finished ??= (async () => {
      try {
        const discard = { onRawData: () => {} };
        if (this.#turn.owns(this)) {
          // A Sync ends an extended-protocol sequence cut short (and its implicit transaction).
          await this.#db.execProtocolRawStream(SYNC, discard);
          if (this.#db.isInTransaction()) await this.#db.execProtocolRawStream(ROLLBACK, discard);
        } else {
          this.#turn.withdraw(this);
        }
        if (this.#statements.size > 0) {
          // Its prepared statements would otherwise stay in the session for good.
          const granted = this.#turn.acquire(this);
          if (granted !== true) await granted;
          await this.#db.execProtocolRawStream(Buffer.concat([...[...this.#statements].map(closeStatement), SYNC]), discard);
        }
      } catch {
        // PGlite itself failed; nothing more a connection can do about it.
      } finally {
        this.#turn.release(this);
        this.#onGone();
        this.#resolveFinished();
      }
    })();
    return this.#finished;
  }
}

/** Whether `message` is a Sync, Query or FunctionCall: one that PGlite answers with ReadyForQuery. */
function endsBatch(message: Uint8Array): boolean {
  const type = message[0];
  return type === 0x53 || type === 0x51 || type === 0x46;
}

/** Whether `output` ends with a ReadyForQuery ('Z', length 5) whose status is idle ('I'). */
function endsInReadyForQuery(output: Buffer): boolean {
  const at = output.length - 6;
  return at >= 0 && output[at] === 0x5a && output.readInt32BE(at + 1) === 5 && output[at + 5] === 0x49;
}

/** A Close ('C') message for the prepared statement `name`. */
function closeStatement(name: string): Buffer {
  const body = Buffer.from(`S${name}\0`, 'latin1');
  const message = Buffer.alloc(5 + body.length);
  message[0] = 0x43;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

function copy(buffer: Buffer, offset: number, length: number): Uint8Array {
  return new Uint8Array(buffer.subarray(offset, offset + length));
}

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message[0] = 0x51;
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

/** An ErrorResponse a client can show: severity FATAL, SQLSTATE `code`. */
function fatalError(code: string, text: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${text}\0\0`, 'utf8');
  const message = Buffer.alloc(5 + fields.length);
  message[0] = 0x45;
  message.writeInt32BE(4 + fields.length, 1);
  fields.copy(message, 5);
  return message;
}
