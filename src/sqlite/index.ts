/**
 * `asyncio-ts/sqlite`: aiosqlite for TypeScript. Each connection runs better-sqlite3 on its
 * own worker thread, with Python's `sqlite3` semantics (implicit transactions, `commit()`,
 * the error classes), so the loop is never blocked by a query.
 */
import "./betterSqlite3.js";

export { Connection, type ConnectOptions, connect, type IsolationLevel } from "./connection.js";
export { type ColumnDescription, Cursor, type Row, type RowFactory } from "./cursor.js";
export {
  DatabaseError,
  DataError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  SqliteError as Error,
  Warning,
} from "./errors.js";
export type { Parameters, SqlValue } from "./params.js";
