/**
 * The stream functions, as asyncio's (`Lib/asyncio/streams.py`): a connection as a
 * `[StreamReader, StreamWriter]` pair, and servers that run a handler per connection. They are
 * the high-level face of `loop.createConnection()`/`loop.createServer()`, on the same sockets.
 */
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { requireFunction, requireOptions } from "../core/validate.js";
import {
  type CreateConnectionOptions,
  type CreateUnixConnectionOptions,
  createConnection,
  createUnixConnection,
} from "./createConnection.js";
import {
  type CreateServerOptions,
  type CreateUnixServerOptions,
  createServer,
  createUnixServer,
} from "./createServer.js";
import type { Server } from "./server.js";
import { StreamReader } from "./streamReader.js";
import { type ClientConnectedCallback, StreamReaderProtocol } from "./streamReaderProtocol.js";
import { StreamWriter } from "./streamWriter.js";
import type { Transport } from "./transport.js";

/** The buffer limit of the readers (default 64 KiB), on top of the connection options. */
interface StreamLimit {
  /** The reader's limit in bytes (see `StreamReaderOptions.limit`). */
  readonly limit?: number;
}

/** Options of `openConnection()`. */
export interface OpenConnectionOptions extends CreateConnectionOptions, StreamLimit {}
/** Options of `openUnixConnection()`. */
export interface OpenUnixConnectionOptions extends CreateUnixConnectionOptions, StreamLimit {}
/** Options of `startServer()`. */
export interface StartServerOptions extends CreateServerOptions, StreamLimit {}
/** Options of `startUnixServer()`. */
export interface StartUnixServerOptions extends CreateUnixServerOptions, StreamLimit {}

/**
 * Connects to `host:port` and returns the connection's reader and writer.
 *
 * @throws ConnectionRefusedError (and the other `OSError`s) when the connection fails; TLS
 *   errors with `ssl`.
 * @example
 * const [reader, writer] = await asyncio.openConnection("127.0.0.1", 8888);
 * writer.write("hello\n");
 * console.log((await reader.readline()).toString());
 * writer.close();
 * await writer.waitClosed();
 */
export async function openConnection(
  host: string | null,
  port: number | string | null,
  options: OpenConnectionOptions = {},
): Promise<[StreamReader, StreamWriter]> {
  requireOptions(options, "openConnection() options");
  const { limit, ...connectionOptions } = options;
  return openStreams(limit, (loop, factory) =>
    createConnection(loop, factory, host, port, connectionOptions),
  );
}

/**
 * Connects to the Unix socket at `path` and returns the connection's reader and writer.
 *
 * @example
 * const [reader, writer] = await asyncio.openUnixConnection("/tmp/app.sock");
 */
export async function openUnixConnection(
  path: string | null,
  options: OpenUnixConnectionOptions = {},
): Promise<[StreamReader, StreamWriter]> {
  requireOptions(options, "openUnixConnection() options");
  const { limit, ...connectionOptions } = options;
  return openStreams(limit, (loop, factory) =>
    createUnixConnection(loop, factory, path, connectionOptions),
  );
}

/** The reader and writer of a connection `connect` makes for a stream protocol. */
async function openStreams(
  limit: number | undefined,
  connect: (
    loop: EventLoop,
    factory: () => StreamReaderProtocol,
  ) => Promise<[Transport, StreamReaderProtocol]>,
): Promise<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const reader = new StreamReader(limit === undefined ? {} : { limit });
  const protocol = new StreamReaderProtocol(loop, reader);
  const [transport] = await connect(loop, () => protocol);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/**
 * Listens on `host:port` and runs `handler(reader, writer)` as a task for each connection. A
 * handler that throws is reported to the loop's exception handler and its connection closed.
 * `host` null listens on every interface; port 0 picks a free port (see `server.sockets`).
 *
 * @example
 * const server = await asyncio.startServer(async (reader, writer) => {
 *   const line = await reader.readline();
 *   writer.write(line);
 *   await writer.drain();
 *   writer.close();
 * }, "127.0.0.1", 8888);
 * await server.serveForever();
 */
export async function startServer(
  handler: ClientConnectedCallback,
  host: string | readonly string[] | null,
  port: number | string | null,
  options: StartServerOptions = {},
): Promise<Server> {
  requireFunction(handler, "startServer() handler");
  requireOptions(options, "startServer() options");
  const loop = getRunningLoop();
  const { limit, ...serverOptions } = options;
  const factory = streamProtocolFactory(loop, handler, limit);
  return createServer(loop, factory, host, port, serverOptions);
}

/**
 * Listens on the Unix socket at `path` (a stale socket file is replaced) and runs
 * `handler(reader, writer)` as a task for each connection.
 *
 * @example
 * const server = await asyncio.startUnixServer(handle, "/tmp/app.sock");
 */
export async function startUnixServer(
  handler: ClientConnectedCallback,
  path: string,
  options: StartUnixServerOptions = {},
): Promise<Server> {
  requireFunction(handler, "startUnixServer() handler");
  requireOptions(options, "startUnixServer() options");
  const loop = getRunningLoop();
  const { limit, ...serverOptions } = options;
  const factory = streamProtocolFactory(loop, handler, limit);
  return createUnixServer(loop, factory, path, serverOptions);
}

function streamProtocolFactory(
  loop: EventLoop,
  handler: ClientConnectedCallback,
  limit: number | undefined,
): () => StreamReaderProtocol {
  // Check the limit now, not at the first connection.
  new StreamReader(limit === undefined ? {} : { limit });
  return () =>
    new StreamReaderProtocol(loop, new StreamReader(limit === undefined ? {} : { limit }), handler);
}
