/**
 * `StreamWriter`, as asyncio's (`Lib/asyncio/streams.py`): the writing half of a stream, over a
 * transport, with `drain()` for back-pressure.
 */
import { inspectAsToString } from "../core/display.js";
import { createLoopFuture, PENDING } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { sleep } from "../core/sleep.js";
import { requireOptions } from "../core/validate.js";
import type { FlowControl } from "./flowControl.js";
import { startTls } from "./startTls.js";
import type { StreamReader } from "./streamReader.js";
import type { SSLOption, SSLServerOption } from "./tls.js";
import type { Data, ExtraInfo, Transport } from "./transport.js";

/** What `drain()` returns when there is nothing to wait for. */
const DRAINED: Promise<void> = Promise.resolve();

/** Options of `StreamWriter.startTls()`. */
export interface StartTlsOptions {
  /** The name the peer's certificate must match (client side; default: the host connected to). */
  readonly serverHostname?: string | null;
  /** Seconds the handshake may take (default 60). */
  readonly sslHandshakeTimeout?: number | null;
  /** Seconds a TLS close may take to flush before the connection is aborted (default 30). */
  readonly sslShutdownTimeout?: number | null;
}

/**
 * The writing half of a connection, from `openConnection()` or given to a `startServer()`
 * handler. Write, then `await drain()` to let the peer catch up.
 *
 * @example
 * writer.write("hello\n");
 * await writer.drain();
 * writer.close();
 * await writer.waitClosed();
 */
export class StreamWriter implements AsyncDisposable {
  #transport: Transport;
  readonly #protocol: FlowControl;
  readonly #reader: StreamReader | null;
  readonly #loop: EventLoop;

  /** @internal Made by `openConnection()`, the servers of `startServer()` and subprocesses. */
  constructor(
    transport: Transport,
    protocol: FlowControl,
    reader: StreamReader | null,
    loop: EventLoop,
  ) {
    this.#transport = transport;
    this.#protocol = protocol;
    this.#reader = reader;
    this.#loop = loop;
  }

  /** The transport underneath. */
  get transport(): Transport {
    return this.#transport;
  }

  /**
   * Writes `data` (a string as UTF-8) without waiting; follow with `await drain()`.
   *
   * @throws TypeError for data that are not a Uint8Array or string; RuntimeError after
   *   `writeEof()`.
   */
  write(data: Data): void {
    this.#transport.write(data);
  }

  /** Writes each item of `chunks`. */
  writelines(chunks: Iterable<Data>): void {
    this.#transport.writelines(chunks);
  }

  /** Sends end of file after the buffered data (reading goes on). */
  writeEof(): void {
    this.#transport.writeEof();
  }

  /** Whether `writeEof()` is supported (not over TLS). */
  canWriteEof(): boolean {
    return this.#transport.canWriteEof();
  }

  /** Closes the connection once the buffer is flushed; `waitClosed()` waits for the end. */
  close(): void {
    this.#transport.close();
  }

  /** Whether the connection is closed or closing. */
  isClosing(): boolean {
    return this.#transport.isClosing();
  }

  /**
   * Waits until the connection is closed.
   *
   * @throws the error that broke the connection, if one did.
   */
  async waitClosed(): Promise<void> {
    await this.#protocol._closed;
  }

  /** Information about the connection (see `Transport.getExtraInfo`). */
  getExtraInfo<K extends keyof ExtraInfo>(name: K): ExtraInfo[K] | undefined;
  getExtraInfo<K extends keyof ExtraInfo, V>(name: K, defaultValue: V): ExtraInfo[K] | V;
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return this.#transport.getExtraInfo(name, defaultValue);
  }

  /**
   * Waits until the write buffer is down to its low-water mark (returns at once when it is not
   * over the high-water mark). A cancellation point.
   *
   * @throws the reader's error, or `ConnectionResetError` once the connection is lost.
   */
  drain(): Promise<void> {
    const reader = this.#reader;
    if (reader !== null) {
      const error = reader.exception();
      if (error !== null) return Promise.reject(error);
    }
    if (this.#transport.isClosing()) return this.#drainClosing();
    // The common case, nothing to wait for, costs no async frame.
    return this.#protocol._drainHelper() ?? DRAINED;
  }

  /** `drain()` on a closing connection: let `connectionLost()` run first, then drain. */
  async #drainClosing(): Promise<void> {
    // So that write(); drain() in a loop sees a lost connection.
    await sleep(0);
    // asyncio calls connectionLost() one iteration after close() of an empty buffer; Node
    // reports the socket closed a few turns later: wait for it (bounded: nothing to flush).
    const closed = this.#protocol._closed;
    if (closed._state === PENDING && this.#transport.getWriteBufferSize() === 0) {
      const lost = createLoopFuture<void>(this.#loop);
      closed.addDoneCallback(() => {
        if (lost._state === PENDING) lost._resolve(undefined);
      });
      await lost;
    }
    await this.#protocol._drainHelper();
  }

  /**
   * Upgrades the connection to TLS (STARTTLS): client side for a connection from
   * `openConnection()` (`ssl`: `true`, Node's TLS options or a `tls.SecureContext`), server
   * side in a `startServer()` handler (`ssl`: TLS options with `key` and `cert`, or a
   * `tls.SecureContext`). Data that arrived in plain text before stay in the reader.
   *
   * @throws ConnectionAbortedError when the handshake times out; the TLS errors of a failed
   *   handshake.
   */
  async startTls(ssl: SSLOption | SSLServerOption, options: StartTlsOptions = {}): Promise<void> {
    requireOptions(options, "startTls() options");
    await this.drain();
    this.#transport = await startTls(this.#loop, this.#transport, this.#protocol, ssl, {
      ...options,
      serverSide: this.#protocol._serverSide,
    });
    this.#protocol._upgraded();
  }

  /** `await using`: closes the connection and waits for it (errors of the end ignored). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    try {
      await this.waitClosed();
    } catch {
      // The connection broke: nothing left to close.
    }
  }

  toString(): string {
    const info = [`StreamWriter transport=${String(this.#transport)}`];
    if (this.#reader !== null) info.push(`reader=${String(this.#reader)}`);
    return `<${info.join(" ")}>`;
  }
}
inspectAsToString(StreamWriter);
