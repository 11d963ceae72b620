/**
 * `ClientTimeout`, as aiohttp's: the time limits of a request, in seconds (or duration strings),
 * `null` for none.
 */
import { type Duration, toSecondsOrNull } from "../core/durations.js";
import { requireOptions } from "../core/validate.js";

/** What `new ClientTimeout(options)` takes (each a duration in seconds, or `null` for none). */
export interface ClientTimeoutOptions {
  /**
   * The whole operation: waiting for a connection, connecting, sending, every retry and its
   * pause, reading the headers and the body (default 300 s, as aiohttp's `DEFAULT_TIMEOUT`).
   * When it expires the request is cancelled and an `asyncio.TimeoutError` is raised.
   */
  readonly total?: Duration | null;
  /**
   * Getting a connection: the wait for a free slot of the connector's pool plus connecting
   * (`ConnectionTimeoutError`).
   */
  readonly connect?: Duration | null;
  /** Connecting a new socket, TLS handshake included (`ConnectionTimeoutError`). */
  readonly sockConnect?: Duration | null;
  /**
   * The longest wait for the response's headers, and then between two pieces of its body
   * (`SocketTimeoutError`).
   */
  readonly sockRead?: Duration | null;
}

/**
 * The timeouts of a session or of one request (aiohttp's `ClientTimeout`): `total` defaults to
 * 300 seconds, the others to `null` (none). A plain options object is accepted wherever a
 * `ClientTimeout` is.
 *
 * @example
 * const session = new ClientSession({ timeout: new ClientTimeout({ total: 10, sockRead: 2 }) });
 */
export class ClientTimeout {
  /** The limit of the whole operation, in seconds (`null`: none). */
  readonly total: number | null;
  /** The limit to get a connection (pool wait and connect), in seconds (`null`: none). */
  readonly connect: number | null;
  /** The limit to connect a new socket, in seconds (`null`: none). */
  readonly sockConnect: number | null;
  /** The limit between two reads of the response, in seconds (`null`: none). */
  readonly sockRead: number | null;

  /**
   * @throws TypeError/RangeError when a value is not a duration or `null`.
   */
  constructor(options: ClientTimeoutOptions = {}) {
    requireOptions(options, "ClientTimeout options");
    this.total =
      options.total === undefined ? 300 : toSecondsOrNull(options.total, "ClientTimeout total");
    this.connect = toSecondsOrNull(options.connect, "ClientTimeout connect");
    this.sockConnect = toSecondsOrNull(options.sockConnect, "ClientTimeout sockConnect");
    this.sockRead = toSecondsOrNull(options.sockRead, "ClientTimeout sockRead");
    Object.freeze(this);
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const show = (v: number | null): string => (v === null ? "null" : String(v));
    return (
      `ClientTimeout(total=${show(this.total)}, connect=${show(this.connect)}, ` +
      `sockConnect=${show(this.sockConnect)}, sockRead=${show(this.sockRead)})`
    );
  }
}

/** @internal A `ClientTimeout` from what the user gave (a `ClientTimeout`, options, or nothing). */
export function toClientTimeout(value: unknown, what: string): ClientTimeout {
  if (value === undefined) return DEFAULT_TIMEOUT;
  if (value instanceof ClientTimeout) return value;
  if (value === null || typeof value !== "object") {
    throw new TypeError(`${what} must be a ClientTimeout or its options, got ${String(value)}`);
  }
  return new ClientTimeout(value as ClientTimeoutOptions);
}

/** aiohttp's `DEFAULT_TIMEOUT`: total 300 s, nothing else. */
export const DEFAULT_TIMEOUT = new ClientTimeout();
