/**
 * `asyncio.logger`: where the library's reports go, as Python's `logging.getLogger("asyncio")`.
 * The loop's default exception handler (errors nobody handled, "exception was never
 * retrieved", "Task was destroyed but it is pending!", the runner's end-of-run reports) logs at
 * ERROR, the slow-callback reports of debug mode at WARNING.
 *
 * One handler receives the records of the enabled levels; the default one writes them to
 * stderr. Replace it to send the reports to your own logging (pino, winston, a test's array).
 *
 * Invariants: a record reaches the handler only if `isEnabledFor(record.level)`; a handler
 * that throws never stops the loop (the error and the record go to stderr instead).
 */
import { inspect } from "node:util";
import { describeValue } from "../core/validate.js";

/** Python's logging levels. */
export const DEBUG = 10;
/** Python's logging levels. */
export const INFO = 20;
/** Python's logging levels. */
export const WARNING = 30;
/** Python's logging levels. */
export const ERROR = 40;
/** Python's logging levels. */
export const CRITICAL = 50;

/** The name of a level. */
export type LogLevelName = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

const LEVEL_NAMES: Readonly<Record<LogLevelName, number>> = {
  DEBUG,
  INFO,
  WARNING,
  ERROR,
  CRITICAL,
};

/** One report, as a handler receives it (Python's `LogRecord`). */
export interface LogRecord {
  /** The logger's name: `"asyncio"`. */
  readonly name: string;
  /** The level, a number (`asyncio.logger.ERROR`…). */
  readonly level: number;
  /** The level's name (`"ERROR"`…), or `"Level N"` for a level of your own. */
  readonly levelName: string;
  /** The text of the report. */
  readonly message: string;
  /** The error reported, when there is one (Python's `exc_info`); absent otherwise. */
  readonly error?: unknown;
  /** The exception handler's context, for reports that come from one. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** When the record was made (`Date.now()`). */
  readonly created: number;
}

/** Receives each record of an enabled level (see `Logger.setHandler`). */
export type LogHandler = (record: LogRecord) => void;

/** What a record may carry besides its message. */
export interface LogExtra {
  /** The error reported. */
  error?: unknown;
  /** The exception handler's context. */
  context?: Readonly<Record<string, unknown>>;
}

/** Writes `record` to stderr: the message, then the error as `util.inspect` shows it. */
export function defaultLogHandler(record: LogRecord): void {
  const text = "error" in record ? `${record.message}\n${inspect(record.error)}` : record.message;
  if (record.level >= ERROR) console.error(text);
  else console.warn(text);
}

/**
 * A named logger with a level and one replaceable handler.
 *
 * @example
 * const records: asyncio.LogRecord[] = [];
 * asyncio.logger.setHandler((record) => records.push(record));
 * asyncio.logger.setLevel("DEBUG");
 */
export class Logger {
  /** The logger's name. */
  readonly name: string;
  /** Python's level constants, also as `asyncio.logger.DEBUG`… */
  readonly DEBUG = DEBUG;
  /** The level of informational records (20). */
  readonly INFO = INFO;
  /** The level of warnings (30): slow callbacks in debug mode. */
  readonly WARNING = WARNING;
  /** The level of errors (40): what the loop's default exception handler reports. */
  readonly ERROR = ERROR;
  /** The most severe level (50). */
  readonly CRITICAL = CRITICAL;
  #level = WARNING;
  #handler: LogHandler = defaultLogHandler;

  /** @internal Use `asyncio.logger`. */
  constructor(name: string) {
    this.name = name;
  }

  /**
   * Records below `level` (a number or a name such as `"DEBUG"`) are dropped. WARNING by
   * default, as Python's root logger.
   *
   * @throws TypeError for a level that is neither a known name nor a non-negative integer.
   */
  setLevel(level: number | LogLevelName): void {
    this.#level = toLevel(level);
  }

  /** The level set with `setLevel()` (WARNING by default). */
  getLevel(): number {
    return this.#level;
  }

  /** Whether a record of `level` would reach the handler. */
  isEnabledFor(level: number | LogLevelName): boolean {
    return toLevel(level) >= this.#level;
  }

  /**
   * Sends the records to `handler` from now on; `null` restores the default (stderr). Returns
   * the handler it replaces.
   *
   * @throws TypeError if `handler` is neither a function nor null.
   */
  setHandler(handler: LogHandler | null): LogHandler {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(`log handler must be a function or null, got ${describeValue(handler)}`);
    }
    const previous = this.#handler;
    this.#handler = handler ?? defaultLogHandler;
    return previous;
  }

  /** The handler in use (`defaultLogHandler` unless replaced). */
  getHandler(): LogHandler {
    return this.#handler;
  }

  /** Logs `message` at `level` (a number or a name). */
  log(level: number | LogLevelName, message: string, extra?: LogExtra): void {
    const value = toLevel(level);
    if (value < this.#level) return;
    const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
      name: this.name,
      level: value,
      levelName: levelName(value),
      message: String(message),
      created: Date.now(),
    };
    if (extra !== undefined && "error" in extra) record.error = extra.error;
    if (extra?.context !== undefined) record.context = extra.context;
    const handler = this.#handler;
    try {
      handler(record);
    } catch (error) {
      // As Python's Handler.handleError: say so on stderr, never raise into the loop.
      console.error("--- Logging error ---\n", error, "\nRecord was:");
      defaultLogHandler(record);
    }
  }

  /** Logs at DEBUG. */
  debug(message: string, extra?: LogExtra): void {
    this.log(DEBUG, message, extra);
  }

  /** Logs at INFO. */
  info(message: string, extra?: LogExtra): void {
    this.log(INFO, message, extra);
  }

  /** Logs at WARNING. */
  warning(message: string, extra?: LogExtra): void {
    this.log(WARNING, message, extra);
  }

  /** Logs at ERROR. */
  error(message: string, extra?: LogExtra): void {
    this.log(ERROR, message, extra);
  }

  /** Logs at CRITICAL. */
  critical(message: string, extra?: LogExtra): void {
    this.log(CRITICAL, message, extra);
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    return `<Logger ${this.name} (${levelName(this.#level)})>`;
  }
}

function toLevel(level: unknown): number {
  if (typeof level === "string" && Object.hasOwn(LEVEL_NAMES, level)) {
    return LEVEL_NAMES[level as LogLevelName];
  }
  if (typeof level === "number" && Number.isInteger(level) && level >= 0) return level;
  throw new TypeError(
    `log level must be DEBUG, INFO, WARNING, ERROR, CRITICAL or a non-negative integer, got ${describeValue(level)}`,
  );
}

function levelName(level: number): string {
  for (const [name, value] of Object.entries(LEVEL_NAMES)) {
    if (value === level) return name;
  }
  return `Level ${level}`;
}

/**
 * The library's logger, as Python's `logging.getLogger("asyncio")`: every report of the loop
 * (unhandled errors, unretrieved exceptions, slow callbacks in debug mode) goes through it.
 *
 * @example
 * asyncio.logger.setHandler((record) => myLog.log(record.levelName, record.message, record.error));
 */
export const logger = new Logger("asyncio");
