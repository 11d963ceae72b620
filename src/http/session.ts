/**
 * `ClientSession`, as aiohttp's: the requests of a program share its connection pool, default
 * headers, timeouts and retry policy; `close()` (or `await using`) ends it.
 *
 * A request is a cancellation point at each of its waits — a slot of the pool, the connection
 * and the headers, each pause between retries, each read of the body — and cancelling it (or
 * its total timeout expiring, or its `signal` aborting) aborts undici's request, which frees or
 * closes its connection and releases everything the request held.
 */
import { RuntimeError, TimeoutError } from "../core/errors.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { sleep } from "../core/sleep.js";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import { timeoutAt } from "../flow/timeout.js";
import { trackOnLoop, untrackOnLoop } from "../net/loopResources.js";
import type { Semaphore } from "../sync/semaphore.js";
import { type TCPConnector, type TCPConnectorOptions, toConnector } from "./connector.js";
import {
  ClientConnectorError,
  ClientError,
  ConnectionTimeoutError,
  InvalidURL,
  ServerDisconnectedError,
  TooManyRedirects,
} from "./errors.js";
import { Exchange } from "./exchange.js";
import { type HeadersInit, mergeHeaders } from "./headers.js";
import { ClientResponse } from "./response.js";
import {
  backoffDelay,
  DEFAULT_RETRY,
  parseRetryAfter,
  type RetryOptions,
  type RetryPolicy,
  toRetryPolicy,
} from "./retry.js";
import { type ClientTimeout, type ClientTimeoutOptions, toClientTimeout } from "./timeout.js";

/** What `params` takes: the query added to the URL. */
export type QueryParams =
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | readonly (string | number | boolean)[]>>
  | Iterable<readonly [string, string | number | boolean]>;

/** A request's body (`data`): text, bytes, or a form. */
export type RequestData =
  | string
  | Uint8Array
  | URLSearchParams
  | FormData
  | Readonly<Record<string, string | number | boolean | readonly (string | number | boolean)[]>>;

/** What `raiseForStatus` takes: `true` raises for 400 and above; a function decides itself. */
export type RaiseForStatus = boolean | ((response: ClientResponse) => void | PromiseLike<void>);

/** The options of `new ClientSession(options)` (aiohttp's keyword arguments, camelCased). */
export interface ClientSessionOptions {
  /** The URL relative request URLs are resolved against. */
  readonly baseUrl?: string | URL;
  /** Headers sent with every request (a request's own replace them by name). */
  readonly headers?: HeadersInit;
  /** The timeouts of every request (default: total 300 s). */
  readonly timeout?: ClientTimeout | ClientTimeoutOptions;
  /** The connection pool (default a new `TCPConnector()`); a `TCPConnector` or its options. */
  readonly connector?: TCPConnector | TCPConnectorOptions;
  /**
   * Whether `close()` closes the connector (default true, as aiohttp's `connector_owner`); pass
   * `false` to share one connector between sessions and close it yourself.
   */
  readonly connectorOwner?: boolean;
  /** Raise a `ClientResponseError` for a status of 400 or more (default false). */
  readonly raiseForStatus?: RaiseForStatus;
  /** The retry policy (default on, see `RetryOptions`); `false` turns retries off. */
  readonly retry?: RetryOptions | boolean;
  /** The most redirects followed (default 10). */
  readonly maxRedirects?: number;
}

/** The options of one request. */
export interface RequestOptions {
  /** Query parameters added to the URL. */
  readonly params?: QueryParams;
  /** Headers of this request (they replace the session's by name). */
  readonly headers?: HeadersInit;
  /** A value sent as JSON (`Content-Type: application/json`). Not with `data`. */
  readonly json?: unknown;
  /**
   * The body: a string (text/plain), bytes (application/octet-stream), `URLSearchParams` or a
   * plain object (a form, application/x-www-form-urlencoded) or `FormData` (multipart).
   */
  readonly data?: RequestData;
  /** Aborts the request (it then raises the signal's reason), as `fetch` takes one. */
  readonly signal?: AbortSignal;
  /** The timeouts of this request (default the session's). */
  readonly timeout?: ClientTimeout | ClientTimeoutOptions;
  /** Whether redirects are followed (default true). */
  readonly allowRedirects?: boolean;
  /** The most redirects followed (default the session's, 10). */
  readonly maxRedirects?: number;
  /** Overrides the session's `raiseForStatus`. */
  readonly raiseForStatus?: RaiseForStatus;
  /** Overrides the session's retry policy; `false`: no retry. */
  readonly retry?: RetryOptions | boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const RETRYABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** A request ready to send. */
interface Prepared {
  readonly method: string;
  readonly url: URL;
  /** `url.origin` and its path with the query, as undici takes them. */
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | Uint8Array | null;
}

/**
 * A client session (aiohttp's `ClientSession`): requests with a shared pool, headers,
 * timeouts and retries. Close it with `close()` or `await using`.
 *
 * @example
 * await using session = new ClientSession();
 * await using response = await session.get("http://127.0.0.1:8080/");
 * console.log(response.status, await response.text());
 */
export class ClientSession implements AsyncDisposable {
  readonly #baseUrl: URL | null;
  readonly #headers: Record<string, string>;
  /** The session's timeouts. */
  readonly timeout: ClientTimeout;
  /** The session's connection pool. */
  readonly connector: TCPConnector;
  /** Whether `close()` closes the connector. */
  readonly connectorOwner: boolean;
  readonly #raiseForStatus: RaiseForStatus;
  readonly #retry: RetryPolicy;
  readonly #maxRedirects: number;
  #closed = false;
  #loop: EventLoop | null = null;
  #hold: InFlight | null = null;
  /** The attempts in flight or whose body is being read. */
  readonly #open = new Set<Exchange>();
  #lastUrl: string | null = null;
  #lastParsed: URL | null = null;
  readonly #defaults: SendOptions;
  readonly #forget = (exchange: Exchange): void => {
    this.#open.delete(exchange);
  };

  /**
   * @throws TypeError/RangeError for an option of the wrong type or range; InvalidURL for a
   *   `baseUrl` that is not an http(s) URL.
   */
  constructor(options: ClientSessionOptions = {}) {
    requireOptions(options, "ClientSession options");
    this.#baseUrl = options.baseUrl === undefined ? null : parseUrl(options.baseUrl, null);
    this.#headers = { accept: "*/*", "accept-encoding": "gzip, deflate, br" };
    mergeHeaders(this.#headers, options.headers, "ClientSession headers");
    this.timeout = toClientTimeout(options.timeout, "ClientSession timeout");
    this.connector = toConnector(options.connector);
    const owner = options.connectorOwner ?? true;
    if (typeof owner !== "boolean") {
      throw new TypeError(
        `ClientSession connectorOwner must be a boolean, got ${describeValue(owner)}`,
      );
    }
    this.connectorOwner = owner;
    this.#raiseForStatus = requireRaiseForStatus(
      options.raiseForStatus ?? false,
      "ClientSession raiseForStatus",
    );
    this.#retry = toRetryPolicy(options.retry, "ClientSession retry", DEFAULT_RETRY);
    this.#maxRedirects = requireMaxRedirects(
      options.maxRedirects ?? 10,
      "ClientSession maxRedirects",
    );
    this.#defaults = {
      timeout: this.timeout,
      retry: this.#retry,
      allowRedirects: true,
      maxRedirects: this.#maxRedirects,
      raiseForStatus: this.#raiseForStatus,
      signal: null,
    };
  }

  /** Whether the session is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** GET `url` (see `request()`). */
  get(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("GET", url, options);
  }

  /** POST `url` (see `request()`); never retried unless `retry.methods` names POST. */
  post(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("POST", url, options);
  }

  /** PUT `url` (see `request()`). */
  put(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("PUT", url, options);
  }

  /** PATCH `url` (see `request()`); never retried unless `retry.methods` names PATCH. */
  patch(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("PATCH", url, options);
  }

  /** DELETE `url` (see `request()`). */
  delete(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("DELETE", url, options);
  }

  /** HEAD `url` (see `request()`); redirects are not followed unless asked, as aiohttp. */
  head(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("HEAD", url, { allowRedirects: false, ...options });
  }

  /** OPTIONS `url` (see `request()`). */
  options(url: string | URL, options?: RequestOptions): Promise<ClientResponse> {
    return this.request("OPTIONS", url, options);
  }

  /**
   * Sends a request and returns its response once the headers arrived (the body is read
   * from the response). Retries, redirects and timeouts apply as the session and `options` say.
   *
   * @throws ClientConnectorError (no connection), ServerDisconnectedError,
   *   ClientResponseError (with `raiseForStatus`), TooManyRedirects, InvalidURL (a TypeError),
   *   asyncio's TimeoutError (a timeout; `ServerTimeoutError` for the socket ones),
   *   CancelledError, RuntimeError (the session is closed).
   */
  async request(
    method: string,
    url: string | URL,
    options: RequestOptions = NO_OPTIONS,
  ): Promise<ClientResponse> {
    requireOptions(options, "request() options");
    if (typeof method !== "string" || !TOKEN.test(method)) {
      throw new TypeError(
        `request() method must be an HTTP method name, got ${describeValue(method)}`,
      );
    }
    const loop = getRunningLoop();
    this.#bind(loop);
    const how = this.#sendOptions(options);
    how.signal?.throwIfAborted();
    const first =
      options.data instanceof FormData
        ? await this.#prepareForm(method.toUpperCase(), url, options, options.data)
        : this.#prepare(method.toUpperCase(), url, options, null);
    const deadline = how.timeout.total === null ? null : loop.time() + how.timeout.total;
    const policy = how.retry;
    const history: ClientResponse[] = [];
    let prepared = first;
    let retryable = policy.attempts > 1 && policy.methods.has(prepared.method);
    // Each turn is one attempt; a retry or a redirect goes round again.
    for (let attempt = 1; ; attempt++) {
      let response: ClientResponse | null = null;
      let failure: unknown = null;
      try {
        // The wait for the headers is awaited here, in the request's own frame: every async
        // layer between the caller and a Future costs (bench/http.bench.ts).
        const sent = this.#send(loop, prepared, how, deadline);
        const exchange = sent instanceof Exchange ? sent : await sent;
        try {
          await exchange.headersReceived;
        } catch (error) {
          exchange.abort(error instanceof Error ? error : new ClientError(String(error)));
          throw error;
        }
        response = new ClientResponse(
          exchange,
          prepared.url,
          first.url,
          prepared.headers,
          loop.getDebug(),
        );
      } catch (error) {
        if (!retryable || attempt >= policy.attempts || !isRetryableError(error)) throw error;
        failure = error;
      }
      let delay: number | null = null;
      if (response !== null) {
        if (!retryable || attempt >= policy.attempts || !policy.statuses.has(response.status)) {
          const next = this.#redirect(response, prepared, history, how);
          if (next === null) return await this.#final(response, history, how.raiseForStatus);
          prepared = next;
          retryable = policy.attempts > 1 && policy.methods.has(prepared.method);
          attempt = 0;
          continue;
        }
        if (policy.respectRetryAfter) {
          delay = parseRetryAfter(response.headers.get("retry-after"), Date.now());
        }
      }
      delay ??= backoffDelay(policy, attempt);
      if (deadline !== null && loop.time() + delay >= deadline) {
        // The pause would outlast the total timeout: the last answer is the result.
        if (response === null) throw failure;
        return await this.#final(response, history, how.raiseForStatus);
      }
      response?.release();
      await sleep(delay);
    }
  }

  /** The options of one request, over the session's. */
  #sendOptions(options: RequestOptions): SendOptions {
    if (options === NO_OPTIONS) return this.#defaults;
    const timeout =
      options.timeout === undefined
        ? this.timeout
        : toClientTimeout(options.timeout, "request() timeout");
    const retry = toRetryPolicy(options.retry, "request() retry", this.#retry);
    const allowRedirects = options.allowRedirects ?? true;
    if (typeof allowRedirects !== "boolean") {
      throw new TypeError(
        `request() allowRedirects must be a boolean, got ${describeValue(allowRedirects)}`,
      );
    }
    const maxRedirects =
      options.maxRedirects === undefined
        ? this.#maxRedirects
        : requireMaxRedirects(options.maxRedirects, "request() maxRedirects");
    const raiseForStatus =
      options.raiseForStatus === undefined
        ? this.#raiseForStatus
        : requireRaiseForStatus(options.raiseForStatus, "request() raiseForStatus");
    const signal = options.signal ?? null;
    if (signal !== null && !(signal instanceof AbortSignal)) {
      throw new TypeError(`request() signal must be an AbortSignal, got ${describeValue(signal)}`);
    }
    return { timeout, retry, allowRedirects, maxRedirects, raiseForStatus, signal };
  }

  /** The response a request resolves with: the redirects it followed, `raiseForStatus` applied. */
  async #final(
    response: ClientResponse,
    history: ClientResponse[],
    raise: RaiseForStatus,
  ): Promise<ClientResponse> {
    if (history.length > 0) response.history = history;
    if (raise === true) response.raiseForStatus();
    else if (raise !== false) await raise(response);
    return response;
  }

  /**
   * The request a redirect leads to (the response is released and kept in `history`), or null
   * when `response` is not one to follow.
   */
  #redirect(
    response: ClientResponse,
    prepared: Prepared,
    history: ClientResponse[],
    how: SendOptions,
  ): Prepared | null {
    if (!how.allowRedirects || !REDIRECTS.has(response.status)) return null;
    const location = response.headers.get("location");
    if (location === null) return null;
    response.release();
    if (history.length >= how.maxRedirects) {
      response.history = history;
      throw new TooManyRedirects(
        response.requestInfo,
        [...history, response],
        response.status,
        "Too many redirects",
        response.headers,
      );
    }
    history.push(response);
    let next: URL;
    try {
      next = new URL(location, prepared.url);
    } catch (error) {
      throw new InvalidURL(location, "a redirect to an invalid URL", { cause: error });
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      throw new InvalidURL(location, "a redirect to a URL that is not http or https");
    }
    const headers = { ...prepared.headers };
    if (next.origin !== prepared.url.origin) delete headers.authorization;
    let { method, body } = prepared;
    const status = response.status;
    if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
      if (method !== "HEAD") method = "GET";
      body = null;
      delete headers["content-type"];
      delete headers["content-length"];
    }
    const path = next.pathname + next.search;
    return { method, url: next, origin: next.origin, path, headers, body };
  }

  /**
   * Sends one attempt: takes a slot of the pool (waiting for one only when none is free: then
   * a promise), and hands the request to undici. The total deadline is the attempt's own timer
   * (no `timeout()` scope on this path: bench/http.bench.ts).
   */
  #send(
    loop: EventLoop,
    prepared: Prepared,
    how: SendOptions,
    deadline: number | null,
  ): Exchange | Promise<Exchange> {
    if (this.#closed) throw new RuntimeError("Session is closed");
    const slots = this.connector._slots;
    if (slots !== null && !slots._tryAcquire()) {
      return this.#sendAfterSlot(loop, prepared, how, deadline, slots);
    }
    return this.#dispatch(loop, prepared, how, deadline, slots);
  }

  async #sendAfterSlot(
    loop: EventLoop,
    prepared: Prepared,
    how: SendOptions,
    deadline: number | null,
    slots: Semaphore,
  ): Promise<Exchange> {
    await waitForSlot(slots, prepared, how.timeout.connect, deadline, loop);
    if (this.#closed) {
      slots.release();
      throw new RuntimeError("Session is closed");
    }
    return this.#dispatch(loop, prepared, how, deadline, slots);
  }

  #dispatch(
    loop: EventLoop,
    prepared: Prepared,
    how: SendOptions,
    deadline: number | null,
    slots: Semaphore | null,
  ): Exchange {
    const { connect, sockConnect, sockRead } = how.timeout;
    const exchange = new Exchange(loop, prepared.method, prepared.url, slots, deadline, how.signal);
    this.#open.add(exchange);
    exchange.onFinished = this.#forget;
    const connectTimeout = minNullable(connect, sockConnect);
    const readMs = sockRead === null ? 0 : Math.max(1, Math.round(sockRead * 1000));
    try {
      this.connector._dispatcher(connectTimeout ?? 0).dispatch(
        {
          origin: prepared.origin,
          path: prepared.path,
          method: prepared.method as "GET",
          headers: prepared.headers,
          body: prepared.body,
          headersTimeout: readMs,
          bodyTimeout: readMs,
        },
        exchange,
      );
    } catch (error) {
      exchange.abort(error instanceof Error ? error : new ClientError(String(error)));
      throw new ClientError(`the request could not be sent: ${String(error)}`, { cause: error });
    }
    return exchange;
  }

  /** The URL, headers and body of a request (`form`: the bytes of a FormData body). */
  #prepare(
    method: string,
    url: string | URL,
    options: RequestOptions,
    form: { body: Buffer; contentType: string | null } | null,
  ): Prepared {
    const target = this.#parse(url, options.params === undefined);
    if (options.params !== undefined) addParams(target, options.params);
    const headers = { ...this.#headers };
    if (options.headers !== undefined) mergeHeaders(headers, options.headers, "request() headers");
    let body: string | Buffer | Uint8Array | null = null;
    let contentType: string | null = null;
    if (options.json !== undefined) {
      if (options.data !== undefined) {
        throw new RangeError("request() takes data or json, not both");
      }
      const text = JSON.stringify(options.json);
      if (text === undefined) throw new TypeError("request() json is not serializable as JSON");
      body = text;
      contentType = "application/json";
    } else if (form !== null) {
      body = form.body;
      contentType = form.contentType;
    } else if (options.data !== undefined) {
      const data = options.data as unknown;
      if (typeof data === "string") {
        body = data;
        contentType = "text/plain; charset=utf-8";
      } else if (data instanceof Uint8Array) {
        body = data;
        contentType = "application/octet-stream";
      } else if (data instanceof URLSearchParams) {
        body = data.toString();
        contentType = "application/x-www-form-urlencoded";
      } else if (data !== null && typeof data === "object" && !Array.isArray(data)) {
        const encoded = new URLSearchParams();
        appendParams(encoded, data as Record<string, unknown>, "request() data");
        body = encoded.toString();
        contentType = "application/x-www-form-urlencoded";
      } else {
        throw new TypeError(
          "request() data must be a string, bytes, URLSearchParams, FormData or a form object, " +
            `got ${describeValue(data)}`,
        );
      }
    }
    if (contentType !== null && headers["content-type"] === undefined) {
      headers["content-type"] = contentType;
    }
    const path = target.pathname + target.search;
    return { method, url: target, origin: target.origin, path, headers, body };
  }

  /** `#prepare` for a FormData body, encoded first (multipart, with its boundary). */
  async #prepareForm(
    method: string,
    url: string | URL,
    options: RequestOptions,
    data: FormData,
  ): Promise<Prepared> {
    const encoded = new Response(data);
    const body = Buffer.from(await encoded.arrayBuffer());
    const contentType = encoded.headers.get("content-type");
    return this.#prepare(method, url, options, { body, contentType });
  }

  /**
   * The URL of a request. The last one parsed is kept: the same URL asked again and again is
   * the common case, and parsing is a visible part of a request's cost (bench/http.bench.ts).
   * A URL about to get params is always parsed afresh. The URL returned may be shared by many
   * requests, so it is never changed nor handed out: a response gives copies of it.
   */
  #parse(url: string | URL, reuse: boolean): URL {
    if (reuse && typeof url === "string" && url === this.#lastUrl && this.#lastParsed !== null) {
      return this.#lastParsed;
    }
    const parsed = parseUrl(url, this.#baseUrl);
    if (typeof url === "string") {
      this.#lastUrl = url;
      this.#lastParsed = reuse ? parsed : null;
    }
    return parsed;
  }

  #bind(loop: EventLoop): void {
    if (this.#closed) throw new RuntimeError("Session is closed");
    if (this.#loop === loop) return;
    if (this.#loop !== null) {
      throw new RuntimeError("ClientSession is bound to another event loop");
    }
    this.#loop = loop;
    this.#hold = loop.inFlight("http ClientSession", { kind: "outside" });
    trackOnLoop(loop, this);
  }

  /**
   * Closes the session: responses not yet read are released, and the connector is closed if
   * the session owns it. Later calls do nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abortOpen();
    this.#hold?.release();
    this.#hold = null;
    if (this.#loop !== null) untrackOnLoop(this.#loop, this);
    if (this.connectorOwner) await this.connector.close();
  }

  #abortOpen(): void {
    for (const exchange of [...this.#open]) exchange.abort(new ClientError("Session is closed"));
    this.#open.clear();
  }

  /** @internal The loop is closing with the session open: close it at once. */
  _closeWithLoop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abortOpen();
    this.#hold?.release();
    this.#hold = null;
    if (this.connectorOwner) this.connector._closeNow();
  }

  /** @internal */
  _unclosedWarning(): string {
    return `Unclosed client session ${String(this)}`;
  }

  /** `await using`: closes the session. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  toString(): string {
    return `<ClientSession${this.#closed ? " closed" : ""}${this.#baseUrl === null ? "" : ` ${this.#baseUrl.href}`}>`;
  }
}

interface SendOptions {
  readonly timeout: ClientTimeout;
  readonly retry: RetryPolicy;
  readonly allowRedirects: boolean;
  readonly maxRedirects: number;
  readonly raiseForStatus: RaiseForStatus;
  readonly signal: AbortSignal | null;
}

/** The options of a request given none (the session's own apply). */
const NO_OPTIONS: RequestOptions = Object.freeze({});

/** Waits for a slot of the pool, within `connect` and the total deadline. */
async function waitForSlot(
  slots: Semaphore,
  prepared: Prepared,
  connect: number | null,
  deadline: number | null,
  loop: EventLoop,
): Promise<void> {
  const connectDeadline = connect === null ? null : loop.time() + connect;
  const until = minNullable(connectDeadline, deadline);
  if (until === null) {
    await slots.acquire();
    return;
  }
  try {
    await timeoutAt(until, () => slots.acquire());
  } catch (error) {
    if (error instanceof TimeoutError && until === connectDeadline) {
      throw new ConnectionTimeoutError(`Connection timeout to host ${prepared.url.host}`, {
        cause: error,
      });
    }
    throw error;
  }
}

function parseUrl(value: unknown, base: URL | null): URL {
  if (typeof value !== "string" && !(value instanceof URL)) {
    throw new InvalidURL(
      String(value),
      `a URL must be a string or a URL, got ${describeValue(value)}`,
    );
  }
  let url: URL;
  try {
    url = base === null ? new URL(value) : new URL(value, base);
  } catch (error) {
    throw new InvalidURL(String(value), undefined, { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidURL(String(value), "not an http or https URL");
  }
  return url;
}

function addParams(url: URL, params: unknown): void {
  if (params instanceof URLSearchParams) {
    for (const [name, value] of params) url.searchParams.append(name, value);
    return;
  }
  if (params === null || typeof params !== "object") {
    throw new TypeError(
      `request() params must be an object, pairs or URLSearchParams, got ${describeValue(params)}`,
    );
  }
  if (Symbol.iterator in params) {
    for (const pair of params as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(
          `request() params pairs must be [name, value], got ${describeValue(pair)}`,
        );
      }
      url.searchParams.append(String(pair[0]), paramValue(pair[1], "request() params"));
    }
    return;
  }
  appendParams(url.searchParams, params as Record<string, unknown>, "request() params");
}

function appendParams(into: URLSearchParams, values: Record<string, unknown>, what: string): void {
  for (const name of Object.keys(values)) {
    const value = values[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) into.append(name, paramValue(item, what));
    else into.append(name, paramValue(value, what));
  }
}

function paramValue(value: unknown, what: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new TypeError(
    `${what} values must be strings, numbers or booleans, got ${describeValue(value)}`,
  );
}

function requireRaiseForStatus(value: unknown, what: string): RaiseForStatus {
  if (typeof value !== "boolean" && typeof value !== "function") {
    throw new TypeError(`${what} must be a boolean or a function, got ${describeValue(value)}`);
  }
  return value as RaiseForStatus;
}

function requireMaxRedirects(value: unknown, what: string): number {
  requireInteger(value, what, 0);
  return value;
}

function minNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** Whether a failed attempt may be tried again: the connection failed or was dropped unanswered. */
function isRetryableError(error: unknown): boolean {
  if (error instanceof ServerDisconnectedError || error instanceof ConnectionTimeoutError)
    return true;
  if (error instanceof ClientConnectorError) {
    const code = (error.osError as { code?: unknown } | null)?.code;
    return typeof code === "string" && RETRYABLE_CODES.has(code);
  }
  return false;
}
