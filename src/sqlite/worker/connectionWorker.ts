/**
 * The thread of one SQLite connection: it opens the database with better-sqlite3, runs the
 * calls of its `Connection` one at a time in the order sent (see `../protocol.ts`), and keeps
 * the cursors' open statements. Python's `sqlite3` transaction rules live here: an implicit
 * `BEGIN` before `INSERT`/`UPDATE`/`DELETE`/`REPLACE` unless the isolation level is null,
 * `executescript()` commits first, closing rolls back what was not committed.
 */
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";
import { importPeer } from "../../core/peerDependency.js";
import { serializeError } from "../../executors/remoteError.js";
import { classForCode } from "../errors.js";
import { forEachPackedRow, type PackedRows } from "../packedRows.js";
import type {
  Call,
  CallResult,
  ExecuteResult,
  FetchResult,
  FromThread,
  OpenRequest,
  ToThread,
  WireError,
  WireParams,
} from "../protocol.js";

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** The value of a call that is not answered (a part of an `executemany`). */
const SILENT = Symbol("silent");
/** Python's `cached_statements` default. */
const STATEMENT_CACHE_SIZE = 128;
/**
 * Results wait at most this long (ms) for others to travel with them: one message per batch of
 * calls (bench/sqlite.bench.ts, point selects from 10 tasks; answering each call at once was
 * slower there).
 */
const RESULT_DELAY_MS = 2;
const RESULT_BATCH = 64;

const port = parentPort;
if (port === null) throw new Error("the SQLite connection's entry runs only in a worker thread");

/** A cursor's rows still to send: a statement being stepped, or rows already read. */
interface CursorState {
  statement: Statement;
  iterator: Iterator<unknown[]> | null;
  buffer: unknown[][] | null;
}

/** A Python-style error raised in this thread, sent back as such. */
class CallError extends Error {
  constructor(
    readonly cls: string,
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

const send = (message: FromThread): void => port.postMessage(message);

const request = workerData as OpenRequest;
let isolationLevel = request.isolationLevel;
const statements = new Map<string, Statement>();
const cursors = new Map<number, CursorState>();
let totalChanges = 0;
let lastrowid = 0;

const queue: Call[] = [];
let head = 0;
const cancelled = new Set<number>();
let lastStartedId = -1;
let aborting = false;
let pumping = false;
let stopped = false;
let results: CallResult[] = [];
let firstResultAt = 0;

let db!: Database;
let stateStatement!: Statement;
const opened = await open();
if (opened !== null) {
  db = opened;
  stateStatement = db.prepare("SELECT total_changes(), last_insert_rowid()").raw(true);
  port.on("message", (message: ToThread) => {
    receive(message);
    void pump();
  });
  send({ type: "opened" });
}

/** Loads better-sqlite3 and opens the database; on failure, says why and ends the thread. */
async function open(): Promise<Database | null> {
  try {
    const module = await importPeer<{ default: typeof BetterSqlite3 }>(
      "better-sqlite3",
      "sqlite",
      "^12.0.0",
    );
    return openDatabase(module.default, request);
  } catch (error) {
    send({ type: "openFailed", error: toWire(error) });
    port?.close();
    return null;
  }
}

function openDatabase(Driver: typeof BetterSqlite3, open: OpenRequest): Database {
  try {
    return new Driver(open.path, {
      readonly: open.readonly,
      fileMustExist: open.readonly,
      timeout: open.timeout,
    });
  } catch (error) {
    // better-sqlite3 checks the directory itself; SQLite (and Python) say this.
    if (error instanceof TypeError && /directory does not exist/.test(error.message)) {
      throw new CallError("OperationalError", "unable to open database file", "SQLITE_CANTOPEN");
    }
    throw error;
  }
}

function receive(message: ToThread): void {
  if (message.type === "calls") {
    for (const call of message.calls) queue.push(call);
  } else if (message.type === "cancel") {
    if (message.id > lastStartedId) cancelled.add(message.id);
  } else {
    aborting = true;
  }
}

function drainPort(): void {
  for (;;) {
    const received = receiveMessageOnPort(port as NonNullable<typeof port>);
    if (received === undefined) return;
    receive(received.message as ToThread);
  }
}

async function pump(): Promise<void> {
  if (pumping || stopped) return;
  pumping = true;
  try {
    for (;;) {
      drainPort();
      if (aborting) {
        stop(false);
        return;
      }
      if (head >= queue.length) break;
      const call = queue[head++] as Call;
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      lastStartedId = call.id;
      if (call.op === "executemany" && !call.last) {
        if (cancelled.has(call.group)) continue;
      } else if (cancelled.delete(call.id)) {
        continue;
      }
      let ok = true;
      let value: unknown;
      try {
        value = call.op === "backup" ? await backup(call.target, call.name) : run(call);
      } catch (error) {
        ok = false;
        value = toWire(error);
      }
      if (value === SILENT) continue;
      if (results.length === 0) firstResultAt = performance.now();
      results.push([call.id, ok, value, db.inTransaction, totalChanges]);
      if (call.op === "close") {
        stop(true);
        return;
      }
      if (
        head >= queue.length ||
        results.length >= RESULT_BATCH ||
        performance.now() - firstResultAt >= RESULT_DELAY_MS
      ) {
        flush();
      }
    }
  } finally {
    pumping = false;
  }
  flush();
}

function flush(): void {
  if (results.length === 0) return;
  const batch = results;
  results = [];
  send({ type: "results", results: batch });
}

/** Ends the thread: the database is closed (`closed`: by the `close` call, which succeeded). */
function stop(closed: boolean): void {
  stopped = true;
  if (!closed) {
    closeAllCursors();
    try {
      db.close();
    } catch {
      // Closing on the loop's way out: nothing is waiting for it.
    }
  }
  flush();
  port?.close();
}

function run(call: Exclude<Call, { op: "backup" }>): unknown {
  switch (call.op) {
    case "execute":
      return execute(call.cursor, call.sql, call.params, call.batch);
    case "fetch":
      return fetch(call.cursor, call.n);
    case "closeCursor":
      closeCursor(call.cursor);
      return null;
    case "executemany":
      return executemanyPart(call);
    case "executescript":
      executescript(call.sql);
      return null;
    case "commit":
      endTransaction("COMMIT");
      return null;
    case "rollback":
      endTransaction("ROLLBACK");
      return null;
    case "isolation":
      if (call.level === null) endTransaction("COMMIT");
      isolationLevel = call.level;
      return null;
    case "close":
      closeAllCursors();
      db.close();
      return null;
  }
}

function execute(cursor: number, sql: string, params: WireParams, batch: number): ExecuteResult {
  closeCursor(cursor);
  const statement = prepare(sql);
  if (statement === null) {
    return { columns: null, rows: [], more: false, rowcount: -1, lastrowid };
  }
  const dml = isDml(sql);
  const args = bindArguments(params);
  if (!statement.reader) {
    suspendCursors();
    if (dml) beginImplicitly();
    else columnsCache = new WeakMap();
    const info = bound(sql, params, () => statement.run(...args));
    refreshState();
    return { columns: null, rows: [], more: false, rowcount: dml ? info.changes : -1, lastrowid };
  }
  // The columns are read once the statement ran: SQLite prepares it again when the schema
  // changed since, and only then are its columns those of the new schema.
  if (dml || !statement.readonly) {
    suspendCursors();
    if (dml) beginImplicitly();
    else columnsCache = new WeakMap();
    const rows = bound(sql, params, () => statement.raw(true).all(...args) as unknown[][]);
    refreshState();
    const columns = columnNames(sql, statement);
    return { columns, rows, more: false, rowcount: dml ? rows.length : -1, lastrowid };
  }
  const iterator = bound(
    sql,
    params,
    () => statement.raw(true).iterate(...args) as IterableIterator<unknown[]>,
  );
  const state: CursorState = { statement, iterator, buffer: null };
  const rows = take(state, batch < 0 ? Number.POSITIVE_INFINITY : batch);
  const more = state.iterator !== null;
  if (more) cursors.set(cursor, state);
  return { columns: columnNames(sql, statement), rows, more, rowcount: -1, lastrowid };
}

/**
 * The names of the columns of the statements that ran, kept because better-sqlite3's
 * `columns()` reads every column's metadata (table, declared type), which cost more than a
 * point select itself (bench/sqlite.bench.ts, point selects). Dropped whenever this connection
 * runs a statement that may change the schema; never kept for a statement with a `*`, whose
 * columns follow the tables when SQLite prepares it again after a change made elsewhere.
 */
let columnsCache = new WeakMap<Statement, string[]>();

function columnNames(sql: string, statement: Statement): string[] {
  const cached = columnsCache.get(statement);
  if (cached !== undefined) return cached;
  const columns = statement.columns().map((column) => column.name);
  if (!sql.includes("*")) columnsCache.set(statement, columns);
  return columns;
}

function fetch(cursor: number, n: number): FetchResult {
  const state = cursors.get(cursor);
  if (state === undefined) return { rows: [], more: false };
  const rows = take(state, n < 0 ? Number.POSITIVE_INFINITY : n);
  const more = state.iterator !== null || (state.buffer !== null && state.buffer.length > 0);
  if (!more) cursors.delete(cursor);
  return { rows, more };
}

/** Up to `n` rows of `state`, from its buffer or its statement. */
function take(state: CursorState, n: number): unknown[][] {
  if (state.buffer !== null) {
    return n >= state.buffer.length ? state.buffer.splice(0) : state.buffer.splice(0, n);
  }
  const rows: unknown[][] = [];
  const iterator = state.iterator;
  if (iterator === null) return rows;
  try {
    while (rows.length < n) {
      const next = iterator.next();
      if (next.done === true) {
        state.iterator = null;
        break;
      }
      rows.push(next.value);
    }
  } catch (error) {
    state.iterator = null;
    throw error;
  }
  return rows;
}

/**
 * Reads to the end the statements of the open cursors: SQLite's connection must be free for a
 * write, a commit or a close (better-sqlite3 refuses them while a statement is being stepped).
 * The cursors then serve the rows read.
 */
function suspendCursors(): void {
  for (const state of cursors.values()) {
    const iterator = state.iterator;
    if (iterator === null) continue;
    const rows: unknown[][] = [];
    try {
      for (let next = iterator.next(); next.done !== true; next = iterator.next()) {
        rows.push(next.value);
      }
    } finally {
      state.iterator = null;
    }
    state.buffer = rows;
  }
}

function closeCursor(cursor: number): void {
  const state = cursors.get(cursor);
  if (state === undefined) return;
  cursors.delete(cursor);
  state.iterator?.return?.();
  state.iterator = null;
}

function closeAllCursors(): void {
  for (const cursor of [...cursors.keys()]) closeCursor(cursor);
}

/** The parts of the `executemany` being received: rows changed so far, or its error. */
let many: { rowcount: number; error: unknown } = { rowcount: 0, error: null };

function executemanyPart(call: Extract<Call, { op: "executemany" }>): unknown {
  if (call.first) many = { rowcount: 0, error: null };
  if (many.error === null) {
    try {
      many.rowcount += executemany(call.sql, call.params, call.rows).rowcount;
    } catch (error) {
      many.error = error;
    }
  }
  if (!call.last) return SILENT;
  if (many.error !== null) throw many.error;
  return { rowcount: many.rowcount };
}

function executemany(
  sql: string,
  paramsList: WireParams[] | null,
  packed: PackedRows | null,
): { rowcount: number } {
  const statement = prepare(sql);
  if (statement === null) return { rowcount: -1 };
  if (!isDml(sql) || statement.reader) {
    throw new CallError("ProgrammingError", "executemany() can only execute DML statements.");
  }
  suspendCursors();
  beginImplicitly();
  let rowcount = 0;
  if (packed !== null) {
    // The error for a wrong number of values names how many each row supplied.
    const supplied = new Array<null>(packed.width).fill(null);
    bound(sql, supplied, () =>
      forEachPackedRow(packed, bindable, (args) => {
        rowcount += statement.run(...args).changes;
      }),
    );
  } else {
    for (const params of paramsList ?? []) {
      const args = bindArguments(params);
      rowcount += bound(sql, params, () => statement.run(...args)).changes;
    }
  }
  refreshState();
  return { rowcount };
}

function executescript(sql: string): void {
  suspendCursors();
  columnsCache = new WeakMap();
  if (db.inTransaction) db.exec("COMMIT");
  db.exec(sql);
  refreshState();
}

function endTransaction(command: "COMMIT" | "ROLLBACK"): void {
  suspendCursors();
  if (db.inTransaction) db.exec(command);
}

async function backup(target: string, name: string): Promise<null> {
  suspendCursors();
  await db.backup(target, { attached: name } as unknown as BetterSqlite3.BackupOptions);
  return null;
}

/** The `BEGIN` Python's `sqlite3` issues before a DML statement outside a transaction. */
function beginImplicitly(): void {
  if (isolationLevel !== null && !db.inTransaction) {
    db.exec(isolationLevel === "" ? "BEGIN" : `BEGIN ${isolationLevel}`);
  }
}

function refreshState(): void {
  const [changes, rowid] = stateStatement.get() as [number, number];
  totalChanges = changes;
  lastrowid = rowid;
}

/** The statement for `sql`, from the cache when free; null when `sql` holds no statement. */
function prepare(sql: string): Statement | null {
  const cached = statements.get(sql);
  if (cached !== undefined && !cached.busy) {
    statements.delete(sql);
    statements.set(sql, cached);
    return cached;
  }
  let statement: Statement;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    if (error instanceof RangeError) {
      if (/no statements/.test(error.message)) return null;
      if (/more than one statement/.test(error.message)) {
        throw new CallError("ProgrammingError", "You can only execute one statement at a time.");
      }
    }
    throw error;
  }
  if (cached === undefined) {
    statements.set(sql, statement);
    if (statements.size > STATEMENT_CACHE_SIZE) {
      statements.delete(statements.keys().next().value as string);
    }
  }
  return statement;
}

/**
 * As Python's `sqlite3.Cursor` decides whether to begin a transaction: the first keyword, after
 * spaces and comments, is INSERT, UPDATE, DELETE or REPLACE.
 */
function isDml(sql: string): boolean {
  let i = 0;
  const length = sql.length;
  while (i < length) {
    const c = sql.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf("\n", i + 2);
      if (end < 0) return false;
      i = end + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  const word = sql.slice(i, i + 7).toUpperCase();
  return (
    word.startsWith("INSERT") ||
    word.startsWith("UPDATE") ||
    word.startsWith("DELETE") ||
    word.startsWith("REPLACE")
  );
}

/** better-sqlite3's arguments for `params`: booleans as integers, bytes as Buffers. */
function bindArguments(params: WireParams): unknown[] {
  if (params === null) return [];
  if (Array.isArray(params)) {
    for (let i = 0; i < params.length; i++) params[i] = bindable(params[i]);
    return params;
  }
  for (const key of Object.keys(params)) params[key] = bindable(params[key]);
  return [params];
}

function bindable(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

/** Runs `fn`, turning better-sqlite3's binding errors into Python's `ProgrammingError`s. */
function bound<T>(sql: string, params: WireParams, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const missing = /^Missing named parameter "(.*)"$/.exec(error.message);
    if (missing !== null) {
      throw new CallError(
        "ProgrammingError",
        `You did not supply a value for binding parameter :${missing[1]}.`,
      );
    }
    if (!/^Too (few|many) parameter values were provided$/.test(error.message)) throw error;
    if (params !== null && !Array.isArray(params)) {
      throw new CallError(
        "ProgrammingError",
        "Binding 1 has no name, but you supplied a dictionary (which has only names).",
      );
    }
    const supplied = params === null ? 0 : params.length;
    const uses = countParameters(sql);
    throw new CallError(
      "ProgrammingError",
      uses === null
        ? `Incorrect number of bindings supplied. There are ${supplied} supplied.`
        : `Incorrect number of bindings supplied. The current statement uses ${uses}, and there are ${supplied} supplied.`,
    );
  }
}

/** How many positional parameters `sql` takes (null when it takes named ones). */
function countParameters(sql: string): number | null {
  const statement = db.prepare(sql);
  const values: null[] = [];
  for (;;) {
    try {
      statement.bind(...values);
      return values.length;
    } catch (error) {
      if (!(error instanceof RangeError) || !/Too few/.test(error.message)) return null;
    }
    values.push(null);
  }
}

function toWire(error: unknown): WireError {
  if (error instanceof CallError) {
    return { cls: error.cls, message: error.message, code: error.code };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (
    error instanceof Error &&
    error.name === "SqliteError" &&
    typeof code === "string" &&
    code.startsWith("SQLITE_")
  ) {
    return { cls: classForCode(code), message: error.message, code };
  }
  if (error instanceof TypeError && /can only bind/.test(error.message)) {
    return { cls: "ProgrammingError", message: error.message, code: null };
  }
  if (error instanceof TypeError && /connection is (busy|not open)/.test(error.message)) {
    return { cls: "ProgrammingError", message: error.message, code: null };
  }
  return { cls: null, error: serializeError(error) };
}
