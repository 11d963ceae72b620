/**
 * `loop.createServer()` and `loop.createUnixServer()`, as asyncio's: bind and listen
 * on every address the host names (each its own listener), then accept connections for the
 * protocol factory once serving starts.
 */
import { lookup } from "node:dns/promises";
import { lstatSync, unlinkSync } from "node:fs";
import * as net from "node:net";
import { wrapOn } from "../core/awaitable.js";
import type { EventLoop } from "../core/loop.js";
import { fromNodeError, OSError } from "../core/osErrors.js";
import { scopeStorage } from "../core/scope.js";
import {
  describeValue,
  requireFunction,
  requireInteger,
  requireOptions,
} from "../core/validate.js";
import { type AddressFamily, toNodeFamily } from "./family.js";
import { toPort } from "./port.js";
import { requireReusePort } from "./reusePort.js";
import { Server } from "./server.js";
import { SocketTransport, type StreamProtocolLike } from "./socketTransport.js";
import { checkTlsServerOptions, type SSLServerOption, tlsServer } from "./tls.js";

/** Options of `loop.createUnixServer()` (and `startUnixServer()`); TCP servers take them too. */
export interface CreateUnixServerOptions {
  /** TLS: Node's `tls.TlsOptions` with `key` and `cert`, or a `tls.SecureContext`. */
  readonly ssl?: SSLServerOption | null;
  /** Seconds a TLS handshake may take (default 60); only with `ssl`. */
  readonly sslHandshakeTimeout?: number | null;
  /** Seconds a TLS close may take to flush before the connection is aborted (default 30). */
  readonly sslShutdownTimeout?: number | null;
  /** The length of the queue of connections not accepted yet (default 100). */
  readonly backlog?: number;
  /** Accept connections at once (default); `false` waits for `startServing()`/`serveForever()`. */
  readonly startServing?: boolean;
}

/** Options of `loop.createServer()` (and `startServer()`). */
export interface CreateServerOptions extends CreateUnixServerOptions {
  /** Listen only on addresses of this family (`"IPv4"`, `"IPv6"`, `AF_INET`…; 0 for any). */
  readonly family?: AddressFamily;
  /**
   * Let several processes (or servers) listen on the same port, the kernel spreading the
   * connections (Linux, Node 22.12+ or 23.1+).
   */
  readonly reusePort?: boolean;
  /** Turn TCP keep-alive on for every accepted connection. */
  readonly keepAlive?: boolean;
}

/** asyncio's default listen backlog. */
const DEFAULT_BACKLOG = 100;

/** @internal `loop.createServer()` (see `EventLoop.createServer`). */
export async function createServer(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  host: string | readonly string[] | null | undefined,
  port: number | string | null | undefined,
  options: CreateServerOptions = {},
): Promise<Server> {
  requireFunction(protocolFactory, "createServer() protocolFactory");
  requireOptions(options, "createServer() options");
  if ((host ?? null) === null && (port ?? null) === null) {
    throw new RangeError("Neither host/port nor sock were specified");
  }
  const portNumber = toPort(port ?? 0, "createServer() port");
  const backlog = options.backlog ?? DEFAULT_BACKLOG;
  requireInteger(backlog, "createServer() backlog", 0);
  const family = toNodeFamily(options.family ?? 0, "createServer() family");
  if (options.reusePort === true) requireReusePort();
  const tlsSettings = checkTlsServerOptions(options, "createServer()");
  const hosts = await listenAddresses(loop, host ?? null, family);
  const listeners: net.Server[] = [];
  const accepted: net.Socket[] = [];
  try {
    for (const address of hosts) {
      listeners.push(
        await listen(loop, accepted, {
          host: address ?? undefined,
          port: portNumber,
          backlog,
          ipv6Only: hosts.length > 1 && address !== null && address.includes(":"),
          ...(options.reusePort === true ? { reusePort: true } : {}),
        }),
      );
    }
  } catch (error) {
    for (const listener of listeners) listener.close();
    for (const socket of accepted) socket.destroy();
    throw error;
  }
  const keepAlive = options.keepAlive === true;
  const server = new Server(loop, {
    listeners,
    accepted,
    connectionEvent: "connection",
    accept: (owner, socket) => {
      if (keepAlive) socket.setKeepAlive(true);
      accept(loop, owner, socket, protocolFactory, null, tlsSettings);
    },
  });
  if (options.startServing !== false) server._startServing();
  return server;
}

/** @internal `loop.createUnixServer()` (see `EventLoop.createUnixServer`). */
export async function createUnixServer(
  loop: EventLoop,
  protocolFactory: () => StreamProtocolLike,
  path: string,
  options: CreateUnixServerOptions = {},
): Promise<Server> {
  requireFunction(protocolFactory, "createUnixServer() protocolFactory");
  requireOptions(options, "createUnixServer() options");
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `createUnixServer() path must be a non-empty string, got ${describeValue(path)}`,
    );
  }
  const backlog = options.backlog ?? DEFAULT_BACKLOG;
  requireInteger(backlog, "createUnixServer() backlog", 0);
  const tlsSettings = checkTlsServerOptions(options, "createUnixServer()");
  removeStaleSocket(path);
  const accepted: net.Socket[] = [];
  const listener = await listen(loop, accepted, { path, backlog });
  const server = new Server(loop, {
    listeners: [listener],
    accepted,
    connectionEvent: "connection",
    accept: (owner, socket) => accept(loop, owner, socket, protocolFactory, path, tlsSettings),
  });
  if (options.startServing !== false) server._startServing();
  return server;
}

/**
 * The addresses to listen on: Node's default (`null`: every interface, IPv6 and IPv4) for no
 * host, else every address each host name resolves to, as asyncio binds one socket per
 * `getaddrinfo` result.
 */
async function listenAddresses(
  loop: EventLoop,
  host: string | readonly string[] | null,
  family: 0 | 4 | 6,
): Promise<(string | null)[]> {
  if (host === null || host === "") return [family === 4 ? "0.0.0.0" : family === 6 ? "::" : null];
  const names = typeof host === "string" ? [host] : host;
  if (!Array.isArray(names) || names.some((name) => typeof name !== "string")) {
    throw new TypeError(
      `createServer() host must be a string or an array of strings, got ${describeValue(host)}`,
    );
  }
  const addresses = new Set<string>();
  for (const name of names) {
    if (net.isIP(name) !== 0) {
      addresses.add(name);
      continue;
    }
    let found: { address: string }[];
    try {
      found = await wrapOn(loop, lookup(name, { all: true, family }), `lookup ${name}`);
    } catch (error) {
      throw fromNodeError(error);
    }
    for (const { address } of found) addresses.add(address);
  }
  return [...addresses];
}

/**
 * A listening `net.Server` (created in the loop's scope, so accepted sockets carry it).
 * Connections can arrive as soon as it listens: until the `Server` takes the listener over,
 * they go to `accepted` (a `net.Server` drops a connection nobody listens for).
 */
async function listen(
  loop: EventLoop,
  accepted: net.Socket[],
  options: net.ListenOptions,
): Promise<net.Server> {
  const server = scopeStorage.run(loop, () =>
    net.createServer({ allowHalfOpen: true, noDelay: options.path === undefined }),
  );
  const collect = (socket: net.Socket): void => {
    accepted.push(socket);
  };
  server.on("connection", collect);
  const listening = new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  scopeStorage.run(loop, () => server.listen(options));
  try {
    await wrapOn(loop, listening, `listen ${options.path ?? `${options.host}:${options.port}`}`);
  } catch (error) {
    server.close();
    const failure = fromNodeError(error);
    if (failure instanceof OSError) {
      const where = options.path ?? JSON.stringify([options.host ?? "::", options.port ?? 0]);
      throw new OSError(
        `error while attempting to bind on address ${where}: ${failure.message.toLowerCase()}`,
        { ...failure, cause: error },
      );
    }
    throw failure;
  }
  server.on("error", (error) => {
    loop.callExceptionHandler({
      message: "Error on listening socket",
      exception: fromNodeError(error),
    });
  });
  return server;
}

/**
 * Makes the protocol and transport of an accepted socket (after its TLS handshake, for a TLS
 * server). A factory that throws, or a failed handshake, closes the socket; the factory's
 * error is reported to the loop's exception handler, as asyncio does.
 */
function accept(
  loop: EventLoop,
  server: Server,
  socket: net.Socket,
  protocolFactory: () => StreamProtocolLike,
  path: string | null,
  tlsSettings: ReturnType<typeof checkTlsServerOptions>,
): void {
  if (loop.isClosed()) {
    socket.destroy();
    return;
  }
  if (tlsSettings !== null) {
    // A failed handshake is the peer's problem: asyncio only logs it in debug mode.
    tlsServer(loop, socket, tlsSettings).then(
      (secure) => makeTransport(loop, server, secure, protocolFactory, path),
      () => socket.destroy(),
    );
    return;
  }
  makeTransport(loop, server, socket, protocolFactory, path);
}

function makeTransport(
  loop: EventLoop,
  server: Server,
  socket: net.Socket,
  protocolFactory: () => StreamProtocolLike,
  path: string | null,
): void {
  let protocol: StreamProtocolLike;
  try {
    protocol = protocolFactory();
  } catch (error) {
    socket.destroy();
    loop.callExceptionHandler({
      message: "Error on transport creation for incoming connection",
      exception: error,
    });
    return;
  }
  new SocketTransport(loop, socket, protocol, { server, path });
}

/** Removes a Unix socket file left behind by an earlier server, as asyncio does. */
function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (error) {
    if ((error as { code?: unknown }).code !== "ENOENT") throw fromNodeError(error);
  }
}
