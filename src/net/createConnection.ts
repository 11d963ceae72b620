/**
 * `loop.createConnection()` and `loop.createUnixConnection()`, as asyncio's
 * (`Lib/asyncio/base_events.py`): open a socket (a cancellation point), make the protocol, and
 * resolve once `connectionMade` ran.
 */
import * as net from "node:net";
import { ExceptionGroup } from "../core/exceptionGroup.js";
import { createLoopFuture, type Future, PENDING } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { fromNodeError, OSError } from "../core/osErrors.js";
import { scopeStorage } from "../core/scope.js";
import { describeValue, requireFunction, requireOptions } from "../core/validate.js";
import { type AddressFamily, toNodeFamily } from "./family.js";
import { toPort } from "./port.js";
import {
  holdErrorsForTransport,
  SocketTransport,
  type StreamProtocolLike,
} from "./socketTransport.js";
import { checkTlsClientOptions, type SSLOption, tlsClient } from "./tls.js";
import type { Transport } from "./transport.js";

/** Options of `loop.createUnixConnection()` (and `openUnixConnection()`); TCP takes them too. */
export interface CreateUnixConnectionOptions {
  /**
   * TLS: `true` (Node's default trust store, certificate and host name checked), Node's
   * `tls.ConnectionOptions`, or a `tls.SecureContext`.
   */
  readonly ssl?: SSLOption | null;
  /**
   * The name the server's certificate must match; only with `ssl`. TCP: the host connected
   * to by default; Unix sockets: required with `ssl`.
   */
  readonly serverHostname?: string | null;
  /** Seconds the TLS handshake may take (default 60); only with `ssl`. */
  readonly sslHandshakeTimeout?: number | null;
  /** Seconds a TLS close may take to flush before the connection is aborted (default 30). */
  readonly sslShutdownTimeout?: number | null;
  /** An open `net.Socket` to use instead of connecting (then no address). */
  readonly sock?: net.Socket | null;
}

/** Options of `loop.createConnection()` (and `openConnection()`). */
export interface CreateConnectionOptions extends CreateUnixConnectionOptions {
  /** `"IPv4"`/`"IPv6"` (or `AF_INET`/`AF_INET6`) to use only that family; 0 for either. */
  readonly family?: AddressFamily;
  /** The local `[host, port]` to bind to before connecting. */
  readonly localAddr?: readonly [string, number] | null;
  /**
   * Seconds to wait for one address before trying the next (Happy Eyeballs, RFC 8305); Node's
   * default (0.25 s) when not given. Node always tries every address the name resolves to.
   */
  readonly happyEyeballsDelay?: number | null;
  /** When every address failed: throw an `ExceptionGroup` of all the errors. */
  readonly allErrors?: boolean;
}

/** A protocol factory as the loop takes it. */
type ProtocolFactory<P> = () => P;

/** @internal `loop.createConnection()` (see `EventLoop.createConnection`). */
export async function createConnection<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: ProtocolFactory<P>,
  host: string | null | undefined,
  port: number | string | null | undefined,
  options: CreateConnectionOptions = {},
): Promise<[Transport, P]> {
  requireFunction(protocolFactory, "createConnection() protocolFactory");
  requireOptions(options, "createConnection() options");
  const hasAddress = (host ?? null) !== null || (port ?? null) !== null;
  const sock = options.sock ?? null;
  if (sock !== null) {
    if (hasAddress)
      throw new RangeError("host/port and sock can not be specified at the same time");
    requireSocket(sock, "createConnection()");
  } else if (!hasAddress) {
    throw new RangeError("host and port was not specified and no sock specified");
  }
  const tlsOptions = checkTlsClientOptions(options, host ?? null, "createConnection()");
  let socket: net.Socket;
  if (sock !== null) {
    socket = sock;
  } else {
    if (typeof host !== "string") {
      throw new TypeError(`createConnection() host must be a string, got ${describeValue(host)}`);
    }
    const portNumber = toPort(port, "createConnection() port");
    const connectOptions: net.TcpNetConnectOpts = {
      host,
      port: portNumber,
      family: toNodeFamily(options.family ?? 0, "createConnection() family"),
      allowHalfOpen: true,
      noDelay: true,
    };
    const localAddr = options.localAddr ?? null;
    if (localAddr !== null) {
      if (!Array.isArray(localAddr) || typeof localAddr[0] !== "string") {
        throw new TypeError(
          `createConnection() localAddr must be [host, port], got ${describeValue(localAddr)}`,
        );
      }
      connectOptions.localAddress = localAddr[0];
      connectOptions.localPort = toPort(localAddr[1], "createConnection() localAddr port");
    }
    const delay = options.happyEyeballsDelay ?? null;
    if (delay !== null) {
      if (typeof delay !== "number" || !(delay >= 0)) {
        throw new TypeError(
          `createConnection() happyEyeballsDelay must be a number of seconds, got ${describeValue(delay)}`,
        );
      }
      connectOptions.autoSelectFamily = true;
      connectOptions.autoSelectFamilyAttemptTimeout = Math.max(10, Math.round(delay * 1000));
    }
    socket = await connectSocket(loop, connectOptions, `${host}:${portNumber}`, options.allErrors);
  }
  if (tlsOptions !== null) socket = await tlsClient(loop, socket, tlsOptions);
  return makeTransport(loop, socket, protocolFactory, null);
}

/** @internal `loop.createUnixConnection()` (see `EventLoop.createUnixConnection`). */
export async function createUnixConnection<P extends StreamProtocolLike>(
  loop: EventLoop,
  protocolFactory: ProtocolFactory<P>,
  path: string | null | undefined,
  options: CreateUnixConnectionOptions = {},
): Promise<[Transport, P]> {
  requireFunction(protocolFactory, "createUnixConnection() protocolFactory");
  requireOptions(options, "createUnixConnection() options");
  const sock = options.sock ?? null;
  const tlsOptions = checkTlsClientOptions(options, null, "createUnixConnection()");
  let socket: net.Socket;
  let socketPath: string;
  if (sock !== null) {
    if ((path ?? null) !== null) {
      throw new RangeError("path and sock can not be specified at the same time");
    }
    requireSocket(sock, "createUnixConnection()");
    socket = sock;
    socketPath = "";
  } else {
    if (typeof path !== "string" || path === "") {
      throw new TypeError(
        `createUnixConnection() path must be a non-empty string, got ${describeValue(path)}`,
      );
    }
    socketPath = path;
    socket = await connectSocket(loop, { path, allowHalfOpen: true }, path, false);
  }
  if (tlsOptions !== null) socket = await tlsClient(loop, socket, tlsOptions);
  return makeTransport(loop, socket, protocolFactory, socketPath);
}

/**
 * Makes the protocol and its transport for a connected socket, and waits until
 * `connectionMade` ran (asyncio's `_create_connection_transport`).
 */
async function makeTransport<P extends StreamProtocolLike>(
  loop: EventLoop,
  socket: net.Socket,
  protocolFactory: ProtocolFactory<P>,
  path: string | null,
): Promise<[Transport, P]> {
  let protocol: P;
  try {
    protocol = protocolFactory();
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const transport = new SocketTransport(loop, socket, protocol, { path });
  const made = createLoopFuture<void>(loop);
  loop.callSoon(resolveMade, made);
  try {
    await made;
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}

function resolveMade(made: Future<void>): void {
  if (made._state === PENDING) made._resolve(undefined);
}

/**
 * Connects a socket: a cancellation point (cancelling destroys the socket), with an
 * `"operation"` hold while it is in flight.
 */
async function connectSocket(
  loop: EventLoop,
  options: net.NetConnectOpts,
  target: string,
  allErrors: boolean | undefined,
): Promise<net.Socket> {
  const hold = loop.inFlight(`connect ${target}`);
  const connected = createLoopFuture<void>(loop);
  const socket = scopeStorage.run(loop, () => net.connect(options));
  socket.once("connect", () => {
    if (connected._state === PENDING) connected._resolve(undefined);
  });
  const onError = (error: Error): void => {
    if (connected._state === PENDING) connected._reject(connectError(error, allErrors === true));
  };
  socket.on("error", onError);
  try {
    await connected;
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    hold.release();
  }
  holdErrorsForTransport(socket, onError);
  return socket;
}

/**
 * The error of a failed connect: Node's `AggregateError` of every address tried becomes, as in
 * asyncio, the one error when they all say the same, an `OSError("Multiple exceptions: …")`
 * otherwise, or with `allErrors` an `ExceptionGroup`.
 */
function connectError(error: Error, allErrors: boolean): unknown {
  if (!(error instanceof AggregateError)) return fromNodeError(error);
  const errors = error.errors.map((inner) => fromNodeError(inner) as Error);
  if (allErrors) return new ExceptionGroup("createConnection() failed", errors);
  const first = errors[0];
  if (first === undefined) return fromNodeError(error);
  if (errors.every((inner) => inner.message === first.message)) return first;
  return new OSError(`Multiple exceptions: ${errors.map((inner) => inner.message).join(", ")}`, {
    cause: error,
  });
}

function requireSocket(sock: unknown, method: string): asserts sock is net.Socket {
  if (!(sock instanceof net.Socket)) {
    throw new TypeError(`${method} sock must be a net.Socket, got ${describeValue(sock)}`);
  }
}
