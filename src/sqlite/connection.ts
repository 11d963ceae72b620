/**
 * `connect()` and `Connection`: aiosqlite's connection, each on its own worker thread running
 * better-sqlite3 (`./worker/connectionWorker.ts`), so no query ever blocks the loop.
 *
 * Every call is a Future on the connection's loop, holding the loop (`loop.inFlight`) until it
 * settles; the calls made in one turn of the loop travel to the thread in one message and run
 * there one at a time, in the order made. Cancelling the Future of a call that has not started
 * drops it; one that runs already finishes (better-sqlite3 cannot interrupt a statement) and its
 * result is discarded. The thread is referenced while a call is in flight and unreferenced when
 * idle, so a connection left open does not keep Node alive, and it is closed when its loop
 * closes.
 */
import { Worker } from "node:worker_threads";
import { wrapOn } from "../core/awaitable.js";
import { toSeconds } from "../core/durations.js";
import { Future, PENDING } from "../core/future.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { ModuleNotFoundError } from "../core/peerDependency.js";
import { getRunningLoop } from "../core/scope.js";
import { describeValue, requireOptions } from "../core/validate.js";
import { resourceClosed, watchIfDebug } from "../debug/resourceWarnings.js";
import { reviveError } from "../executors/remoteError.js";
import { type LoopResource, trackOnLoop, untrackOnLoop } from "../net/loopResources.js";
import { Cursor, checkRowFactory, type Row, type RowFactory } from "./cursor.js";
import { ERROR_CLASSES, OperationalError, ProgrammingError } from "./errors.js";
import { packedTransfer } from "./packedRows.js";
import type { Parameters } from "./params.js";
import type { Call, CallResult, FromThread, OpenRequest, ToThread, WireError } from "./protocol.js";

/** Python's `isolation_level` values: the kind of `BEGIN` issued implicitly, or null. */
export type IsolationLevel = "" | "DEFERRED" | "IMMEDIATE" | "EXCLUSIVE";

/** Options of `connect()`. */
export interface ConnectOptions {
  /**
   * Seconds to wait for a lock held by another connection before `OperationalError: database
   * is locked` (Python's `timeout`, default 5).
   */
  timeout?: number;
  /** Open the database read-only; it must exist. Default false. */
  readonly?: boolean;
  /**
   * The `BEGIN` issued before `INSERT`/`UPDATE`/`DELETE`/`REPLACE` outside a transaction:
   * `""` (the default, a plain `BEGIN`), `"DEFERRED"`, `"IMMEDIATE"`, `"EXCLUSIVE"`; or null
   * for autocommit (no implicit transaction).
   */
  isolationLevel?: IsolationLevel | null;
  /** How rows come out: arrays (null, the default), `"object"`, or a function. */
  rowFactory?: RowFactory | null;
}

const ISOLATION_LEVELS = new Set(["", "DEFERRED", "IMMEDIATE", "EXCLUSIVE"]);

/** See `../executors/threadChannel.ts`: the thread imports its entry instead of being it. */
const BOOTSTRAP = `import(${JSON.stringify(new URL("./worker/connectionWorker.js", import.meta.url).href)});`;

/** Rows a cursor asks for at a time when it streams. */
const STREAM_BATCH = 512;

/** A call in flight: its Future, its hold, how its value becomes the Future's. */
interface PendingCall {
  readonly future: CallFuture<unknown>;
  readonly hold: InFlight;
  readonly decode: (value: unknown) => unknown;
  /** What to do with the value of a call whose Future was cancelled once it ran. */
  readonly discard: ((value: unknown) => void) | null;
  sent: boolean;
  cancelled: boolean;
}

/** The Future of one call: cancelling it drops or discards the call. */
class CallFuture<T> extends Future<T> {
  readonly #connection: Connection;
  readonly id: number;

  constructor(loop: EventLoop, connection: Connection, id: number) {
    super(loop._futureOptions);
    this.#connection = connection;
    this.id = id;
  }

  override _cancel(msg: string | undefined): boolean {
    if (!super._cancel(msg)) return false;
    this.#connection._cancelCall(this.id);
    return true;
  }
}
Object.defineProperty(CallFuture, "name", { value: "Future" });

/** The Future of `connect()`: cancelling it closes the connection being opened. */
class OpeningFuture extends Future<Connection> {
  onCancel: (() => void) | null = null;

  override _cancel(msg: string | undefined): boolean {
    if (!super._cancel(msg)) return false;
    this.onCancel?.();
    return true;
  }
}
Object.defineProperty(OpeningFuture, "name", { value: "Future" });

/**
 * Opens the SQLite database at `path` (a file, created if missing, or `":memory:"`) on a
 * thread of its own, as `aiosqlite.connect()`. Close it with `close()` or `await using`.
 *
 * @example
 * await using db = await sqlite.connect("app.db");
 * await db.execute("INSERT INTO users (name) VALUES (?)", ["Ana"]);
 * await db.commit();
 */
export function connect(path: string | URL, options?: ConnectOptions): Future<Connection> {
  const file = typeof path === "string" ? path : path instanceof URL ? path : null;
  if (file === null || file === "") {
    throw new TypeError(
      `connect() path must be a non-empty string or a file URL, got ${describeValue(path)}`,
    );
  }
  const location = typeof file === "string" ? file : decodeURIComponent(file.pathname);
  requireOptions(options, "connect() options");
  const timeout = toSeconds(options?.timeout ?? 5, "connect() timeout");
  const readonly = options?.readonly ?? false;
  if (typeof readonly !== "boolean") {
    throw new TypeError(`connect() readonly must be a boolean, got ${describeValue(readonly)}`);
  }
  const isolationLevel = checkIsolationLevel(
    options?.isolationLevel === undefined ? "" : options.isolationLevel,
    "connect() isolationLevel",
  );
  const rowFactory = checkRowFactory(options?.rowFactory ?? null, "connect() rowFactory");
  const loop = getRunningLoop();
  const request: OpenRequest = {
    path: location,
    readonly,
    timeout: Math.min(timeout * 1000, 2 ** 31 - 1),
    isolationLevel,
  };
  return new Connection(loop, request, rowFactory)._opened;
}

function checkIsolationLevel(value: unknown, what: string): IsolationLevel | null {
  if (value === null) return null;
  if (typeof value !== "string") {
    throw new TypeError(`${what} must be a string or null, got ${describeValue(value)}`);
  }
  const level = value.toUpperCase();
  if (!ISOLATION_LEVELS.has(level)) {
    throw new RangeError(
      `${what} must be '', 'DEFERRED', 'IMMEDIATE', 'EXCLUSIVE' or null, got ${JSON.stringify(value)}`,
    );
  }
  return level as IsolationLevel;
}

/** The error a call failed with, as this module's class when it is one. */
function reviveWireError(error: WireError): unknown {
  if (error.cls === null) {
    const revived = reviveError(error.error);
    if (revived instanceof Error && revived.name === "ModuleNotFoundError") {
      return new ModuleNotFoundError(revived.message, "better-sqlite3");
    }
    return revived;
  }
  const Class = ERROR_CLASSES[error.cls] ?? OperationalError;
  return new Class(error.message, error.code);
}

/**
 * A connection to an SQLite database, run on its own thread, as aiosqlite's `Connection`.
 * Made by `connect()`.
 *
 * Transactions follow Python's `sqlite3` (isolation level `""`): an `INSERT`, `UPDATE`,
 * `DELETE` or `REPLACE` outside a transaction begins one, which lasts until `commit()` or
 * `rollback()`; `close()` without `commit()` rolls it back.
 *
 * @example
 * await using db = await sqlite.connect("app.db");
 * await db.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT)");
 * await db.execute("INSERT INTO users (name) VALUES (?)", ["Ana"]);
 * console.log(db.inTransaction); // true: the INSERT began a transaction
 * await db.commit();
 */
export class Connection implements AsyncDisposable {
  readonly #loop: EventLoop;
  readonly #path: string;
  readonly #worker: Worker;
  readonly #pending = new Map<number, PendingCall>();
  #outbox: Call[] = [];
  #flushScheduled = false;
  #nextId = 1;
  #referenced = false;
  /** Open (the thread answered), closing (close() was called), closed. */
  #state: "opening" | "open" | "closing" | "closed" = "opening";
  #inTransaction = false;
  #totalChanges = 0;
  #isolationLevel: IsolationLevel | null;
  #rowFactory: RowFactory | null;
  #hold: InFlight;
  #exited: Promise<void>;
  #fatal: unknown = null;
  #closeFuture: Future<void> | null = null;
  /** Closed with its loop: the thread no longer keeps Node alive, whatever it still runs. */
  #abandoned = false;
  /** @internal Resolves with the connection once its thread opened the database. */
  readonly _opened: Future<Connection>;

  /** @internal Use `connect()`. */
  constructor(loop: EventLoop, request: OpenRequest, rowFactory: RowFactory | null) {
    this.#loop = loop;
    this.#path = request.path;
    this.#isolationLevel = request.isolationLevel as IsolationLevel | null;
    this.#rowFactory = rowFactory;
    this.#hold = loop.inFlight(`sqlite connect ${request.path}`);
    const opened = new OpeningFuture(loop._futureOptions);
    this._opened = opened;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      name: `sqlite ${request.path}`,
      workerData: request,
      stderr: false,
      stdout: false,
    });
    this.#worker = worker;
    worker.on("message", (message: FromThread) => this.#onMessage(message));
    worker.on("error", (error) => {
      this.#fatal = error;
    });
    this.#exited = new Promise((resolve) => {
      worker.on("exit", () => {
        this.#onExit();
        resolve();
      });
    });
    this.#setReferenced(true);
    trackOnLoop(loop, this as LoopResource);
    // connect() was cancelled: the thread is told to go as soon as it is up.
    opened.onCancel = () => {
      if (this.#state === "opening") this.#closeNow();
    };
  }

  /** Whether a transaction is open (`in_transaction`), as of the last call that finished. */
  get inTransaction(): boolean {
    return this.#inTransaction;
  }

  /** The rows changed since the connection opened (`total_changes`), as of the last call. */
  get totalChanges(): number {
    return this.#totalChanges;
  }

  /** The database's path, as given to `connect()`. */
  get path(): string {
    return this.#path;
  }

  /**
   * How rows come out of the cursors created from now on: null for arrays (the default),
   * `"object"` for objects keyed by column name, or a function `(cursor, row) => value`
   * called once per row, as Python's `row_factory`.
   */
  get rowFactory(): RowFactory | null {
    return this.#rowFactory;
  }

  /** Sets the row factory of the cursors created from now on (see the getter). */
  set rowFactory(value: RowFactory | null) {
    this.#rowFactory = checkRowFactory(value, "rowFactory");
  }

  /**
   * The implicit `BEGIN`'s kind, or null for autocommit. Setting null commits an open
   * transaction first, as Python's `isolation_level` setter (the change is queued behind the
   * calls already made; an error of its COMMIT goes to the loop's exception handler).
   */
  get isolationLevel(): IsolationLevel | null {
    return this.#isolationLevel;
  }

  /** Sets the isolation level, queued behind the calls already made (see the getter). */
  set isolationLevel(value: IsolationLevel | null) {
    const future = this.setIsolationLevel(value);
    future.addDoneCallback(() => {
      if (future.cancelled() || future.exception() === null) return;
      this.#loop.callExceptionHandler({
        message: "setting isolationLevel failed",
        exception: future.exception(),
      });
    });
  }

  /**
   * Sets `isolationLevel` (see there) and resolves once the connection's thread applied it —
   * after the calls made before, and after the COMMIT that setting null implies.
   *
   * @example
   * await db.setIsolationLevel(null); // autocommit from now on; an open transaction is committed
   */
  setIsolationLevel(value: IsolationLevel | null): Future<void> {
    const level = checkIsolationLevel(value, "isolationLevel");
    this.#checkOpen();
    this.#isolationLevel = level;
    return this.#call<void>({ op: "isolation", id: 0, level });
  }

  /**
   * Runs one statement with its parameters (`?` or `:name`, bound, never interpolated) and
   * resolves with its cursor, as `await db.execute(...)` in aiosqlite. The cursor can be
   * closed by `await using`, as `async with db.execute(...) as cursor`.
   *
   * @example
   * await using cursor = await db.execute("SELECT id, name FROM users WHERE age > ?", [18]);
   * for await (const [id, name] of cursor) console.log(id, name);
   */
  execute<T = Row>(sql: string, params?: Parameters): Future<Cursor<T>> {
    return new Cursor<T>(this)._execute(sql, params, "execute()");
  }

  /**
   * Runs one DML statement once per parameter set in `seq` (Python's `executemany`); the
   * cursor's `rowcount` is the sum of the rows changed.
   *
   * @example
   * await db.executemany("INSERT INTO users (name) VALUES (?)", [["Ana"], ["Bia"]]);
   */
  executemany<T = Row>(sql: string, seq: Iterable<Parameters>): Future<Cursor<T>> {
    return new Cursor<T>(this)._executemany(sql, seq, "executemany()");
  }

  /**
   * Runs a script of statements separated by `;`, without parameters. An open transaction is
   * committed first, as Python's `executescript`.
   */
  executescript<T = Row>(sql: string): Future<Cursor<T>> {
    return new Cursor<T>(this)._executescript(sql, "executescript()");
  }

  /**
   * Runs one statement and resolves with all its rows (aiosqlite's `execute_fetchall`).
   *
   * @example
   * const [[count]] = await db.executeFetchall("SELECT count(*) FROM users");
   */
  executeFetchall<T = Row>(sql: string, params?: Parameters): Future<T[]> {
    return new Cursor<T>(this)._executeFetchall(sql, params);
  }

  /** A new cursor (`await db.cursor()`), for `execute`, `fetchmany` and the rest. */
  cursor<T = Row>(): Future<Cursor<T>> {
    this.#checkOpen();
    const future = this.#loop.createFuture<Cursor<T>>();
    future.setResult(new Cursor<T>(this));
    return future;
  }

  /**
   * Commits the open transaction, if any.
   *
   * @example
   * await db.execute("UPDATE users SET name = ? WHERE id = ?", ["Ana", 1]);
   * await db.commit();
   */
  commit(): Future<void> {
    this.#checkOpen();
    return this.#call<void>({ op: "commit", id: 0 });
  }

  /** Rolls back the open transaction, if any. */
  rollback(): Future<void> {
    this.#checkOpen();
    return this.#call<void>({ op: "rollback", id: 0 });
  }

  /**
   * Copies the database into `target`: another connection's file, or a path (the backup's
   * own copy, made through SQLite's backup API). `name` picks the database to copy (`"main"`,
   * or an attached one's name).
   */
  backup(target: Connection | string, options?: { name?: string }): Future<void> {
    requireOptions(options, "backup() options");
    const name = options?.name ?? "main";
    if (typeof name !== "string") {
      throw new TypeError(`backup() name must be a string, got ${describeValue(name)}`);
    }
    let path: string;
    if (target instanceof Connection) {
      if (target.#state === "closing" || target.#state === "closed") {
        throw new ProgrammingError("Cannot operate on a closed database.");
      }
      if (target === this)
        throw new ProgrammingError("target cannot be the same connection instance");
      path = target.#path;
      if (path === ":memory:" || path === "") {
        throw new ProgrammingError("backup() cannot copy into an in-memory target connection");
      }
    } else if (typeof target === "string" && target !== "") {
      path = target;
    } else {
      throw new TypeError(
        `backup() target must be a Connection or a path, got ${describeValue(target)}`,
      );
    }
    this.#checkOpen();
    return this.#call<void>({ op: "backup", id: 0, target: path, name });
  }

  /**
   * Closes the connection after the calls already made; a transaction not committed is
   * rolled back, as Python's `close()`. Resolves once the thread is gone. Closing twice does
   * nothing.
   */
  close(): Future<void> {
    if (this.#closeFuture !== null) return this.#closeFuture;
    const loop = this.#loop;
    if (this.#state === "closed") {
      const done = loop.createFuture<void>();
      done.setResult(undefined);
      return done;
    }
    this.#state = "closing";
    const closed = this.#call<void>({ op: "close", id: 0 }, undefined, true);
    const whole = wrapOn(
      loop,
      (async () => {
        try {
          await closed;
        } finally {
          await this.#exited;
        }
      })(),
      `sqlite close ${this.#path}`,
    );
    this.#closeFuture = whole;
    return whole;
  }

  /** `await using`: closes the connection (see `close()`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toString(): string {
    return `<Connection ${this.#path} ${this.#state}>`;
  }

  /** @internal Whether a cursor may use the connection. */
  _checkOpen(): void {
    this.#checkOpen();
  }

  /** @internal The rows a cursor asks for at a time. */
  get _streamBatch(): number {
    return STREAM_BATCH;
  }

  /**
   * @internal Sends `call` (its id is set here); the Future resolves with `decode(value)`.
   * `discard` receives the value of a call that ran though its Future was cancelled.
   */
  _call<T>(
    call: Call,
    decode?: (value: unknown) => T,
    discard?: (value: unknown) => void,
  ): Future<T> {
    this.#checkOpen();
    return this.#call(call, decode, false, discard);
  }

  /**
   * @internal Sends the `count` parts of a long `executemany`, each in a message of its own and
   * made by `part(index)` just before it is sent: once the thread is ready, the parts leave at
   * once (after the calls made before), so the thread runs the first while the next are packed.
   * The Future is the last part's; cancelling it drops the parts the thread has not started.
   */
  _callParts<T>(
    count: number,
    part: (index: number) => Call,
    decode: (value: unknown) => T,
  ): Future<T> {
    this.#checkOpen();
    const group = this.#nextId + count - 1;
    const sendNow = this.#state === "open";
    if (sendNow) this.#flush();
    for (let index = 0; index < count - 1; index++) {
      const call = part(index);
      (call as { id: number }).id = this.#nextId++;
      (call as { group: number }).group = group;
      if (sendNow) this.#send({ type: "calls", calls: [call] });
      else this.#outbox.push(call);
    }
    const last = part(count - 1);
    (last as { group: number }).group = group;
    const future = this.#call(last, decode);
    if (sendNow) this.#flush();
    return future;
  }

  /** @internal Sends `call` with no Future waiting for it (a cursor's cleanup). */
  _post(call: Call): void {
    if (this.#state !== "open") return;
    const id = this.#nextId++;
    (call as { id: number }).id = id;
    this.#outbox.push(call);
    this.#scheduleFlush();
  }

  #checkOpen(): void {
    if (this.#state !== "open" && this.#state !== "opening") {
      throw new ProgrammingError("Cannot operate on a closed database.");
    }
    if (this.#loop.isClosed()) throw new ProgrammingError("Cannot operate on a closed database.");
  }

  #call<T>(
    call: Call,
    decode?: (value: unknown) => T,
    closing = false,
    discard?: (value: unknown) => void,
  ): Future<T> {
    if (!closing) this.#checkOpen();
    const id = this.#nextId++;
    (call as { id: number }).id = id;
    const loop = this.#loop;
    const future = new CallFuture<T>(loop, this, id);
    const hold = loop.inFlight(`sqlite ${call.op} ${this.#path}`);
    this.#pending.set(id, {
      future: future as CallFuture<unknown>,
      hold,
      decode: (decode ?? identity) as (value: unknown) => unknown,
      discard: discard ?? null,
      sent: false,
      cancelled: false,
    });
    this.#outbox.push(call);
    this.#setReferenced(true);
    this.#scheduleFlush();
    return future;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#state === "opening") return;
    this.#flushScheduled = true;
    this.#loop.callSoon(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#outbox.length === 0 || this.#state === "closed") return;
    const calls = this.#outbox;
    this.#outbox = [];
    let batch: Call[] = [];
    for (const call of calls) {
      const pending = this.#pending.get(call.id);
      if (pending !== undefined) pending.sent = true;
      if (call.op === "executemany" && !(call.first && call.last)) {
        // A part of a long executemany: a message of its own (see Call).
        if (batch.length > 0) this.#send({ type: "calls", calls: batch });
        batch = [];
        this.#send({ type: "calls", calls: [call] });
      } else {
        batch.push(call);
      }
    }
    if (batch.length > 0) this.#send({ type: "calls", calls: batch });
  }

  #send(message: ToThread): void {
    const transfer: ArrayBuffer[] = [];
    if (message.type === "calls") {
      for (const call of message.calls) {
        if (call.op === "executemany" && call.rows !== null) {
          transfer.push(...packedTransfer(call.rows));
        }
      }
    }
    try {
      this.#worker.postMessage(message, transfer);
    } catch (error) {
      // Parameters were checked; a failure here is the thread gone, or a value that cannot
      // be cloned: fail the calls of this message.
      if (message.type !== "calls") return;
      for (const call of message.calls) {
        this.#settle(call.id, false, {
          cls: null,
          error: {
            name: "Error",
            message: String(error),
            stack: undefined,
            cause: undefined,
            fields: {},
          },
        });
      }
    }
  }

  /** @internal The Future of call `id` was cancelled. */
  _cancelCall(id: number): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    pending.hold.release();
    if (!pending.sent) {
      this.#pending.delete(id);
      this.#outbox = this.#outbox.filter(
        (call) => call.id !== id && !(call.op === "executemany" && call.group === id),
      );
      this.#updateReferenced();
      return;
    }
    pending.cancelled = true;
    this.#send({ type: "cancel", id });
  }

  #onMessage(message: FromThread): void {
    if (message.type === "results") {
      for (const [id, ok, value, inTransaction, totalChanges] of message.results as CallResult[]) {
        this.#inTransaction = inTransaction;
        this.#totalChanges = totalChanges;
        this.#settle(id, ok, value);
      }
      this.#updateReferenced();
      return;
    }
    if (message.type === "opened") {
      this.#hold.release();
      if (this.#state === "opening") {
        this.#state = "open";
        this.#hold = this.#loop.inFlight(`sqlite connection ${this.#path}`, { kind: "outside" });
        watchIfDebug(this.#loop, this, "database in");
        if (this._opened._state === PENDING) this._opened._resolve(this);
        this.#scheduleFlush();
      }
      this.#updateReferenced();
      return;
    }
    // openFailed: the thread ends by itself.
    this.#state = "closed";
    this.#hold.release();
    untrackOnLoop(this.#loop, this as LoopResource);
    if (this._opened._state === PENDING && !this.#loop.isClosed()) {
      this._opened._reject(reviveWireError(message.error));
    }
  }

  #settle(id: number, ok: boolean, value: unknown): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    pending.hold.release();
    if (pending.cancelled) {
      if (ok) pending.discard?.(value);
      return;
    }
    const future = pending.future;
    if (future._state !== PENDING || this.#loop.isClosed()) return;
    if (!ok) {
      future._reject(reviveWireError(value as WireError));
      return;
    }
    let decoded: unknown;
    try {
      decoded = pending.decode(value);
    } catch (error) {
      future._reject(error);
      return;
    }
    future._resolve(decoded);
  }

  #onExit(): void {
    const wasClosing = this.#state === "closing";
    this.#state = "closed";
    this.#hold.release();
    untrackOnLoop(this.#loop, this as LoopResource);
    resourceClosed(this);
    // The calls still pending when the thread ended: after close(), they came too late.
    const error =
      this.#fatal ??
      (wasClosing
        ? new ProgrammingError("Cannot operate on a closed database.")
        : new OperationalError("the connection's thread exited"));
    for (const [id, pending] of [...this.#pending]) {
      this.#pending.delete(id);
      pending.hold.release();
      if (pending.future._state === PENDING && !this.#loop.isClosed()) {
        pending.future._reject(error);
      }
    }
    if (this._opened._state === PENDING && !this.#loop.isClosed()) this._opened._reject(error);
  }

  #updateReferenced(): void {
    this.#setReferenced(
      !this.#abandoned &&
        (this.#pending.size > 0 || this.#state === "opening" || this.#state === "closing"),
    );
  }

  #setReferenced(referenced: boolean): void {
    if (referenced === this.#referenced) return;
    this.#referenced = referenced;
    if (referenced) this.#worker.ref();
    else this.#worker.unref();
  }

  /** Stops the thread as soon as it is free: queued calls are dropped, the database closed. */
  #closeNow(): void {
    if (this.#state === "closed") return;
    this.#state = "closing";
    this.#outbox = [];
    try {
      this.#worker.postMessage({ type: "abort" } satisfies ToThread);
    } catch {
      // The thread is gone already.
    }
    this.#hold.release();
    for (const pending of this.#pending.values()) pending.hold.release();
    this.#abandoned = true;
    this.#setReferenced(false);
  }

  /** @internal The loop is closing: the connection closes with it (rolling back). */
  _closeWithLoop(): void {
    this.#closeNow();
  }

  /** @internal */
  _unclosedWarning(): string | null {
    return this.#state === "open" ? `unclosed database in ${String(this)}` : null;
  }
}

function identity<T>(value: unknown): T {
  return value as T;
}
