/**
 * The errors of `asyncio-ts/http`, named and arranged as aiohttp's (`aiohttp.client_exceptions`).
 *
 * aiohttp's timeouts are both `ClientError`s and `asyncio.TimeoutError`s (multiple
 * inheritance). JavaScript classes have one parent, so `ServerTimeoutError` extends asyncio's
 * `TimeoutError` (a `timeout()` and a total timeout look the same to the caller), and
 * `ClientError`'s `instanceof` also answers true for it, and for `InvalidURL` (a `TypeError`),
 * so `err instanceof ClientError` catches what aiohttp's `except ClientError` catches.
 */
import { named, TimeoutError } from "../core/errors.js";

/** What `ClientResponseError.requestInfo` holds: the request that got the response. */
export interface RequestInfo {
  /** The request's method, upper case. */
  readonly method: string;
  /** The URL asked for (before redirects). */
  readonly url: URL;
  /** The URL of the last request (after redirects). */
  readonly realUrl: URL;
  /** The request's headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The base of every error the client raises (aiohttp's `ClientError`). `instanceof ClientError`
 * is also true for `ServerTimeoutError` and `InvalidURL`, which extend `TimeoutError` and
 * `TypeError` (see the file comment).
 *
 * @example
 * try {
 *   await session.get(url);
 * } catch (err) {
 *   if (err instanceof ClientError) console.log("request failed:", err.message);
 *   else throw err;
 * }
 */
export class ClientError extends Error {
  /** @internal `instanceof ClientError` also takes in the timeouts and `InvalidURL`. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // The receiver is the class right of `instanceof` (a subclass too): only ClientError itself
    // also takes in the timeouts and InvalidURL.
    // biome-ignore lint/complexity/noThisInStatic: the receiver is the class asked about
    // biome-ignore lint/complexity/noUselessThisAlias: named for what it is
    const asked: unknown = this;
    if (Function.prototype[Symbol.hasInstance].call(asked, value)) return true;
    return (
      asked === ClientError && (value instanceof ServerTimeoutError || value instanceof InvalidURL)
    );
  }
}
named(ClientError, "ClientError");

/** The options of the error classes that carry a request's details. */
export interface ClientErrorOptions {
  /** The underlying error. */
  cause?: unknown;
}

/** A connection to the server could not be made (aiohttp's `ClientConnectorError`). */
export class ClientConnectorError extends ClientError {
  /** The host the connection was for. */
  readonly host: string;
  /** The port the connection was for. */
  readonly port: number;
  /** The underlying `OSError` (e.g. `ConnectionRefusedError`), also the `cause`. */
  readonly osError: unknown;

  /** @internal */
  constructor(host: string, port: number, osError: unknown) {
    const reason = osError instanceof Error ? osError.message : String(osError);
    super(`Cannot connect to host ${host}:${port} ssl:default [${reason}]`, { cause: osError });
    this.host = host;
    this.port = port;
    this.osError = osError;
  }
}
named(ClientConnectorError, "ClientConnectorError");

/** The server closed the connection before the response started (aiohttp's). */
export class ServerDisconnectedError extends ClientError {
  /** @internal */
  constructor(message = "Server disconnected", options?: ClientErrorOptions) {
    super(message, options);
  }
}
named(ServerDisconnectedError, "ServerDisconnectedError");

/**
 * A response was not what was wanted (aiohttp's `ClientResponseError`): raised by
 * `raiseForStatus()` for a status of 400 or more, with the status, message and headers.
 */
export class ClientResponseError extends ClientError {
  /** The response's status code. */
  readonly status: number;
  /** The response's reason phrase (e.g. `"Not Found"`). */
  override readonly message: string;
  /** The response's headers (case-insensitive). */
  readonly headers: ReadonlyHeaders | null;
  /** The request that got the response. */
  readonly requestInfo: RequestInfo;
  /** The redirect responses that led to it, oldest first. */
  readonly history: readonly unknown[];

  /** @internal */
  constructor(
    requestInfo: RequestInfo,
    history: readonly unknown[],
    status: number,
    message: string,
    headers: ReadonlyHeaders | null,
    options?: ClientErrorOptions,
  ) {
    super(
      `${status}, message=${JSON.stringify(message)}, url=${requestInfo.realUrl.href}`,
      options,
    );
    this.status = status;
    this.message = message;
    this.headers = headers;
    this.requestInfo = requestInfo;
    this.history = history;
  }

  override toString(): string {
    return `${this.name}: ${this.status}, message=${JSON.stringify(this.message)}, url=${this.requestInfo.realUrl.href}`;
  }
}
named(ClientResponseError, "ClientResponseError");

/** `json()` found a content type other than the one expected (aiohttp's `ContentTypeError`). */
export class ContentTypeError extends ClientResponseError {}
named(ContentTypeError, "ContentTypeError");

/** More redirects than `maxRedirects` (aiohttp's `TooManyRedirects`). */
export class TooManyRedirects extends ClientResponseError {}
named(TooManyRedirects, "TooManyRedirects");

/** The response body could not be read whole (aiohttp's `ClientPayloadError`). */
export class ClientPayloadError extends ClientError {}
named(ClientPayloadError, "ClientPayloadError");

/**
 * A URL the client cannot use (aiohttp's `InvalidURL`): not a URL, or not `http:`/`https:`.
 * A `TypeError`, as `new URL()` raises; `instanceof ClientError` is true too.
 */
export class InvalidURL extends TypeError {
  /** The URL given. */
  readonly url: string;

  /** @internal */
  constructor(url: string, description?: string, options?: ClientErrorOptions) {
    super(description === undefined ? url : `${url} (${description})`, options);
    this.url = url;
  }
}
named(InvalidURL, "InvalidURL");

/**
 * A timeout of a socket operation (aiohttp's `ServerTimeoutError`): an `asyncio.TimeoutError`,
 * and an instance of `ClientError` too. undici's error is the `cause`.
 */
export class ServerTimeoutError extends TimeoutError {}
named(ServerTimeoutError, "ServerTimeoutError");

/** Connecting took longer than `sockConnect` (or `connect`) allows (aiohttp's). */
export class ConnectionTimeoutError extends ServerTimeoutError {}
named(ConnectionTimeoutError, "ConnectionTimeoutError");

/** Waiting for the headers or the next bytes of the body took longer than `sockRead` (aiohttp's). */
export class SocketTimeoutError extends ServerTimeoutError {}
named(SocketTimeoutError, "SocketTimeoutError");

/** The read-only, case-insensitive headers of a response (see `ClientResponse.headers`). */
export interface ReadonlyHeaders extends Iterable<[string, string]> {
  /** The value of the header `name` (any case), several joined with ", "; null if absent. */
  get(name: string): string | null;
  /** Every value of the header `name` (any case), in order. */
  getAll(name: string): string[];
  /** Whether the header `name` (any case) is present. */
  has(name: string): boolean;
}
