/**
 * `TCPConnector`, as aiohttp's: the pool of connections a session uses, with a limit on all the
 * connections at once (`limit`) and on those to one host (`limitPerHost`).
 *
 * undici's `Agent` keeps one pool per origin and limits each on its own; the total limit is a
 * `Semaphore` of the connector, which every request holds from before it is sent until its
 * response is read whole, released or failed (the span during which it occupies a connection).
 * Per origin, undici's `connections` is `limitPerHost` (or `limit` when that is 0), so
 * connections to one host never exceed either limit.
 */
import type * as Undici from "undici";
import { type Duration, toSeconds } from "../core/durations.js";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import { Semaphore } from "../sync/semaphore.js";
import { undici } from "./undici.js";

/** TLS settings of a connector (`ssl`): what to trust and whether to check the certificate. */
export interface SSLOptions {
  /** Certificate authorities to trust (PEM), instead of Node's default ones. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** A client certificate (PEM), with its `key`. */
  readonly cert?: string | Buffer;
  /** The private key (PEM) of the client certificate `cert`. */
  readonly key?: string | Buffer;
  /** Whether the server's certificate must be valid (default true). */
  readonly rejectUnauthorized?: boolean;
  /** The server name to send (SNI) and check, when not the URL's host. */
  readonly servername?: string;
}

/** What `new TCPConnector(options)` takes (aiohttp's keyword arguments, camelCased). */
export interface TCPConnectorOptions {
  /** The most connections open at once, all hosts together (default 100; 0: no limit). */
  readonly limit?: number;
  /** The most connections to one host (scheme, host and port) at once (default 0: no limit). */
  readonly limitPerHost?: number;
  /** How long an idle connection is kept for reuse, in seconds (default 15, as aiohttp). */
  readonly keepaliveTimeout?: Duration;
  /**
   * TLS: `false` skips the certificate check (aiohttp's `ssl=False`), an object sets what to
   * trust; default Node's checks.
   */
  readonly ssl?: boolean | SSLOptions;
}

/**
 * A pool of connections for sessions (aiohttp's `TCPConnector`). A session makes its own
 * unless given one; `connector.close()` closes its connections. A plain options object is
 * accepted where a connector is.
 *
 * @example
 * await using session = new ClientSession({ connector: new TCPConnector({ limit: 10 }) });
 */
export class TCPConnector {
  /** The most connections open at once (0: no limit). */
  readonly limit: number;
  /** The most connections to one host at once (0: no limit). */
  readonly limitPerHost: number;
  /** How long an idle connection is kept, in seconds. */
  readonly keepaliveTimeout: number;
  readonly #ssl: boolean | SSLOptions;
  #agent: Undici.Agent | null = null;
  #connectTimeout = 0;
  #closed = false;
  /** @internal The total limit (null: none), held by each request while it uses a connection. */
  readonly _slots: Semaphore | null;

  /**
   * @throws TypeError/RangeError for a limit that is not an integer >= 0 or a bad
   *   `keepaliveTimeout`.
   */
  constructor(options: TCPConnectorOptions = {}) {
    requireOptions(options, "TCPConnector options");
    const limit = options.limit ?? 100;
    const limitPerHost = options.limitPerHost ?? 0;
    requireInteger(limit, "TCPConnector limit", 0);
    requireInteger(limitPerHost, "TCPConnector limitPerHost", 0);
    const ssl = options.ssl ?? true;
    if (typeof ssl !== "boolean" && (ssl === null || typeof ssl !== "object")) {
      throw new TypeError(
        `TCPConnector ssl must be a boolean or TLS options, got ${describeValue(ssl)}`,
      );
    }
    this.limit = limit;
    this.limitPerHost = limitPerHost;
    this.keepaliveTimeout = toSeconds(
      options.keepaliveTimeout ?? 15,
      "TCPConnector keepaliveTimeout",
    );
    this.#ssl = ssl;
    this._slots = limit === 0 ? null : new Semaphore(limit);
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * @internal The undici dispatcher, made at the first request with the connect timeout
   * (seconds, 0: none) of the session that sends it.
   */
  _dispatcher(connectTimeout: number): Undici.Agent {
    if (this.#agent !== null) return this.#agent;
    this.#connectTimeout = connectTimeout;
    const perHost =
      this.limitPerHost === 0
        ? this.limit
        : this.limit === 0
          ? this.limitPerHost
          : Math.min(this.limit, this.limitPerHost);
    const ssl = this.#ssl;
    const tls: Record<string, unknown> =
      ssl === true ? {} : ssl === false ? { rejectUnauthorized: false } : { ...ssl };
    this.#agent = new undici.Agent({
      connections: perHost === 0 ? null : perHost,
      keepAliveTimeout: Math.max(1, Math.round(this.keepaliveTimeout * 1000)),
      keepAliveMaxTimeout: Math.max(1, Math.round(this.keepaliveTimeout * 1000)),
      connectTimeout: Math.round(this.#connectTimeout * 1000),
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: tls,
    });
    return this.#agent;
  }

  /**
   * Closes the pool: idle connections at once, those in use are destroyed (their requests fail).
   * Later calls do nothing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const agent = this.#agent;
    this.#agent = null;
    if (agent !== null) await agent.destroy().catch(() => undefined);
  }

  /** @internal Closes at once, without waiting (the loop is closing). */
  _closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    const agent = this.#agent;
    this.#agent = null;
    agent?.destroy().catch(() => undefined);
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    return `<TCPConnector limit=${this.limit} limitPerHost=${this.limitPerHost}${this.#closed ? " closed" : ""}>`;
  }
}

/** @internal A connector from what the user gave (a `TCPConnector`, its options, or nothing). */
export function toConnector(value: unknown): TCPConnector {
  if (value === undefined || value === null) return new TCPConnector();
  if (value instanceof TCPConnector) return value;
  if (typeof value !== "object") {
    throw new TypeError(
      `ClientSession connector must be a TCPConnector or its options, got ${describeValue(value)}`,
    );
  }
  return new TCPConnector(value as TCPConnectorOptions);
}
