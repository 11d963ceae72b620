/**
 * asyncio-ts/http: an aiohttp-style HTTP client on undici, with asyncio's semantics — a request
 * is a cancellation point, a timeout cancels it, a cancelled request frees its connection — and
 * retries on by default for what is safe to repeat.
 *
 * Needs the optional peer dependency `undici` (7.x); without it, importing this module raises
 * `ModuleNotFoundError`.
 */
export type { SSLOptions, TCPConnectorOptions } from "./connector.js";
export { TCPConnector } from "./connector.js";
export type { ClientErrorOptions, ReadonlyHeaders, RequestInfo } from "./errors.js";
export {
  ClientConnectorError,
  ClientError,
  ClientPayloadError,
  ClientResponseError,
  ConnectionTimeoutError,
  ContentTypeError,
  InvalidURL,
  ServerDisconnectedError,
  ServerTimeoutError,
  SocketTimeoutError,
  TooManyRedirects,
} from "./errors.js";
export type { HeadersInit } from "./headers.js";
export { ResponseHeaders } from "./headers.js";
export type { JsonOptions } from "./response.js";
export { ClientResponse } from "./response.js";
export type { BackoffOptions, RetryOptions } from "./retry.js";
export type {
  ClientSessionOptions,
  QueryParams,
  RaiseForStatus,
  RequestData,
  RequestOptions,
} from "./session.js";
export { ClientSession } from "./session.js";
export type { ClientTimeoutOptions } from "./timeout.js";
export { ClientTimeout } from "./timeout.js";
