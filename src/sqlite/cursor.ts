/**
 * `Cursor`: the rows of one statement, as aiosqlite's cursor. The first rows come back with
 * the statement's result; the rest stay on the connection's thread, in SQLite's statement,
 * until fetched — `for await` fetches them in batches, so a query of millions of rows iterates
 * in bounded memory.
 */
import type { Future } from "../core/future.js";
import { describeValue, requireInteger } from "../core/validate.js";
import type { Connection } from "./connection.js";
import { ProgrammingError } from "./errors.js";
import { packRows } from "./packedRows.js";
import { checkParams, type Parameters, type SqlValue } from "./params.js";
import type { Call, ExecuteResult, FetchResult, WireParams } from "./protocol.js";

/** A row as it comes by default: its values in column order (Python's tuple). */
export type Row = SqlValue[];

/**
 * How rows come out: `"object"` for objects keyed by column name, or a function called once
 * per row with the cursor and the row's values, as Python's `row_factory(cursor, row)`.
 */
export type RowFactory = "object" | ((cursor: Cursor<unknown>, row: Row) => unknown);

/** A column as `description` lists it: its name, then six nulls (Python's 7-tuple). */
export type ColumnDescription = [
  name: string,
  typeCode: null,
  displaySize: null,
  internalSize: null,
  precision: null,
  scale: null,
  nullOk: null,
];

/** @internal `value`, checked as a row factory. */
export function checkRowFactory(value: unknown, what: string): RowFactory | null {
  if (value === null || value === "object" || typeof value === "function") {
    return value as RowFactory | null;
  }
  throw new TypeError(`${what} must be "object", a function or null, got ${describeValue(value)}`);
}

let nextCursorId = 1;

/**
 * Rows per part of a long `executemany` (see `Call` in protocol.ts), for speed: the thread
 * inserts a part while the next is packed and sent (bench/sqlite.bench.ts, executemany).
 */
const MANY_PART_ROWS = 8192;

/**
 * The cursor of a statement, as aiosqlite's `Cursor`; made by `Connection.execute()` (already
 * executed) or `Connection.cursor()`. Close it with `close()` or `await using`; closing the
 * connection closes it too.
 *
 * @example
 * await using cursor = await db.execute("SELECT * FROM mensagens");
 * const first = await cursor.fetchone();
 * const rest = await cursor.fetchall();
 */
export class Cursor<T = Row> implements AsyncIterable<T>, AsyncDisposable {
  /** Rows `fetchmany()` returns by default (Python's `arraysize`, 1). */
  arraysize = 1;
  /** How this cursor's rows come out; copied from the connection's when the cursor is made. */
  rowFactory: RowFactory | null;
  readonly #connection: Connection;
  readonly #id = nextCursorId++;
  #rows: Row[] = [];
  #position = 0;
  /** Whether the thread holds more rows of the statement. */
  #more = false;
  #fetching: Future<void> | null = null;
  #columns: string[] | null = null;
  #description: ColumnDescription[] | null = null;
  #rowcount = -1;
  #lastrowid: number | null = null;
  #closed = false;
  /** Counts the statements run: a fetch answered after another statement began is dropped. */
  #generation = 0;

  /** @internal Use `Connection.execute()` or `Connection.cursor()`. */
  constructor(connection: Connection) {
    this.#connection = connection;
    this.rowFactory = connection.rowFactory;
  }

  /** The connection of the cursor. */
  get connection(): Connection {
    return this.#connection;
  }

  /**
   * The rows the last `INSERT`/`UPDATE`/`DELETE`/`REPLACE` changed (summed over
   * `executemany`); -1 for other statements, as Python's `rowcount`.
   */
  get rowcount(): number {
    return this.#rowcount;
  }

  /** The rowid of the last row inserted on the connection, as of the last `execute()`; null before. */
  get lastrowid(): number | null {
    return this.#lastrowid;
  }

  /** The columns of the last statement (name and six nulls each), or null if it has none. */
  get description(): ColumnDescription[] | null {
    return this.#description;
  }

  /** Runs one statement on this cursor (see `Connection.execute`); resolves with the cursor. */
  execute(sql: string, params?: Parameters): Future<Cursor<T>> {
    return this._execute(sql, params, "execute()");
  }

  /** Runs one DML statement once per parameter set of `seq`; resolves with the cursor. */
  executemany(sql: string, seq: Iterable<Parameters>): Future<Cursor<T>> {
    return this._executemany(sql, seq, "executemany()");
  }

  /** Runs a script (committing an open transaction first); resolves with the cursor. */
  executescript(sql: string): Future<Cursor<T>> {
    return this._executescript(sql, "executescript()");
  }

  /** The next row, or null when there are no more (Python's None). */
  async fetchone(): Promise<T | null> {
    this.#checkOpen();
    if (this.#position >= this.#rows.length && this.#more) await this.#fill(this.arraysize);
    if (this.#position >= this.#rows.length) return null;
    return this.#make(this.#rows[this.#position++] as Row);
  }

  /** The next `size` rows (default `arraysize`), fewer at the end. */
  async fetchmany(size: number = this.arraysize): Promise<T[]> {
    requireInteger(size, "fetchmany() size", 0);
    this.#checkOpen();
    while (this.#rows.length - this.#position < size && this.#more) {
      await this.#fill(size - (this.#rows.length - this.#position));
    }
    const end = Math.min(this.#position + size, this.#rows.length);
    return this.#take(end);
  }

  /** All the remaining rows. */
  async fetchall(): Promise<T[]> {
    this.#checkOpen();
    while (this.#more) await this.#fill(-1);
    return this.#take(this.#rows.length);
  }

  /** The rows one by one, fetched from the connection's thread in batches. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    this.#checkOpen();
    const batch = Math.max(this.arraysize, this.#connection._streamBatch);
    for (;;) {
      if (this.#position < this.#rows.length) {
        const row = this.#rows[this.#position++] as Row;
        // Ask for the next batch while this one is consumed.
        if (
          this.#more &&
          this.#fetching === null &&
          this.#rows.length - this.#position < batch / 2
        ) {
          void this.#fill(batch).catch(() => {});
        }
        yield this.#make(row);
        continue;
      }
      if (!this.#more) return;
      this.#checkOpen();
      await this.#fill(batch);
    }
  }

  /** Closes the cursor: the rest of its rows are dropped. Closing twice does nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
  }

  /** `await using`: closes the cursor (see `close()`). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  toString(): string {
    return `<Cursor ${this.#closed ? "closed" : "open"}>`;
  }

  /** @internal `execute()`; `what` names the method in errors. */
  _execute(
    sql: string,
    params: Parameters | undefined,
    what: string,
    batch = -2,
  ): Future<Cursor<T>> {
    const wire = this.#prepareCall(sql, params, what);
    this.#release();
    return this.#connection._call(
      {
        op: "execute",
        id: 0,
        cursor: this.#id,
        sql,
        params: wire,
        batch: batch === -2 ? Math.max(this.arraysize, this.#connection._streamBatch) : batch,
      },
      (value) => {
        this.#apply(value as ExecuteResult);
        return this;
      },
      (value) => {
        if ((value as ExecuteResult).more)
          this.#connection._post({ op: "closeCursor", id: 0, cursor: this.#id });
      },
    );
  }

  /** @internal `Connection.executeFetchall()`. */
  _executeFetchall(sql: string, params: Parameters | undefined): Future<T[]> {
    const wire = this.#prepareCall(sql, params, "executeFetchall()");
    return this.#connection._call(
      { op: "execute", id: 0, cursor: this.#id, sql, params: wire, batch: -1 },
      (value) => {
        this.#apply(value as ExecuteResult);
        this.#closed = true;
        return this.#take(this.#rows.length);
      },
    );
  }

  /** @internal `executemany()`. */
  _executemany(sql: string, seq: Iterable<Parameters>, what: string): Future<Cursor<T>> {
    this.#checkOpen();
    if (typeof sql !== "string") {
      throw new TypeError(`${what} sql must be a string, got ${describeValue(sql)}`);
    }
    if (
      seq === null ||
      typeof (seq as Partial<Iterable<unknown>>)?.[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(
        `${what} seq must be an iterable of parameters, got ${describeValue(seq)}`,
      );
    }
    const list: WireParams[] = [];
    let width = -1;
    for (const params of seq) {
      const wire = checkParams(params);
      if (list.length === 0) width = Array.isArray(wire) ? wire.length : -1;
      else if (width >= 0 && (!Array.isArray(wire) || wire.length !== width)) width = -1;
      list.push(wire);
    }
    this.#release();
    const decode = (value: unknown) => {
      this.#reset();
      this.#rowcount = (value as { rowcount: number }).rowcount;
      return this;
    };
    const many = { op: "executemany" as const, id: 0, sql, group: 0 };
    if (width <= 0 || list.length === 0) {
      return this.#connection._call(
        { ...many, params: list, rows: null, first: true, last: true },
        decode,
      );
    }
    const rows = list as unknown[][];
    const part = (index: number): Call => {
      const start = index * MANY_PART_ROWS;
      const end = Math.min(start + MANY_PART_ROWS, rows.length);
      return {
        ...many,
        params: null,
        rows: packRows(rows, start, end, width),
        first: start === 0,
        last: end === rows.length,
      };
    };
    const count = Math.ceil(rows.length / MANY_PART_ROWS);
    return count === 1
      ? this.#connection._call(part(0), decode)
      : this.#connection._callParts(count, part, decode);
  }

  /** @internal `executescript()`. */
  _executescript(sql: string, what: string): Future<Cursor<T>> {
    this.#checkOpen();
    if (typeof sql !== "string") {
      throw new TypeError(`${what} sql must be a string, got ${describeValue(sql)}`);
    }
    this.#release();
    return this.#connection._call({ op: "executescript", id: 0, sql }, () => {
      this.#reset();
      return this;
    });
  }

  #prepareCall(sql: string, params: Parameters | undefined, what: string): WireParams {
    this.#checkOpen();
    if (typeof sql !== "string") {
      throw new TypeError(`${what} sql must be a string, got ${describeValue(sql)}`);
    }
    return checkParams(params);
  }

  #checkOpen(): void {
    this.#connection._checkOpen();
    if (this.#closed) throw new ProgrammingError("Cannot operate on a closed cursor.");
  }

  #apply(result: ExecuteResult): void {
    this.#rows = result.rows as Row[];
    this.#position = 0;
    this.#more = result.more;
    this.#rowcount = result.rowcount;
    this.#lastrowid = result.lastrowid;
    const columns = result.columns;
    if (columns !== this.#columns) {
      this.#columns = columns;
      this.#description =
        columns === null ? null : columns.map((name) => [name, null, null, null, null, null, null]);
    }
  }

  #reset(): void {
    this.#rows = [];
    this.#position = 0;
    this.#more = false;
    this.#columns = null;
    this.#description = null;
  }

  /** Drops the rows of the last statement, here and on the thread. */
  #release(): void {
    this.#generation++;
    if (this.#more) this.#connection._post({ op: "closeCursor", id: 0, cursor: this.#id });
    this.#more = false;
    this.#rows = [];
    this.#position = 0;
  }

  /** Fetches up to `n` more rows (-1: all) into the buffer, one fetch at a time. */
  #fill(n: number): Future<void> | Promise<void> {
    if (this.#fetching !== null) return this.#fetching;
    const generation = this.#generation;
    const receive = (value: unknown): void => {
      const { rows, more } = value as FetchResult;
      if (this.#closed || generation !== this.#generation) return;
      this.#more = more;
      this.#rows =
        this.#position >= this.#rows.length
          ? (rows as Row[])
          : this.#rows.slice(this.#position).concat(rows as Row[]);
      this.#position = 0;
    };
    // A fetch cancelled once it ran still brings its rows: they are kept for the next fetch.
    const fetching = this.#connection._call(
      { op: "fetch", id: 0, cursor: this.#id, n },
      receive,
      receive,
    );
    fetching.addDoneCallback(() => {
      if (this.#fetching === fetching) this.#fetching = null;
    });
    this.#fetching = fetching;
    return fetching;
  }

  #take(end: number): T[] {
    const rows = this.#rows;
    const start = this.#position;
    this.#position = end;
    const factory = this.rowFactory;
    if (factory === null && start === 0 && end === rows.length) {
      this.#rows = [];
      this.#position = 0;
      return rows as T[];
    }
    const out: T[] = new Array(end - start);
    for (let i = start; i < end; i++) out[i - start] = this.#make(rows[i] as Row);
    if (end === rows.length) {
      this.#rows = [];
      this.#position = 0;
    }
    return out;
  }

  #make(row: Row): T {
    const factory = this.rowFactory;
    if (factory === null) return row as T;
    if (factory === "object") {
      const columns = this.#columns ?? [];
      const object: Record<string, SqlValue> = {};
      for (let i = 0; i < columns.length; i++) object[columns[i] as string] = row[i] as SqlValue;
      return object as T;
    }
    return factory(this as Cursor<unknown>, row) as T;
  }
}
