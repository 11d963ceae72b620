/**
 * `Server`, as asyncio's (`Lib/asyncio/base_events.py`): the listening sockets of
 * `startServer()`/`loop.createServer()` and the connections they accepted.
 *
 * Invariants (CPython 3.13): `close()` stops listening at once, open connections go on;
 * `waitClosed()` ends once the server is closed and its last connection is lost; a connection
 * counts from its transport's creation to its `connectionLost`. A listening server holds the
 * loop (an `"outside"` in-flight hold, released by `close()`), and is closed if its loop closes
 * first.
 */
import type { Server as NetServer, Socket } from "node:net";
import { inspectAsToString } from "../core/display.js";
import { RuntimeError } from "../core/errors.js";
import { createLoopFuture, type Future, PENDING } from "../core/future.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { sleep } from "../core/sleep.js";
import { resourceClosed, watchIfDebug } from "../debug/resourceWarnings.js";
import { trackOnLoop, untrackOnLoop } from "./loopResources.js";
import { describeAddress, type SocketTransport } from "./socketTransport.js";
import { TransportSocket, toSocketAddress } from "./transportSocket.js";

/** @internal What a server does with an accepted socket (make its transport). */
export type AcceptConnection = (server: Server, socket: Socket) => void;

/**
 * @internal How a server is made: its listeners (already listening, events off until serving
 * starts) and what it does with each accepted socket. `connectionEvent` is the listeners'
 * event for a ready connection (`"connection"`, or `"secureConnection"` for TLS).
 */
export interface ServerSetup {
  readonly listeners: readonly NetServer[];
  readonly accept: AcceptConnection;
  readonly connectionEvent: string;
  /** Sockets the listeners accepted before the server existed (handed over at serving). */
  readonly accepted: Socket[];
  /** Runs once the listeners are closed (removes a Unix socket file). */
  readonly onClosed?: () => void;
}

/**
 * A listening server: the result of `startServer()`, `startUnixServer()`,
 * `loop.createServer()` and `loop.createUnixServer()`.
 *
 * @example
 * await using server = await asyncio.startServer(handle, "127.0.0.1", 8888);
 * console.log("serving on", server.sockets[0].getsockname());
 * await server.serveForever();
 */
export class Server implements AsyncDisposable {
  readonly #loop: EventLoop;
  #listeners: readonly NetServer[] | null;
  readonly #setup: ServerSetup;
  readonly #clients = new Set<SocketTransport>();
  #activeCount = 0;
  #waiters: Future<void>[] | null = [];
  #serving = false;
  #servingForever: Future<void> | null = null;
  /** Sockets accepted before serving started, handed over when it starts. */
  #pending: Socket[];
  #hold: InFlight | null;
  readonly #onConnection = (socket: Socket): void => {
    if (this.#serving) this.#setup.accept(this, socket);
    else this.#pending.push(socket);
  };

  /** @internal Made by `loop.createServer()` and friends. */
  constructor(loop: EventLoop, setup: ServerSetup) {
    this.#loop = loop;
    this.#setup = setup;
    this.#listeners = setup.listeners;
    this.#pending = setup.accepted;
    this.#hold = loop.inFlight(`server ${this.#describe()}`, { kind: "outside" });
    trackOnLoop(loop, this);
    watchIfDebug(loop, this, "Server");
    for (const listener of setup.listeners) {
      // Take over from the listener that kept the early connections in `accepted`.
      listener.removeAllListeners(setup.connectionEvent);
      listener.on(setup.connectionEvent, this.#onConnection);
    }
  }

  /** The loop the server runs on. */
  getLoop(): EventLoop {
    return this.#loop;
  }

  /** Whether the server accepts connections. */
  isServing(): boolean {
    return this.#serving;
  }

  /** The listening sockets (an empty array once closed). */
  get sockets(): TransportSocket[] {
    return (this.#listeners ?? []).map(
      (server) => new TransportSocket({ kind: "listener", server }),
    );
  }

  /**
   * Starts accepting connections (a server made with `startServing: false`). Does nothing if
   * it already does.
   *
   * @throws RuntimeError if the server is closed.
   */
  async startServing(): Promise<void> {
    this._startServing();
    await sleep(0);
  }

  /**
   * Accepts connections until the task is cancelled, then closes the server and waits for it
   * to be closed.
   *
   * @throws RuntimeError if the server is closed, or if another task already awaits
   *   `serveForever()`.
   */
  async serveForever(): Promise<void> {
    if (this.#servingForever !== null) {
      throw new RuntimeError(`server ${this} is already being awaited on serveForever()`);
    }
    this._startServing();
    const forever = createLoopFuture<void>(this.#loop);
    this.#servingForever = forever;
    try {
      await forever;
    } catch (error) {
      this.close();
      await this.waitClosed();
      throw error;
    } finally {
      if (this.#servingForever === forever) this.#servingForever = null;
    }
  }

  /**
   * Stops listening. Connections already accepted stay open (see `closeClients()`); later
   * calls do nothing.
   */
  close(): void {
    const listeners = this.#listeners;
    if (listeners === null) return;
    this.#listeners = null;
    this.#serving = false;
    let open = listeners.length;
    const onClosed = this.#setup.onClosed;
    for (const listener of listeners) {
      listener.off(this.#setup.connectionEvent, this.#onConnection);
      listener.close(() => {
        if (--open === 0) onClosed?.();
      });
    }
    for (const socket of this.#pending) socket.destroy();
    this.#pending = [];
    this.#hold?.release();
    this.#hold = null;
    untrackOnLoop(this.#loop, this);
    resourceClosed(this);
    const forever = this.#servingForever;
    if (forever !== null && forever._state === PENDING) {
      forever.cancel();
      this.#servingForever = null;
    }
    if (this.#activeCount === 0) this.#wakeup();
  }

  /** Closes every connection the server accepted (each flushes its buffer first). */
  closeClients(): void {
    for (const transport of [...this.#clients]) transport.close();
  }

  /** Aborts every connection the server accepted, dropping their buffers. */
  abortClients(): void {
    for (const transport of [...this.#clients]) transport.abort();
  }

  /**
   * Waits until the server is closed and all its connections are lost; returns at once if
   * that already happened.
   */
  async waitClosed(): Promise<void> {
    const waiters = this.#waiters;
    if (waiters === null) return;
    const waiter = createLoopFuture<void>(this.#loop);
    waiters.push(waiter);
    await waiter;
  }

  /** `await using`: closes the server and waits for it (`close()`, then `waitClosed()`). */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.waitClosed();
  }

  toString(): string {
    return `<Server sockets=(${this.#describe()})>`;
  }

  /** @internal The loop closes with the server left open: a ResourceWarning. */
  _unclosedWarning(): string {
    return `unclosed Server ${this}`;
  }

  /** @internal The loop closes with the server open: close it and drop its connections. */
  _closeWithLoop(): void {
    this.close();
    this.abortClients();
  }

  /** @internal Starts accepting (asyncio's `_start_serving`). */
  _startServing(): void {
    if (this.#listeners === null) throw new RuntimeError(`server ${this} is closed`);
    if (this.#serving) return;
    this.#serving = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const socket of pending) this.#setup.accept(this, socket);
  }

  /** @internal A connection of this server started. */
  _attach(transport: SocketTransport): void {
    this.#activeCount++;
    this.#clients.add(transport);
  }

  /** @internal A connection of this server was lost. */
  _detach(transport: SocketTransport): void {
    if (!this.#clients.delete(transport)) return;
    this.#activeCount--;
    if (this.#activeCount === 0 && this.#listeners === null) this.#wakeup();
  }

  #wakeup(): void {
    const waiters = this.#waiters;
    this.#waiters = null;
    for (const waiter of waiters ?? []) {
      if (waiter._state === PENDING) waiter._resolve(undefined);
    }
  }

  #describe(): string {
    return (this.#listeners ?? [])
      .map((server) => describeAddress(toSocketAddress(server.address())))
      .join(", ");
  }
}
inspectAsToString(Server);
