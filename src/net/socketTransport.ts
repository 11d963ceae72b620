/**
 * @internal `SocketTransport`: the one socket layer. Every stream connection — TCP, TLS, Unix,
 * client or accepted, used through a protocol or through streams — is a `net.Socket` (a
 * `tls.TLSSocket` is one) driven by this class, which gives it asyncio's selector-transport
 * behaviour (`Lib/asyncio/selector_events.py`, `_SelectorSocketTransport`). A child process's
 * pipes are `net.Socket`s too, and are driven the same way (asyncio's pipe transports,
 * `Lib/asyncio/unix_events.py`): a read pipe ends with `eofReceived` then `connectionLost`, a
 * write pipe reports a reader gone as a `BrokenPipeError`.
 *
 * Invariants:
 * - The protocol sees `connectionMade` once, then data, then at most one `eofReceived`, then
 *   `connectionLost` once; `connectionMade` and `connectionLost` run as loop callbacks, so a
 *   Future resolved by `connectionMade` is resolved before the task awaiting the connection
 *   resumes. Node is asked for data only once `connectionMade` ran (the socket is not flowing
 *   before), so no data can overtake it.
 * - A pipe's socket is listened to from the start (Node resumes a child's pipes when the child
 *   exits, whoever listens): data and end of file that come before `connectionMade` or while
 *   reading is paused are held, and delivered, in order, once reading starts or resumes — even
 *   if the socket closed meanwhile, in which case `connectionLost` waits for them and the
 *   transport is not closing until then (reading still pauses and resumes). Only this side's
 *   `close()`/`abort()`, a socket error or a fatal error stops the delivery.
 * - Protocol callbacks run in the loop's scope (not in the scope of the task that opened the
 *   connection): the socket is created inside `scopeStorage.run(loop, …)`, so its events carry
 *   that scope, as asyncio runs protocol callbacks as loop callbacks.
 * - The write buffer is Node's (`socket.writableLength`); the protocol is paused once it holds
 *   more than the high-water mark and resumed once a flush brings it to the low-water mark or
 *   below. Each write passes the same flush callback, which Node calls after the bytes left.
 * - While the connection is open it holds the loop (an `"outside"` in-flight hold, released when
 *   `connectionLost` is called), and it is aborted if its loop closes first: a forgotten
 *   connection never keeps Node alive after `run()` returns.
 * - After `close()`/`abort()`/a fatal error, data that arrive are dropped and writes are
 *   counted and dropped (a warning after five, as asyncio).
 */
import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import { RuntimeError, TimeoutError } from "../core/errors.js";
import type { DescribedHolder, InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { OSError } from "../core/osErrors.js";
import { describeValue, requireInteger } from "../core/validate.js";
import { resourceClosed, watchIfDebug } from "../debug/resourceWarnings.js";
import { fromTlsError } from "./errors.js";
import { type LoopResource, trackOnLoop, untrackOnLoop } from "./loopResources.js";
import type { BaseProtocol } from "./protocols.js";
import { shutdownTimeoutOf } from "./tls.js";
import type { Data, ExtraInfo, SocketAddress, Transport } from "./transport.js";
import { TransportSocket } from "./transportSocket.js";

/** Writes after the connection was lost that are dropped quietly before a warning. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
/** asyncio's default high-water mark of a write buffer. */
const DEFAULT_HIGH_WATER = 64 * 1024;

/** A stream protocol as transports call it: every method optional. */
export interface StreamProtocolLike {
  connectionMade?(transport: Transport): void;
  connectionLost?(error: Error | null): void;
  pauseWriting?(): void;
  resumeWriting?(): void;
  dataReceived?(data: Buffer): void;
  eofReceived?(): unknown;
  getBuffer?(sizeHint: number): Uint8Array;
  bufferUpdated?(nbytes: number): void;
}

/** What a transport tells the server that accepted it (asyncio's `Server._attach/_detach`). */
export interface TransportOwner {
  /** @internal A connection of the owner started. */
  _attach(transport: SocketTransport): void;
  /** @internal A connection of the owner was lost. */
  _detach(transport: SocketTransport): void;
}

/** @internal How a transport is made. */
export interface SocketTransportOptions {
  /** The server that accepted the connection, if any. */
  readonly server?: TransportOwner | null;
  /** The path of a Unix socket (its peer and local names). */
  readonly path?: string | null;
  /** For a child process's pipe, what it is (`"stdin of process 4242"`). */
  readonly pipe?: string | null;
}

const transportOf = Symbol("asyncio-ts transport");
type DrivenSocket = Socket & { [transportOf]?: SocketTransport };

/** Keeps a socket's errors from being thrown until its transport listens (see below). */
function ignoreErrorUntilDriven(): void {}

/**
 * Swaps `listener`, which waited for a connect or a handshake, for one that keeps nothing
 * alive: the socket's errors must not be thrown (an 'error' event nobody listens to is) until
 * a transport takes the socket over, which reads what happened meanwhile from `socket.errored`.
 */
export function holdErrorsForTransport(socket: Socket, listener: (error: Error) => void): void {
  socket.on("error", ignoreErrorUntilDriven);
  socket.off("error", listener);
}

/** @internal Checks that `data` is what `write()` takes: a `Uint8Array` or a string (UTF-8). */
export function requireData(data: unknown, method: string): asserts data is Data {
  if (typeof data !== "string" && !(data instanceof Uint8Array)) {
    throw new TypeError(
      `${method} data must be a Uint8Array (a Buffer is one) or a string, got ${describeValue(data)}`,
    );
  }
}

/** @internal A stream connection driven for a protocol (see the file comment). */
export class SocketTransport implements Transport, LoopResource, DescribedHolder {
  readonly #loop: EventLoop;
  #socket: DrivenSocket;
  #protocol: StreamProtocolLike;
  readonly #server: TransportOwner | null;
  readonly #path: string | null;
  readonly #pipe: string | null;
  readonly #hold: InFlight;
  #started = false;
  #closing = false;
  /** `close()`, `abort()` or a fatal error: data are no longer delivered. */
  #stopped = false;
  /**
   * The socket closed while data were held: `connectionLost` follows their delivery, and the
   * transport is not closing until then.
   */
  #lostWaits = false;
  /** Reading paused by `pauseReading()`. */
  #paused = false;
  /** `writeEof()` was called. */
  #eof = false;
  /** asyncio's `_conn_lost`: > 0 once the connection is lost or closing; counts later writes. */
  #connLost = 0;
  #lostCalled = false;
  /** The error that broke the connection, passed to `connectionLost`. */
  #error: Error | null = null;
  #protocolPaused = false;
  #high = DEFAULT_HIGH_WATER;
  #low = DEFAULT_HIGH_WATER / 4;
  /** The flush callback, made on first use (most connections never need one). */
  #flushCallback: (() => void) | null = null;
  /** The socket's 'drain' event calls `#afterFlush` (attached at the first pause). */
  #drainListened = false;
  readonly #peername: SocketAddress;
  readonly #sockname: SocketAddress;
  /** Over TLS, the timer that aborts a close which does not flush in time. */
  #shutdownTimer: { cancel(): void } | null = null;
  /** Whether the socket's 'data' and 'end' events reach this transport. */
  #reading = false;
  /** Data that came while reading was paused or not started yet (see the file comment). */
  #held: Buffer[] | null = null;
  /** End of file came while data were held, or reading was paused or not started. */
  #endHeld = false;

  /**
   * Takes over `socket` (connected, flowing not started) for `protocol`; `connectionMade` is
   * called soon, as a loop callback.
   */
  constructor(
    loop: EventLoop,
    socket: Socket,
    protocol: StreamProtocolLike,
    options: SocketTransportOptions = {},
  ) {
    this.#loop = loop;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#server = options.server ?? null;
    this.#path = options.path ?? null;
    this.#pipe = options.pipe ?? null;
    this.#peername = this.#path ?? peernameOf(socket);
    this.#sockname = this.#path ?? socknameOf(socket);
    this.#hold = loop._inFlight(this, "outside");
    trackOnLoop(loop, this);
    // A subprocess's pipes are reported as part of its transport.
    if (this.#pipe === null) watchIfDebug(loop, this, "transport");
    this.#server?._attach(this);
    if (this.#path === null && !socket.destroyed) socket.setNoDelay(true);
    this.#listen(socket);
    if (this.#pipe !== null) this.#listenToData(socket);
    loop.callSoon(connectionMadeOf, this);
    this.#catchUp(socket);
  }

  /** @internal What the connection is, for its hold. */
  _holdDescription(): string {
    return this.#pipe === null
      ? `connection ${describeAddress(this.#peername)}`
      : `pipe ${this.#pipe}`;
  }

  /** Checks whether a flush resumed the protocol; passed to writes and the 'drain' event. */
  get #afterFlush(): () => void {
    this.#flushCallback ??= () => this.#onFlushed();
    return this.#flushCallback;
  }

  /** @internal The loop closes with the connection left open: asyncio's ResourceWarning. */
  _unclosedWarning(): string | null {
    return this.#closing || this.#pipe !== null ? null : `unclosed transport ${this}`;
  }

  /** @internal The loop closes with the connection open: abort it. */
  _closeWithLoop(): void {
    this.abort();
  }

  getExtraInfo<K extends keyof ExtraInfo>(name: K): ExtraInfo[K] | undefined;
  getExtraInfo<K extends keyof ExtraInfo, V>(name: K, defaultValue: V): ExtraInfo[K] | V;
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    if (typeof name !== "string") {
      throw new TypeError(`getExtraInfo() name must be a string, got ${describeValue(name)}`);
    }
    const socket = this.#socket;
    if (this.#pipe !== null) return defaultValue;
    switch (name) {
      case "peername":
        return this.#peername === "" ? defaultValue : this.#peername;
      case "sockname":
        return this.#sockname === "" ? defaultValue : this.#sockname;
      case "socket":
        return new TransportSocket({ kind: "stream", socket, path: this.#path });
    }
    if (socket instanceof TLSSocket) {
      switch (name) {
        case "peercert": {
          const cert = socket.getPeerCertificate();
          return cert === null || Object.keys(cert).length === 0 ? null : cert;
        }
        case "cipher": {
          const cipher = socket.getCipher();
          return cipher === undefined
            ? defaultValue
            : [cipher.standardName ?? cipher.name, cipher.version, secretBits(cipher.name)];
        }
        case "compression":
          return null;
        case "sslObject":
        case "ssl_object":
          return socket;
      }
    }
    return defaultValue;
  }

  isClosing(): boolean {
    return this.#closing;
  }

  isReading(): boolean {
    return !this.#paused && !this.#closing;
  }

  pauseReading(): void {
    if (this.#closing || this.#paused) return;
    this.#paused = true;
    if (this.#started) this.#socket.pause();
  }

  resumeReading(): void {
    if (this.#closing || !this.#paused) return;
    this.#paused = false;
    if (this.#started) this.#flowAgain();
  }

  setProtocol(protocol: BaseProtocol<never>): void {
    if (protocol === null || typeof protocol !== "object") {
      throw new TypeError(`setProtocol() expects a protocol, got ${describeValue(protocol)}`);
    }
    this.#protocol = protocol as StreamProtocolLike;
  }

  getProtocol(): BaseProtocol<never> {
    return this.#protocol as BaseProtocol<never>;
  }

  write(data: Data): void {
    requireData(data, "write()");
    if (this.#eof) throw new RuntimeError("Cannot call write() after writeEof()");
    if (data.length === 0) return;
    if (this.#connLost > 0) {
      if (this.#connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        process.emitWarning("socket.send() raised exception.", "RuntimeWarning");
      }
      this.#connLost++;
      return;
    }
    const socket = this.#socket;
    // A string goes as it is: Node encodes it into the write request, sparing a Buffer. The
    // flush callback is what resumes a paused protocol at the low-water mark; Node schedules
    // it after every write, so it is passed only where a pause can need it: to data that queue
    // behind others, and to every write while the high-water mark is below Node's own (a
    // pause over Node's mark is ended at the latest by the 'drain' listener).
    if (socket.writableLength > 0 || this.#high < socket.writableHighWaterMark) {
      socket.write(data, this.#afterFlush);
    } else {
      socket.write(data);
    }
    if (socket.writableLength > this.#high) this.#maybePauseProtocol();
  }

  writelines(chunks: Iterable<Data>): void {
    if (
      chunks === null ||
      typeof (chunks as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(`writelines() expects an iterable of data, got ${describeValue(chunks)}`);
    }
    const socket = this.#socket;
    const corked = !this.#closing && this.#connLost === 0;
    if (corked) socket.cork();
    try {
      for (const chunk of chunks) this.write(chunk);
    } finally {
      if (corked) socket.uncork();
    }
  }

  writeEof(): void {
    if (this.#closing || this.#eof) return;
    if (!this.canWriteEof()) {
      throw new RuntimeError("writeEof() is not supported over TLS (canWriteEof() is false)");
    }
    this.#eof = true;
    this.#socket.end();
  }

  canWriteEof(): boolean {
    return !(this.#socket instanceof TLSSocket);
  }

  close(): void {
    this.#stop();
    if (this.#closing) return;
    this.#closing = true;
    resourceClosed(this);
    this.#connLost++;
    const socket = this.#socket;
    if (this.#started) socket.pause();
    // Flush what is buffered, then close; `connectionLost(null)` follows the 'close' event.
    socket.destroySoon();
    // Over TLS the flush (and close_notify) may wait on a peer that does not read: past
    // `sslShutdownTimeout` the connection is aborted, as asyncio's SSL protocol does.
    const timeout = shutdownTimeoutOf(socket);
    if (timeout !== null && !socket.destroyed && !this.#loop.isClosed()) {
      this.#shutdownTimer = this.#loop.callLater(timeout, () => {
        this.#shutdownTimer = null;
        this.#forceClose(new TimeoutError("SSL shutdown timed out"));
      });
    }
  }

  abort(): void {
    this.#forceClose(null);
  }

  getWriteBufferSize(): number {
    return this.#socket.writableLength;
  }

  getWriteBufferLimits(): [number, number] {
    return [this.#low, this.#high];
  }

  setWriteBufferLimits(high: number | null = null, low: number | null = null): void {
    if (high !== null)
      requireInteger(high, "setWriteBufferLimits() high", Number.NEGATIVE_INFINITY);
    if (low !== null) requireInteger(low, "setWriteBufferLimits() low", Number.NEGATIVE_INFINITY);
    const newHigh = high ?? (low === null ? DEFAULT_HIGH_WATER : 4 * low);
    const newLow = low ?? Math.floor(newHigh / 4);
    if (!(newHigh >= newLow && newLow >= 0)) {
      throw new RangeError(`high (${newHigh}) must be >= low (${newLow}) must be >= 0`);
    }
    this.#high = newHigh;
    this.#low = newLow;
    this.#maybePauseProtocol();
  }

  toString(): string {
    const state = this.#lostCalled ? "closed" : this.#closing ? "closing" : "open";
    const info =
      this.#pipe === null
        ? [`SocketTransport ${state}`, `peer=${describeAddress(this.#peername)}`]
        : [`PipeTransport ${state}`, this.#pipe];
    if (!this.#closing) info.push(this.#paused ? "read=paused" : "read=polling");
    const size = this.#socket.writableLength;
    if (size > 0) info.push(`write=<bufsize=${size}>`);
    return `<${info.join(" ")}>`;
  }

  /**
   * @internal Gives the connection a new socket (a `TLSSocket` wrapping the old one, for
   * `startTls`) and a new protocol; the old socket's events no longer reach this transport.
   */
  _replaceSocket(socket: Socket): void {
    this.#unlisten(this.#socket);
    this.#socket = socket;
    this.#drainListened = false;
    this.#reading = false;
    this.#listen(socket);
    if (this.#started) this.#startReading();
    this.#catchUp(socket);
  }

  /** @internal Stops driving the socket, leaving it open (asyncio's transport detach). */
  _detachSocket(): Socket {
    const socket = this.#socket;
    this.#unlisten(socket);
    if (this.#started) socket.pause();
    return socket;
  }

  /** @internal Runs `connectionMade`, then starts the flow of data (a loop callback). */
  _connectionMade(): void {
    if (this.#lostCalled) return;
    const protocol = this.#protocol;
    try {
      protocol.connectionMade?.(this);
    } catch (error) {
      this.#fatalError(error, "Fatal error: protocol.connectionMade() call failed.");
      return;
    }
    if (this.#stopped) return;
    this.#started = true;
    this.#startReading();
  }

  #startReading(): void {
    if (!this.#reading) this.#listenToData(this.#socket);
    if (this.#paused) this.#socket.pause();
    else this.#flowAgain();
  }

  #listenToData(socket: Socket): void {
    this.#reading = true;
    socket.on("data", onSocketData);
    socket.on("end", onSocketEnd);
  }

  /** Reading starts or resumes: what was held first, then the socket's flow. */
  #flowAgain(): void {
    const held = this.#held;
    while (held !== null && held.length > 0 && !this.#paused && !this.#stopped) {
      this.#deliver(held.shift() as Buffer);
    }
    if (this.#paused || this.#stopped) return;
    this.#held = null;
    if (this.#endHeld) {
      this.#endHeld = false;
      this._onEnd();
    }
    if (this.#lostWaits) {
      this.#lost();
      return;
    }
    this.#socket.resume();
  }

  /** This side stops reading: nothing more is delivered; a `connectionLost` held back follows. */
  #stop(): void {
    this.#stopped = true;
    if (this.#lostWaits) this.#lost();
  }

  /** The socket is closed and nothing held waits any more: closing, `connectionLost` next. */
  #lost(): void {
    this.#lostWaits = false;
    this.#closing = true;
    this.#loop.callSoon(connectionLostOf, this);
  }

  #listen(socket: DrivenSocket): void {
    socket[transportOf] = this;
    socket.on("error", onSocketError);
    socket.on("close", onSocketClose);
    socket.off("error", ignoreErrorUntilDriven);
  }

  /** Takes in what happened to `socket` before this transport listened to it. */
  #catchUp(socket: Socket): void {
    if (socket.errored !== null) this._onError(socket.errored);
    if (socket.closed) this._onClose();
  }

  #unlisten(socket: DrivenSocket): void {
    socket[transportOf] = undefined;
    this.#reading = false;
    socket.off("data", onSocketData);
    socket.off("end", onSocketEnd);
    socket.off("error", onSocketError);
    socket.off("close", onSocketClose);
    if (this.#flushCallback !== null) socket.off("drain", this.#flushCallback);
  }

  /** @internal Node delivered data. */
  _onData(data: Buffer): void {
    if (this.#stopped) return;
    if (!this.#started || this.#paused) {
      this.#held ??= [];
      this.#held.push(data);
      this.#socket.pause();
      return;
    }
    this.#deliver(data);
  }

  #deliver(data: Buffer): void {
    const protocol = this.#protocol;
    if (protocol.getBuffer !== undefined) {
      this.#deliverBuffered(protocol, data);
      return;
    }
    try {
      protocol.dataReceived?.(data);
    } catch (error) {
      this.#fatalError(error, "Fatal error: protocol.dataReceived() call failed.");
    }
  }

  /** Copies `data` into the protocol's buffers, as many as it takes. */
  #deliverBuffered(protocol: StreamProtocolLike, data: Buffer): void {
    let offset = 0;
    while (offset < data.length && !this.#stopped) {
      let buffer: Uint8Array;
      try {
        buffer = (protocol.getBuffer as (sizeHint: number) => Uint8Array)(data.length - offset);
        if (!(buffer instanceof Uint8Array) || buffer.length === 0) {
          throw new RuntimeError("getBuffer() returned an empty buffer");
        }
      } catch (error) {
        this.#fatalError(error, "Fatal error: protocol.getBuffer() call failed.");
        return;
      }
      const n = Math.min(buffer.length, data.length - offset);
      buffer.set(data.subarray(offset, offset + n));
      offset += n;
      try {
        protocol.bufferUpdated?.(n);
      } catch (error) {
        this.#fatalError(error, "Fatal error: protocol.bufferUpdated() call failed.");
        return;
      }
    }
  }

  /** @internal The peer sent end of file. */
  _onEnd(): void {
    if (this.#stopped) return;
    if (!this.#started || this.#paused || this.#held !== null) {
      this.#endHeld = true;
      return;
    }
    let keepOpen: unknown;
    try {
      keepOpen = this.#protocol.eofReceived?.();
    } catch (error) {
      this.#fatalError(error, "Fatal error: protocol.eofReceived() call failed.");
      return;
    }
    if (!keepOpen) this.close();
  }

  /**
   * @internal The socket failed. Node closes a plain socket next, but not a TLS one that
   * received a bad record: the error is fatal either way, so the socket is destroyed here.
   */
  _onError(error: Error): void {
    this.#error ??= fromTlsError(error) as Error;
    // asyncio's `_force_close`: no more reads (data held while paused are dropped, as the
    // kernel drops what a reset connection had not been read), and writes are dropped.
    this.#stop();
    this.#closing = true;
    this.#connLost++;
    if (!this.#socket.destroyed) this.#socket.destroy();
  }

  /** @internal The socket is closed: the connection is lost. */
  _onClose(): void {
    if (this.#connLost === 0) this.#connLost = 1;
    if (this.#loop.isClosed()) {
      this.#closing = true;
      this.#release();
      return;
    }
    if (!this.#stopped && (this.#held !== null || this.#endHeld)) {
      // The connection is not closing for the protocol until it has had what was held:
      // reading must still pause and resume (asyncio's transport reads the end of the stream
      // last, and is only then closing).
      this.#lostWaits = true;
      return;
    }
    this.#lost();
  }

  /** @internal Calls `connectionLost` (a loop callback, once). */
  _callConnectionLost(): void {
    if (this.#lostCalled) return;
    this.#lostCalled = true;
    try {
      this.#protocol.connectionLost?.(this.#error);
    } finally {
      this.#release();
    }
  }

  #release(): void {
    this.#lostCalled = true;
    resourceClosed(this);
    this.#shutdownTimer?.cancel();
    this.#shutdownTimer = null;
    this.#hold.release();
    untrackOnLoop(this.#loop, this);
    this.#server?._detach(this);
  }

  #forceClose(error: Error | null): void {
    this.#stop();
    if (this.#socket.destroyed) return;
    if (error !== null) this.#error ??= error;
    this.#closing = true;
    this.#connLost++;
    this.#socket.destroy();
  }

  /**
   * asyncio's `_fatal_error`: an OSError (a reset, a broken pipe) ends the connection quietly;
   * anything else — a protocol callback that threw — is also reported to the loop's exception
   * handler. The connection is then closed at once.
   */
  #fatalError(error: unknown, message: string): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (!(failure instanceof OSError)) {
      this.#loop.callExceptionHandler({
        message,
        exception: failure,
        transport: this,
        protocol: this.#protocol,
      });
    }
    this.#forceClose(failure);
  }

  #maybePauseProtocol(): void {
    const socket = this.#socket;
    if (this.#protocolPaused || socket.writableLength <= this.#high) return;
    this.#protocolPaused = true;
    if (!this.#drainListened) {
      this.#drainListened = true;
      socket.on("drain", this.#afterFlush);
    }
    try {
      this.#protocol.pauseWriting?.();
    } catch (error) {
      this.#reportFlowControlError(error, "protocol.pauseWriting() failed");
    }
  }

  #onFlushed(): void {
    if (!this.#protocolPaused || this.#socket.writableLength > this.#low) return;
    this.#protocolPaused = false;
    try {
      this.#protocol.resumeWriting?.();
    } catch (error) {
      this.#reportFlowControlError(error, "protocol.resumeWriting() failed");
    }
  }

  #reportFlowControlError(error: unknown, message: string): void {
    this.#loop.callExceptionHandler({
      message,
      exception: error,
      transport: this,
      protocol: this.#protocol,
    });
  }
}

function connectionMadeOf(transport: SocketTransport): void {
  transport._connectionMade();
}

function connectionLostOf(transport: SocketTransport): void {
  transport._callConnectionLost();
}

function onSocketData(this: DrivenSocket, data: Buffer): void {
  this[transportOf]?._onData(data);
}

function onSocketEnd(this: DrivenSocket): void {
  this[transportOf]?._onEnd();
}

function onSocketError(this: DrivenSocket, error: Error): void {
  this[transportOf]?._onError(error);
}

function onSocketClose(this: DrivenSocket): void {
  this[transportOf]?._onClose();
}

function peernameOf(socket: Socket): SocketAddress {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? "" : [remoteAddress, remotePort];
}

function socknameOf(socket: Socket): SocketAddress {
  const { localAddress, localPort } = socket;
  return localAddress === undefined || localPort === undefined ? "" : [localAddress, localPort];
}

/** `host:port`, `[v6]:port`, or a Unix path, for holds and `toString()`. */
export function describeAddress(address: SocketAddress | undefined): string {
  if (address === undefined || address === "") return "(unknown)";
  if (typeof address === "string") return address;
  const [host, port] = address;
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The secret bits of a cipher suite, read from its name (Node does not give them). */
function secretBits(name: string): number {
  if (/CHACHA20|AES_256|AES256/.test(name)) return 256;
  if (/AES_128|AES128/.test(name)) return 128;
  return 0;
}
