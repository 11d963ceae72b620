/**
 * The errors of `asyncio-ts/sqlite`, as Python's `sqlite3` module raises them:
 * `Error` ⊃ `DatabaseError` ⊃ `OperationalError`, `IntegrityError`, `ProgrammingError`,
 * `DataError`, `NotSupportedError`, `InternalError`; `InterfaceError` under `Error`; `Warning`.
 * An error that SQLite reported carries its result code (`sqliteErrorcode`, `2067`) and name
 * (`sqliteErrorname`, `"SQLITE_CONSTRAINT_UNIQUE"`), as Python 3.11+'s.
 */
import { named } from "../core/errors.js";

/**
 * The base class of the errors SQLite and this module raise, as `sqlite3.Error` (exported
 * as `Error`).
 *
 * @example
 * try {
 *   await db.execute("INSERT INTO users (email) VALUES (?)", [email]);
 * } catch (err) {
 *   if (err instanceof sqlite.IntegrityError) console.log(err.sqliteErrorname); // SQLITE_CONSTRAINT_UNIQUE
 * }
 */
export class SqliteError extends Error {
  /** SQLite's (extended) result code, as `sqlite_errorcode`; null when SQLite did not report it. */
  readonly sqliteErrorcode: number | null;
  /** The name of that code, as `sqlite_errorname`: `"SQLITE_CONSTRAINT_UNIQUE"`; or null. */
  readonly sqliteErrorname: string | null;

  /** @internal */
  constructor(message: string, code: string | null = null, options?: ErrorOptions) {
    super(message, options);
    this.sqliteErrorname = code;
    this.sqliteErrorcode = code === null ? null : (RESULT_CODES[code] ?? null);
  }
}
named(SqliteError, "Error");

/** A warning, as `sqlite3.Warning` (not raised by this module; kept for the hierarchy). */
export class Warning extends Error {}
named(Warning, "Warning");

/** Misuse of the interface rather than of the database, as `sqlite3.InterfaceError`. */
export class InterfaceError extends SqliteError {}
named(InterfaceError, "InterfaceError");

/** An error of the database, as `sqlite3.DatabaseError` (a corrupt file, among others). */
export class DatabaseError extends SqliteError {}
named(DatabaseError, "DatabaseError");

/** A value too big or of the wrong kind for the database, as `sqlite3.DataError`. */
export class DataError extends DatabaseError {}
named(DataError, "DataError");

/**
 * An error of the database's operation, not the program's: a syntax error, a missing table, a
 * locked or read-only database, a busy timeout. As `sqlite3.OperationalError`.
 */
export class OperationalError extends DatabaseError {}
named(OperationalError, "OperationalError");

/** A constraint failed (unique, not null, foreign key, check), as `sqlite3.IntegrityError`. */
export class IntegrityError extends DatabaseError {}
named(IntegrityError, "IntegrityError");

/** SQLite's internal error, as `sqlite3.InternalError`. */
export class InternalError extends DatabaseError {}
named(InternalError, "InternalError");

/**
 * A programming error: a closed connection or cursor, the wrong number or kind of
 * parameters, more than one statement in `execute()`. As `sqlite3.ProgrammingError`.
 */
export class ProgrammingError extends DatabaseError {}
named(ProgrammingError, "ProgrammingError");

/** A feature SQLite or this module does not support, as `sqlite3.NotSupportedError`. */
export class NotSupportedError extends DatabaseError {}
named(NotSupportedError, "NotSupportedError");

/** @internal The error classes by name, for errors coming back from a connection's thread. */
export const ERROR_CLASSES: Record<
  string,
  new (
    message: string,
    code?: string | null,
  ) => SqliteError
> = {
  Error: SqliteError,
  InterfaceError,
  DatabaseError,
  DataError,
  OperationalError,
  IntegrityError,
  InternalError,
  ProgrammingError,
  NotSupportedError,
};

/**
 * @internal The class Python's `sqlite3` raises for the SQLite result code named `code`
 * (the primary code decides, as in CPython's `_pysqlite_seterror`).
 */
export function classForCode(code: string): string {
  const primary = (RESULT_CODES[code] ?? 1) & 0xff;
  switch (primary) {
    case 2: // INTERNAL
    case 12: // NOTFOUND
      return "InternalError";
    case 11: // CORRUPT
    case 26: // NOTADB
    case 7: // NOMEM (Python: MemoryError)
      return "DatabaseError";
    case 18: // TOOBIG
      return "DataError";
    case 19: // CONSTRAINT
    case 20: // MISMATCH
      return "IntegrityError";
    case 21: // MISUSE
    case 25: // RANGE
      return "InterfaceError";
    case 1: // ERROR
    case 3: // PERM
    case 4: // ABORT
    case 5: // BUSY
    case 6: // LOCKED
    case 8: // READONLY
    case 9: // INTERRUPT
    case 10: // IOERR
    case 13: // FULL
    case 14: // CANTOPEN
    case 15: // PROTOCOL
    case 16: // EMPTY
    case 17: // SCHEMA
      return "OperationalError";
    default:
      return "DatabaseError";
  }
}

/** @internal SQLite's result codes, primary and extended, by name (as Python's `sqlite3` lists them). */
export const RESULT_CODES: Readonly<Record<string, number>> = {
  SQLITE_OK: 0,
  SQLITE_ERROR: 1,
  SQLITE_INTERNAL: 2,
  SQLITE_PERM: 3,
  SQLITE_ABORT: 4,
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_NOMEM: 7,
  SQLITE_READONLY: 8,
  SQLITE_INTERRUPT: 9,
  SQLITE_IOERR: 10,
  SQLITE_CORRUPT: 11,
  SQLITE_NOTFOUND: 12,
  SQLITE_FULL: 13,
  SQLITE_CANTOPEN: 14,
  SQLITE_PROTOCOL: 15,
  SQLITE_EMPTY: 16,
  SQLITE_SCHEMA: 17,
  SQLITE_TOOBIG: 18,
  SQLITE_CONSTRAINT: 19,
  SQLITE_MISMATCH: 20,
  SQLITE_MISUSE: 21,
  SQLITE_NOLFS: 22,
  SQLITE_AUTH: 23,
  SQLITE_FORMAT: 24,
  SQLITE_RANGE: 25,
  SQLITE_NOTADB: 26,
  SQLITE_NOTICE: 27,
  SQLITE_WARNING: 28,
  SQLITE_ROW: 100,
  SQLITE_DONE: 101,
  SQLITE_OK_LOAD_PERMANENTLY: 256,
  SQLITE_ERROR_MISSING_COLLSEQ: 257,
  SQLITE_BUSY_RECOVERY: 261,
  SQLITE_LOCKED_SHAREDCACHE: 262,
  SQLITE_READONLY_RECOVERY: 264,
  SQLITE_IOERR_READ: 266,
  SQLITE_CORRUPT_VTAB: 267,
  SQLITE_CANTOPEN_NOTEMPDIR: 270,
  SQLITE_CONSTRAINT_CHECK: 275,
  SQLITE_AUTH_USER: 279,
  SQLITE_NOTICE_RECOVER_WAL: 283,
  SQLITE_WARNING_AUTOINDEX: 284,
  SQLITE_OK_SYMLINK: 512,
  SQLITE_ERROR_RETRY: 513,
  SQLITE_ABORT_ROLLBACK: 516,
  SQLITE_BUSY_SNAPSHOT: 517,
  SQLITE_LOCKED_VTAB: 518,
  SQLITE_READONLY_CANTLOCK: 520,
  SQLITE_IOERR_SHORT_READ: 522,
  SQLITE_CORRUPT_SEQUENCE: 523,
  SQLITE_CANTOPEN_ISDIR: 526,
  SQLITE_CONSTRAINT_COMMITHOOK: 531,
  SQLITE_NOTICE_RECOVER_ROLLBACK: 539,
  SQLITE_ERROR_SNAPSHOT: 769,
  SQLITE_BUSY_TIMEOUT: 773,
  SQLITE_READONLY_ROLLBACK: 776,
  SQLITE_IOERR_WRITE: 778,
  SQLITE_CORRUPT_INDEX: 779,
  SQLITE_CANTOPEN_FULLPATH: 782,
  SQLITE_CONSTRAINT_FOREIGNKEY: 787,
  SQLITE_READONLY_DBMOVED: 1032,
  SQLITE_IOERR_FSYNC: 1034,
  SQLITE_CANTOPEN_CONVPATH: 1038,
  SQLITE_CONSTRAINT_FUNCTION: 1043,
  SQLITE_READONLY_CANTINIT: 1288,
  SQLITE_IOERR_DIR_FSYNC: 1290,
  SQLITE_CANTOPEN_DIRTYWAL: 1294,
  SQLITE_CONSTRAINT_NOTNULL: 1299,
  SQLITE_READONLY_DIRECTORY: 1544,
  SQLITE_IOERR_TRUNCATE: 1546,
  SQLITE_CANTOPEN_SYMLINK: 1550,
  SQLITE_CONSTRAINT_PRIMARYKEY: 1555,
  SQLITE_IOERR_FSTAT: 1802,
  SQLITE_CONSTRAINT_TRIGGER: 1811,
  SQLITE_IOERR_UNLOCK: 2058,
  SQLITE_CONSTRAINT_UNIQUE: 2067,
  SQLITE_IOERR_RDLOCK: 2314,
  SQLITE_CONSTRAINT_VTAB: 2323,
  SQLITE_IOERR_DELETE: 2570,
  SQLITE_CONSTRAINT_ROWID: 2579,
  SQLITE_IOERR_BLOCKED: 2826,
  SQLITE_CONSTRAINT_PINNED: 2835,
  SQLITE_IOERR_NOMEM: 3082,
  SQLITE_IOERR_ACCESS: 3338,
  SQLITE_IOERR_CHECKRESERVEDLOCK: 3594,
  SQLITE_IOERR_LOCK: 3850,
  SQLITE_IOERR_CLOSE: 4106,
  SQLITE_IOERR_DIR_CLOSE: 4362,
  SQLITE_IOERR_SHMOPEN: 4618,
  SQLITE_IOERR_SHMSIZE: 4874,
  SQLITE_IOERR_SHMLOCK: 5130,
  SQLITE_IOERR_SHMMAP: 5386,
  SQLITE_IOERR_SEEK: 5642,
  SQLITE_IOERR_DELETE_NOENT: 5898,
  SQLITE_IOERR_MMAP: 6154,
  SQLITE_IOERR_GETTEMPPATH: 6410,
  SQLITE_IOERR_CONVPATH: 6666,
  SQLITE_IOERR_VNODE: 6922,
  SQLITE_IOERR_AUTH: 7178,
  SQLITE_IOERR_BEGIN_ATOMIC: 7434,
  SQLITE_IOERR_COMMIT_ATOMIC: 7690,
  SQLITE_IOERR_ROLLBACK_ATOMIC: 7946,
  SQLITE_IOERR_DATA: 8202,
  SQLITE_IOERR_CORRUPTFS: 8458,
};
