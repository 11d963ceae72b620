/**
 * Python's operating-system errors: `OSError` and the subclasses asyncio raises for failed
 * sockets, name lookups and processes, made from Node's system errors by `fromNodeError`.
 */
import { named } from "./errors.js";

/** The fields Node puts on a system error (`err.code`, `err.errno`, `err.syscall`…). */
interface NodeSystemError extends Error {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  path?: unknown;
}

/**
 * An operating-system error, as Python's `OSError`: a failed socket call, connect, bind, lookup
 * or process start. It carries Node's fields: `code` (`"ECONNRESET"`), `errno` (Node's negative
 * number), `syscall` (`"read"`), `address`/`port` when Node gave them, and `filename` (Python's
 * name) for the file or program involved. The original error is the `cause`.
 */
export class OSError extends Error {
  /** The error code, e.g. `"ECONNREFUSED"` (undefined when the error has none). */
  readonly code: string | undefined;
  /** Node's errno (negative on POSIX), when there is one. */
  readonly errno: number | undefined;
  /** The system call that failed, e.g. `"connect"`. */
  readonly syscall: string | undefined;
  /** The address involved, when Node gave one. */
  readonly address: string | undefined;
  /** The port involved, when Node gave one. */
  readonly port: number | undefined;
  /** The file, directory or program involved, as Python's `OSError.filename`. */
  readonly filename: string | undefined;

  constructor(message: string, options: OSErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.errno = options.errno;
    this.syscall = options.syscall;
    this.address = options.address;
    this.port = options.port;
    this.filename = options.filename;
  }
}
named(OSError, "OSError");

/** The fields of an `OSError`. */
export interface OSErrorOptions {
  /** The system's name of the error, as Node gives it: `"ECONNREFUSED"`. */
  code?: string | undefined;
  /** Node's error number (negative on POSIX). */
  errno?: number | undefined;
  /** The system call that failed: `"connect"`. */
  syscall?: string | undefined;
  /** The address the call was about. */
  address?: string | undefined;
  /** The port the call was about. */
  port?: number | undefined;
  /** The file the call was about, as Python's `filename`. */
  filename?: string | undefined;
  /** The underlying error (Node's). */
  cause?: unknown;
}

/** A connection failed (Python's `ConnectionError`): the base of the four below. */
export class ConnectionError extends OSError {}
named(ConnectionError, "ConnectionError");

/** The peer reset the connection (`ECONNRESET`), or it was lost while a task waited on it. */
export class ConnectionResetError extends ConnectionError {}
named(ConnectionResetError, "ConnectionResetError");

/** The connection was aborted on this side (`ECONNABORTED`). */
export class ConnectionAbortedError extends ConnectionError {}
named(ConnectionAbortedError, "ConnectionAbortedError");

/** Nothing listens at the address connected to (`ECONNREFUSED`). */
export class ConnectionRefusedError extends ConnectionError {}
named(ConnectionRefusedError, "ConnectionRefusedError");

/** Writing to a connection the peer closed (`EPIPE`). */
export class BrokenPipeError extends ConnectionError {}
named(BrokenPipeError, "BrokenPipeError");

/** A host name could not be resolved (Python's `socket.gaierror`: `ENOTFOUND`, `EAI_AGAIN`). */
export class GaiError extends OSError {}
named(GaiError, "GaiError");

/** A file, directory or program that does not exist (`ENOENT`). */
export class FileNotFoundError extends OSError {}
named(FileNotFoundError, "FileNotFoundError");

/** Not allowed: a file that is not executable, a signal to another user's process (`EACCES`, `EPERM`). */
export class PermissionError extends OSError {}
named(PermissionError, "PermissionError");

/** No such process (`ESRCH`): a signal sent to a process that is gone. */
export class ProcessLookupError extends OSError {}
named(ProcessLookupError, "ProcessLookupError");

const classByCode: Record<string, new (message: string, options: OSErrorOptions) => OSError> = {
  ECONNRESET: ConnectionResetError,
  ECONNABORTED: ConnectionAbortedError,
  ECONNREFUSED: ConnectionRefusedError,
  EPIPE: BrokenPipeError,
  ENOTFOUND: GaiError,
  EAI_AGAIN: GaiError,
  EAI_FAIL: GaiError,
  EAI_NONAME: GaiError,
  ENODATA: GaiError,
  ENOENT: FileNotFoundError,
  EACCES: PermissionError,
  EPERM: PermissionError,
  ESRCH: ProcessLookupError,
};

/**
 * @internal The library's error for an error Node raised: a system error becomes the
 * `OSError` subclass its code names (the Node error kept as `cause`); anything else is returned
 * as it is.
 */
export function fromNodeError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof OSError) return error;
  const nodeError = error as NodeSystemError;
  if (typeof nodeError.code !== "string" || typeof nodeError.syscall !== "string") return error;
  const Class = classByCode[nodeError.code] ?? OSError;
  return new Class(error.message, {
    code: nodeError.code,
    errno: typeof nodeError.errno === "number" ? nodeError.errno : undefined,
    syscall: nodeError.syscall,
    address: typeof nodeError.address === "string" ? nodeError.address : undefined,
    port: typeof nodeError.port === "number" ? nodeError.port : undefined,
    filename: typeof nodeError.path === "string" ? nodeError.path : undefined,
    cause: error,
  });
}
