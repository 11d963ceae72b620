/**
 * `ClientResponse`, as aiohttp's: the status and headers of a response, and its body, read
 * whole (`text()`, `json()`, `bytes()`) or as a stream (`content`, our `StreamReader`).
 *
 * A response holds its connection until its body is read whole, it is released (`release()`,
 * `await using`), or its session closes. Like aiohttp, a body that arrived whole frees the
 * connection even when nobody reads it; one that did not (a large body, paused because nobody
 * reads it) is aborted when the response is garbage-collected unreleased, with a
 * ResourceWarning in debug mode (aiohttp's "Unclosed response" from `__del__`).
 */
import { CancelledError } from "../core/errors.js";
import { describeValue, requireOptions } from "../core/validate.js";
import { emitResourceWarning } from "../debug/resourceWarnings.js";
import type { StreamReader } from "../net/streamReader.js";
import { ClientError, ClientResponseError, ContentTypeError, type RequestInfo } from "./errors.js";
import type { Exchange } from "./exchange.js";
import { ResponseHeaders } from "./headers.js";

/** What `json()` takes. */
export interface JsonOptions {
  /**
   * The content type the response must have (default `"application/json"`; `null` accepts
   * any), else a `ContentTypeError` (aiohttp's `content_type=`).
   */
  readonly contentType?: string | null;
  /** Parses the text (default `JSON.parse`). */
  readonly loads?: (text: string) => unknown;
}

const unreleased = new FinalizationRegistry<{ exchange: Exchange; debug: boolean; url: string }>(
  (held) => {
    if (held.exchange.finished) return;
    held.exchange.abort(
      new ClientError("the response was garbage-collected before it was released"),
    );
    if (held.debug) emitResourceWarning(`Unclosed response ${held.url}`);
  },
);

/**
 * A response of `ClientSession.request()` (aiohttp's `ClientResponse`).
 *
 * @example
 * await using response = await session.get(url);
 * console.log(response.status, response.headers.get("content-type"));
 * console.log(await response.text());
 */
export class ClientResponse implements AsyncDisposable {
  /** The request's method. */
  readonly method: string;
  /** The status code, e.g. 200. */
  readonly status: number;
  /** The reason phrase, e.g. `"OK"`. */
  readonly reason: string;
  /** The headers, case-insensitive. */
  readonly headers: ResponseHeaders;
  /** The body as a stream: `read(n)`, `readline()`, `readexactly(n)`, `for await` over lines. */
  readonly content: StreamReader;
  /** The redirect responses that led to this one, oldest first (released). */
  history: readonly ClientResponse[] = [];
  readonly #exchange: Exchange;
  #body: Buffer | null = null;
  /**
   * The URLs of this request and of the first one (before redirects), and the request's
   * headers: the session's, maybe shared with other requests, so `url` and `requestInfo` hand
   * out copies, made when first asked for.
   */
  readonly #realUrl: URL;
  readonly #firstUrl: URL;
  readonly #requestHeaders: Readonly<Record<string, string>>;
  #url: URL | null = null;
  #requestInfo: RequestInfo | null = null;

  /** @internal Made by the session. */
  constructor(
    exchange: Exchange,
    realUrl: URL,
    firstUrl: URL,
    requestHeaders: Readonly<Record<string, string>>,
    debug: boolean,
  ) {
    this.#exchange = exchange;
    this.method = exchange.method;
    this.#realUrl = realUrl;
    this.#firstUrl = firstUrl;
    this.#requestHeaders = requestHeaders;
    this.status = exchange.status;
    this.reason = exchange.statusMessage;
    this.headers = new ResponseHeaders(exchange.headers);
    this.content = exchange.reader;
    if (!exchange.finished) {
      unreleased.register(this, { exchange, debug, url: realUrl.href }, this);
    }
  }

  /** The URL of the response (after redirects): a URL of this response's own. */
  get url(): URL {
    this.#url ??= new URL(this.#realUrl);
    return this.#url;
  }

  /** The request that got this response. */
  get requestInfo(): RequestInfo {
    this.#requestInfo ??= {
      method: this.method,
      url: new URL(this.#firstUrl),
      realUrl: this.url,
      headers: this.#requestHeaders,
    };
    return this.#requestInfo;
  }

  /** Whether the status is below 400 (aiohttp's `ok`). */
  get ok(): boolean {
    return this.status < 400;
  }

  /** Whether the response let go of its connection (body read whole, released or failed). */
  get closed(): boolean {
    return this.#exchange.finished;
  }

  /** The media type of `Content-Type`, lower case (`"application/octet-stream"` when absent). */
  get contentType(): string {
    const value = this.headers.get("content-type");
    if (value === null) return "application/octet-stream";
    return (value.split(";")[0] ?? "").trim().toLowerCase();
  }

  /** The `charset` of `Content-Type`, or null. */
  get charset(): string | null {
    const value = this.headers.get("content-type");
    if (value === null) return null;
    const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(value);
    return match === null ? null : (match[1] as string).toLowerCase();
  }

  /**
   * The whole body (aiohttp's `read()`); the response is released afterwards, and later calls
   * return the same bytes. A cancellation point: cancelling it closes the connection, as
   * aiohttp does.
   *
   * @throws ClientPayloadError when the body ends early or cannot be decoded.
   */
  async bytes(): Promise<Buffer> {
    if (this.#body !== null) return this.#body;
    try {
      this.#body = await this.content.read();
    } catch (error) {
      this.#exchange.abort(error instanceof Error ? error : new CancelledError());
      throw error;
    }
    this.release();
    return this.#body;
  }

  /** The same as `bytes()` (aiohttp's name). */
  read(): Promise<Buffer> {
    return this.bytes();
  }

  /**
   * The body as text, decoded with `encoding` or the response's charset (UTF-8 when it has
   * none).
   */
  async text(encoding?: string): Promise<string> {
    if (encoding !== undefined && typeof encoding !== "string") {
      throw new TypeError(`text() encoding must be a string, got ${describeValue(encoding)}`);
    }
    const body = await this.bytes();
    const label = encoding ?? this.charset ?? "utf-8";
    if (label === "utf-8" || label === "utf8") return body.toString("utf8");
    return new TextDecoder(label).decode(body);
  }

  /**
   * The body parsed as JSON. The content type must be `application/json` (or what
   * `contentType` says; `null`: any), else a `ContentTypeError`, as aiohttp.
   */
  async json(options: JsonOptions = {}): Promise<unknown> {
    requireOptions(options, "json() options");
    const expected = options.contentType === undefined ? "application/json" : options.contentType;
    const loads = options.loads ?? JSON.parse;
    if (typeof loads !== "function") {
      throw new TypeError(`json() loads must be a function, got ${describeValue(loads)}`);
    }
    if (expected !== null && !this.contentType.includes(expected.toLowerCase())) {
      this.release();
      throw new ContentTypeError(
        this.requestInfo,
        this.history,
        this.status,
        `Attempt to decode JSON with unexpected mimetype: ${this.contentType}`,
        this.headers,
      );
    }
    const text = (await this.text()).trim();
    if (text === "") return null;
    return loads(text);
  }

  /**
   * Lets go of the connection: nothing if the body was read whole; otherwise the request is
   * aborted and its connection closed (aiohttp's `release()`). Reads of `content` then fail.
   */
  release(): void {
    if (this.#exchange.finished) return;
    this.#exchange.abort(new ClientError("the response was released before its body was read"));
    unreleased.unregister(this);
  }

  /** The same as `release()` (aiohttp's `close()`). */
  close(): void {
    this.release();
  }

  /**
   * Throws a `ClientResponseError` if the status is 400 or more (aiohttp's
   * `raise_for_status()`); the response is released first.
   */
  raiseForStatus(): void {
    if (this.status < 400) return;
    this.release();
    throw new ClientResponseError(
      this.requestInfo,
      this.history,
      this.status,
      this.reason,
      this.headers,
    );
  }

  /** `await using`: releases the response. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.release();
  }

  toString(): string {
    return `<ClientResponse(${this.#realUrl.href}) [${this.status} ${this.reason}]>`;
  }
}
