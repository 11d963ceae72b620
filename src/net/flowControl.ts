/**
 * `FlowControl`, as asyncio's `FlowControlMixin` (`Lib/asyncio/streams.py`): the write
 * flow control a `StreamWriter` waits on in `drain()`, and the Future `waitClosed()` awaits. The
 * protocol of a connection's streams extends it, and so does the protocol of a subprocess (for its
 * stdin).
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

/** @internal See the file comment. */
export class FlowControl {
  protected readonly loop: EventLoop;
  /** What `waitClosed()` awaits, made on its first call. */
  #closed: Future<void> | null = null;
  #paused = false;
  #connectionLost = false;
  #lostError: Error | null = null;
  /** Where `drain()` waits; made at the first pause of writing. */
  #drainLot: ParkingLot | null = null;

  constructor(loop: EventLoop) {
    this.loop = loop;
  }

  /** @internal Whether `StreamWriter.startTls()` upgrades the server side. */
  get _serverSide(): boolean {
    return false;
  }

  /** @internal After `startTls`: the connection now runs over TLS. */
  _upgraded(): void {}

  pauseWriting(): void {
    this.#paused = true;
  }

  resumeWriting(): void {
    this.#paused = false;
    this.#drainLot?.unparkAll();
  }

  connectionLost(error: Error | null): void {
    const closed = this.#closed;
    if (closed !== null) settleClosed(closed, error);
    this.#connectionLost = true;
    this.#lostError = error;
    if (this.#paused) this.#drainLot?.unparkAll();
  }

  /** @internal The Future `waitClosed()` awaits (settled once the connection is lost). */
  get _closed(): Future<void> {
    if (this.#closed === null) {
      this.#closed = createLoopFuture<void>(this.loop);
      if (this.#connectionLost) settleClosed(this.#closed, this.#lostError);
    }
    return this.#closed;
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

function rethrow(error: unknown): never {
  throw error;
}
