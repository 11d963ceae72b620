/**
 * @internal One attempt of a request on undici: the dispatch handler that receives the response
 * and feeds its body into our `StreamReader`, with flow control, decompression, the total
 * deadline of the body, and the release of what the attempt holds.
 *
 * An attempt holds, from before it is sent until it is finished: a slot of the connector's total
 * limit (if any), and the loop — an `"operation"` hold until the headers arrive, then an
 * `"outside"` hold while the body streams. It is finished once, by the first of: the body's end,
 * an error, `abort()`. Finishing releases everything it holds; aborting also aborts undici's
 * request, which frees (or destroys) its connection.
 *
 * Flow control: the reader asks to pause once it holds more than twice its limit; the handler
 * then pauses undici's request (which stops reading its socket), and resumes it when the reader
 * asks. A decompressor between them is paused likewise, and pauses the request when its own
 * buffer is full.
 */
import { STATUS_CODES } from "node:http";
import * as zlib from "node:zlib";
import type * as Undici from "undici";
import { CancelledError, TimeoutError } from "../core/errors.js";
import { createLoopFuture, type Future, PENDING } from "../core/future.js";
import type { TimerHandle } from "../core/handle.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { fromNodeError } from "../core/osErrors.js";
import { fromTlsError, SSLError } from "../net/errors.js";
import { StreamReader } from "../net/streamReader.js";
import type { Semaphore } from "../sync/semaphore.js";
import {
  ClientConnectorError,
  ClientError,
  ClientPayloadError,
  ConnectionTimeoutError,
  ServerDisconnectedError,
  SocketTimeoutError,
} from "./errors.js";

type DispatchController = Undici.Dispatcher.DispatchController;
type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

/** Node error codes of a failed connect that say the connection was never made. */
const CONNECT_SYSCALLS = new Set(["connect", "getaddrinfo", "getaddrinfo_all"]);
/** Node error codes of a connection the server dropped. */
const DISCONNECT_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);

/** Whether a final (2xx–5xx) response has no body. */
function hasNoBody(method: string, status: number): boolean {
  return method === "HEAD" || status === 204 || status === 304;
}

export class Exchange implements Undici.Dispatcher.DispatchHandler {
  readonly #loop: EventLoop;
  readonly method: string;
  readonly host: string;
  readonly port: number;
  readonly #description: string;
  /** The connector's total limit, released when the attempt finishes (null: none or released). */
  #slots: Semaphore | null;
  #hold: InFlight | null;
  /** Settled when the headers arrive (or the attempt fails before them). */
  readonly headersReceived: Future<void>;
  readonly reader: StreamReader;
  status = 0;
  statusMessage = "";
  headers: IncomingHttpHeaders = {};
  #controller: DispatchController | null = null;
  /** Why the attempt was aborted before undici gave it a controller. */
  #abortReason: Error | null = null;
  #finished = false;
  #deadlineTimer: TimerHandle | null = null;
  #decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null = null;
  #readerPaused = false;
  #decoderFull = false;
  /** Called once when the attempt finishes (the session forgets it). */
  onFinished: ((exchange: Exchange) => void) | null = null;
  #signal: AbortSignal | null = null;
  #onSignal: (() => void) | null = null;

  constructor(
    loop: EventLoop,
    method: string,
    url: URL,
    slots: Semaphore | null,
    deadline: number | null,
    signal: AbortSignal | null,
  ) {
    this.#loop = loop;
    this.method = method;
    this.host = url.hostname;
    this.port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    this.#description = `http ${method} ${url.href}`;
    this.#slots = slots;
    this.#hold = loop.inFlight(this.#description);
    this.headersReceived = createLoopFuture<void>(loop);
    this.reader = new StreamReader();
    this.reader._setTransport(this);
    if (deadline !== null) this.#deadlineTimer = loop.callAt(deadline, expire, this);
    if (signal !== null) {
      this.#signal = signal;
      this.#onSignal = () =>
        this.abort(signal.reason instanceof Error ? signal.reason : new CancelledError());
      signal.addEventListener("abort", this.#onSignal, { once: true });
    }
  }

  /** Whether the attempt is over (body read whole, failed or aborted). */
  get finished(): boolean {
    return this.#finished;
  }

  // --- undici's handler --------------------------------------------------------------------

  onRequestStart(controller: DispatchController): void {
    this.#controller = controller;
    if (this.#abortReason !== null) controller.abort(this.#abortReason);
  }

  onResponseStart(
    _controller: DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (this.#finished || statusCode < 200) return;
    this.status = statusCode;
    this.statusMessage = statusMessage || STATUS_CODES[statusCode] || "";
    this.headers = headers;
    if (!hasNoBody(this.method, statusCode)) this.#setUpDecoder(headers["content-encoding"]);
    this.#hold?.release();
    this.#hold = this.#loop.inFlight(`${this.#description} body`, { kind: "outside" });
    const future = this.headersReceived;
    if (future._state === PENDING) future._resolve(undefined);
  }

  onResponseData(_controller: DispatchController, chunk: Buffer): void {
    if (this.#finished) return;
    const decoder = this.#decoder;
    if (decoder === null) {
      this.reader._feedOwned(chunk);
    } else if (!decoder.write(chunk)) {
      this.#decoderFull = true;
      this.#updatePause();
    }
  }

  onResponseEnd(): void {
    if (this.#finished) return;
    const decoder = this.#decoder;
    if (decoder === null) {
      this.reader.feedEof();
      this.#finish();
    } else {
      decoder.end();
    }
  }

  onResponseError(_controller: DispatchController, error: Error): void {
    if (this.#finished) return;
    this.#fail(this.#translate(error));
  }

  // --- the reader's flow control -----------------------------------------------------------

  /** @internal The reader holds too much: stop reading the socket. */
  pauseReading(): boolean {
    this.#readerPaused = true;
    this.#decoder?.pause();
    this.#updatePause();
    return true;
  }

  /** @internal The reader wants more. */
  resumeReading(): void {
    this.#readerPaused = false;
    this.#decoder?.resume();
    this.#updatePause();
  }

  #updatePause(): void {
    const controller = this.#controller;
    if (controller === null || this.#finished) return;
    const pause = this.#readerPaused || this.#decoderFull;
    if (pause && !controller.paused) controller.pause();
    else if (!pause && controller.paused) controller.resume();
  }

  // --- decompression -----------------------------------------------------------------------

  #setUpDecoder(encoding: string | string[] | undefined): void {
    if (typeof encoding !== "string") return;
    const name = encoding.trim().toLowerCase();
    let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;
    if (name === "gzip" || name === "x-gzip") decoder = zlib.createGunzip();
    else if (name === "deflate") decoder = zlib.createInflate();
    else if (name === "br") decoder = zlib.createBrotliDecompress();
    else return;
    this.#decoder = decoder;
    decoder.on("data", (chunk: Buffer) => {
      if (!this.#finished) this.reader._feedOwned(chunk);
    });
    decoder.on("drain", () => {
      this.#decoderFull = false;
      this.#updatePause();
    });
    decoder.once("end", () => {
      if (this.#finished) return;
      this.reader.feedEof();
      this.#finish();
    });
    decoder.once("error", (error: Error) => {
      if (this.#finished) return;
      this.#fail(
        new ClientPayloadError(`Can not decode content-encoding: ${name}`, { cause: error }),
      );
    });
  }

  // --- ending --------------------------------------------------------------------------------

  /**
   * Aborts the attempt: undici's request is aborted with `reason` (its connection is freed, or
   * destroyed mid-response), and whoever waits for the headers or reads the body gets `reason`.
   */
  abort(reason: Error): void {
    if (this.#finished) return;
    this.#fail(reason);
  }

  #fail(error: unknown): void {
    const future = this.headersReceived;
    if (future._state === PENDING) future._reject(error);
    else this.reader.setException(error);
    const controller = this.#controller;
    const reason = error instanceof Error ? error : new ClientError(String(error));
    this.#finish();
    if (controller === null) this.#abortReason = reason;
    else if (!controller.aborted) controller.abort(reason);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#hold?.release();
    this.#hold = null;
    this.#deadlineTimer?.cancel();
    this.#deadlineTimer = null;
    const decoder = this.#decoder;
    if (decoder !== null) {
      this.#decoder = null;
      decoder.removeAllListeners("data");
      decoder.on("error", ignore);
      decoder.destroy();
    }
    if (this.#signal !== null) {
      this.#signal.removeEventListener("abort", this.#onSignal as () => void);
      this.#signal = null;
      this.#onSignal = null;
    }
    const slots = this.#slots;
    this.#slots = null;
    slots?.release();
    const onFinished = this.onFinished;
    this.onFinished = null;
    onFinished?.(this);
  }

  /** Our error for undici's `error` (before the headers, or in the body). */
  #translate(error: Error): unknown {
    const code = (error as { code?: unknown }).code;
    const inBody = this.headersReceived._state !== PENDING;
    if (code === "UND_ERR_CONNECT_TIMEOUT") {
      return new ConnectionTimeoutError(`Connection timeout to host ${this.host}:${this.port}`, {
        cause: error,
      });
    }
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new SocketTimeoutError(`Timeout on reading data from socket`, { cause: error });
    }
    if (inBody) {
      if (
        error instanceof ClientError ||
        error instanceof TimeoutError ||
        error instanceof CancelledError
      ) {
        return error;
      }
      return new ClientPayloadError(`Response payload is not completed: ${error.message}`, {
        cause: error,
      });
    }
    const syscall = (error as { syscall?: unknown }).syscall;
    if (typeof syscall === "string" && CONNECT_SYSCALLS.has(syscall)) {
      return new ClientConnectorError(this.host, this.port, fromNodeError(error));
    }
    if (error instanceof AggregateError && error.errors.length > 0) {
      return new ClientConnectorError(this.host, this.port, fromNodeError(error.errors[0]));
    }
    if (typeof code === "string" && DISCONNECT_CODES.has(code)) {
      return new ServerDisconnectedError(`Server disconnected: ${error.message}`, { cause: error });
    }
    // A certificate or handshake failure: the network layer's SSLError (SSLCertVerificationError
    // with OpenSSL's verify code for a certificate), as the connection's OSError.
    const tlsError = fromTlsError(error);
    if (tlsError instanceof SSLError || (typeof code === "string" && code.startsWith("ERR_TLS"))) {
      return new ClientConnectorError(this.host, this.port, tlsError);
    }
    return new ClientError(error.message, { cause: error });
  }

  toString(): string {
    return `<Exchange ${this.#description}${this.#finished ? " finished" : ""}>`;
  }
}

function expire(exchange: Exchange): void {
  exchange.abort(new TimeoutError("the total timeout of the request expired"));
}

function ignore(): void {}
