/**
 * @internal `StreamReaderProtocol`, as asyncio's (`Lib/asyncio/streams.py`): the protocol behind
 * every pair of streams. It feeds the `StreamReader`, keeps the write flow control
 * `StreamWriter.drain()` waits on (asyncio's `FlowControlMixin`), and, on a server, runs the
 * connection handler as a task. The protocol is itself what the loop runs when that task ends
 * (a `Runnable` among the task's callbacks): a connection costs no closure nor Handle for it.
 */
import type { EventLoop } from "../core/loop.js";
import type { Runnable } from "../core/runnable.js";
import type { Task } from "../core/task.js";
import { isPromiseLike } from "../core/validate.js";
import { FlowControl } from "./flowControl.js";
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
export class StreamReaderProtocol extends FlowControl implements StreamProtocolLike, Runnable {
  #reader: StreamReader | null;
  readonly #clientConnected: ClientConnectedCallback | null;
  #overTls = false;
  /** On a server, the task running the handler, and the connection it was given. */
  #handlerTask: Task<void> | null = null;
  #transport: Transport | null = null;

  constructor(
    loop: EventLoop,
    reader: StreamReader,
    clientConnected: ClientConnectedCallback | null = null,
  ) {
    super(loop);
    this.#reader = reader;
    this.#clientConnected = clientConnected;
  }

  /** @internal Whether this is a server-side connection (so `startTls` is server-side). */
  override get _serverSide(): boolean {
    return this.#clientConnected !== null;
  }

  connectionMade(transport: Transport): void {
    this.#overTls = transport.getExtraInfo("cipher") !== undefined;
    const reader = this.#reader;
    if (reader !== null) reader._setTransport(transport);
    const handler = this.#clientConnected;
    if (handler === null || reader === null) return;
    const writer = new StreamWriter(transport, this, reader, this.loop);
    const task = this.loop.createTask(() => runHandler(handler, reader, writer));
    this.#handlerTask = task;
    this.#transport = transport;
    if (task.done()) this.loop._schedule(this);
    else task._addCallback(this);
  }

  /**
   * @internal The handler's task ended (a loop callback): a handler cancelled, or one that
   * threw, closes its connection; the error goes to the loop's exception handler.
   */
  _run(): void {
    const task = this.#handlerTask as Task<void>;
    const transport = this.#transport as Transport;
    this.#handlerTask = null;
    this.#transport = null;
    if (task.cancelled()) {
      transport.close();
      return;
    }
    const error = task.exception();
    if (error !== null) {
      this.loop.callExceptionHandler({
        message: "Unhandled exception in client_connected_cb",
        exception: error,
        transport,
      });
      transport.close();
    }
  }

  override connectionLost(error: Error | null): void {
    const reader = this.#reader;
    if (reader !== null) {
      if (error === null) reader.feedEof();
      else reader.setException(error);
    }
    super.connectionLost(error);
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

  /** @internal After `startTls`: the connection now runs over TLS. */
  override _upgraded(): void {
    this.#overTls = true;
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
