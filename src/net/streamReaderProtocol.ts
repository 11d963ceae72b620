/**
 * @internal `StreamReaderProtocol`, as asyncio's (`Lib/asyncio/streams.py`): the protocol behind
 * every pair of streams. It feeds the `StreamReader`, keeps the write flow control
 * `StreamWriter.drain()` waits on (asyncio's `FlowControlMixin`), and, on a server, runs the
 * connection handler as a task.
 *
 * Invariants: tasks in `drain()` are parked on `#drainLot` only while writing is paused and the
 * connection is not lost; `resumeWriting` and `connectionLost` wake them all. The Future
 * `waitClosed()` awaits is made on the first call (most connections never have one); it settles
 * once, at `connectionLost`, with the error that broke the connection (retrieved at once, so it
 * is never reported as unretrieved: `waitClosed()` still throws it).
 */

import { createLoopFuture, type Future, PENDING } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { ConnectionResetError } from "../core/osErrors.js";
import { ParkingLot } from "../core/parkingLot.js";
import { isPromiseLike } from "../core/validate.js";
import type { StreamProtocolLike } from "./socketTransport.js";
import type { StreamReader } from "./streamReader.js";
import { StreamWriter } from "./streamWriter.js";
import type { Transport } from "./transport.js";

/** What a stream server runs for each connection. */
export type ClientConnectedCallback = (
  reader: StreamReader,
  writer: StreamWriter,
) => void | PromiseLike<void>;

/** @internal See the file comment. */
export class StreamReaderProtocol implements StreamProtocolLike {
  readonly #loop: EventLoop;
  #reader: StreamReader | null;
  readonly #clientConnected: ClientConnectedCallback | null;
  /** What `waitClosed()` awaits, made on its first call. */
  #closed: Future<void> | null = null;
  #paused = false;
  #connectionLost = false;
  #lostError: Error | null = null;
  /** Where `drain()` waits; made at the first pause of writing. */
  #drainLot: ParkingLot | null = null;
  #overTls = false;

  constructor(
    loop: EventLoop,
    reader: StreamReader,
    clientConnected: ClientConnectedCallback | null = null,
  ) {
    this.#loop = loop;
    this.#reader = reader;
    this.#clientConnected = clientConnected;
  }

  /** @internal Whether this is a server-side connection (so `startTls` is server-side). */
  get _serverSide(): boolean {
    return this.#clientConnected !== null;
  }

  connectionMade(transport: Transport): void {
    this.#overTls = transport.getExtraInfo("cipher") !== undefined;
    const reader = this.#reader;
    if (reader !== null) reader._setTransport(transport);
    const handler = this.#clientConnected;
    if (handler === null || reader === null) return;
    const writer = new StreamWriter(transport, this, reader, this.#loop);
    const task = this.#loop.createTask(() => runHandler(handler, reader, writer));
    task.addDoneCallback(() => {
      if (task.cancelled()) {
        transport.close();
        return;
      }
      const error = task.exception();
      if (error !== null) {
        this.#loop.callExceptionHandler({
          message: "Unhandled exception in client_connected_cb",
          exception: error,
          transport,
        });
        transport.close();
      }
    });
  }

  connectionLost(error: Error | null): void {
    const reader = this.#reader;
    if (reader !== null) {
      if (error === null) reader.feedEof();
      else reader.setException(error);
    }
    const closed = this.#closed;
    if (closed !== null) settleClosed(closed, error);
    this.#connectionLost = true;
    this.#lostError = error;
    if (this.#paused) this.#drainLot?.unparkAll();
    this.#reader = null;
  }

  dataReceived(data: Buffer): void {
    this.#reader?._feedOwned(data);
  }

  eofReceived(): boolean {
    this.#reader?.feedEof();
    // Over TLS, end of file closes the connection (a TLS stream cannot stay half-open).
    return !this.#overTls;
  }

  pauseWriting(): void {
    this.#paused = true;
  }

  resumeWriting(): void {
    this.#paused = false;
    this.#drainLot?.unparkAll();
  }

  /** @internal The Future `waitClosed()` awaits (settled once the connection is lost). */
  get _closed(): Future<void> {
    if (this.#closed === null) {
      this.#closed = createLoopFuture<void>(this.#loop);
      if (this.#connectionLost) settleClosed(this.#closed, this.#lostError);
    }
    return this.#closed;
  }

  /** @internal After `startTls`: the connection now runs over TLS. */
  _upgraded(): void {
    this.#overTls = true;
  }

  /** @internal asyncio's `_drain_helper`: waits while writing is paused. */
  _drainHelper(): Promise<void> | undefined {
    if (this.#connectionLost) {
      return Promise.reject(new ConnectionResetError("Connection lost"));
    }
    if (!this.#paused) return undefined;
    this.#drainLot ??= new ParkingLot(this);
    return this.#drainLot.park("StreamWriter.drain()", () => this.#afterDrainWait(), rethrow);
  }

  #afterDrainWait(): void {
    const error = this.#lostError;
    if (error !== null) throw error;
  }
}

function settleClosed(closed: Future<void>, error: Error | null): void {
  if (closed._state !== PENDING) return;
  if (error === null) {
    closed._resolve(undefined);
  } else {
    closed._reject(error);
    closed.exception();
  }
}

/** Runs a connection's handler: a function that returns nothing counts as done. */
function runHandler(
  handler: ClientConnectedCallback,
  reader: StreamReader,
  writer: StreamWriter,
): PromiseLike<void> {
  const result = handler(reader, writer);
  return isPromiseLike(result) ? result : Promise.resolve();
}

function rethrow(error: unknown): never {
  throw error;
}
