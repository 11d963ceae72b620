/**
 * TLS over a connected socket, as asyncio's `sslproto`: the plain connection is made
 * first, then the handshake runs over it (a cancellation point, bounded by
 * `sslHandshakeTimeout`). The same step upgrades a connection in `startTls`.
 */

import { isIP, type Socket } from "node:net";
import * as tls from "node:tls";
import { createLoopFuture, PENDING } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { ConnectionAbortedError, ConnectionResetError } from "../core/osErrors.js";
import { scopeStorage } from "../core/scope.js";
import { describeValue } from "../core/validate.js";
import { fromTlsError } from "./errors.js";
import { holdErrorsForTransport } from "./socketTransport.js";

/**
 * The `ssl` option: `true` for Node's defaults (system trust store, certificate and host name
 * verified), Node's TLS options, or a `tls.SecureContext`.
 */
export type SSLOption = true | tls.SecureContext | tls.ConnectionOptions;

/** @internal asyncio's default TLS handshake timeout, in seconds. */
export const SSL_HANDSHAKE_TIMEOUT = 60;

/** @internal asyncio's default TLS shutdown timeout, in seconds. */
export const SSL_SHUTDOWN_TIMEOUT = 30;

/** The shutdown timeout of each secured socket, read by the transport's `close()`. */
const shutdownTimeouts = new WeakMap<tls.TLSSocket, number>();

/**
 * @internal Seconds a close of `socket` may take to flush before the connection is aborted:
 * its `sslShutdownTimeout` for a socket secured here, null for a plain one.
 */
export function shutdownTimeoutOf(socket: Socket): number | null {
  return socket instanceof tls.TLSSocket
    ? (shutdownTimeouts.get(socket) ?? SSL_SHUTDOWN_TIMEOUT)
    : null;
}

/** Checks `sslHandshakeTimeout` and `sslShutdownTimeout` (given with `ssl`) as asyncio does. */
function checkTimeouts(options: {
  readonly sslHandshakeTimeout?: number | null;
  readonly sslShutdownTimeout?: number | null;
}): { handshakeTimeout: number; shutdownTimeout: number } {
  const handshakeTimeout = options.sslHandshakeTimeout ?? SSL_HANDSHAKE_TIMEOUT;
  if (typeof handshakeTimeout !== "number" || !(handshakeTimeout > 0)) {
    throw new RangeError(
      `ssl_handshake_timeout should be a positive number, got ${describeValue(handshakeTimeout)}`,
    );
  }
  const shutdownTimeout = options.sslShutdownTimeout ?? SSL_SHUTDOWN_TIMEOUT;
  if (typeof shutdownTimeout !== "number" || !(shutdownTimeout > 0)) {
    throw new RangeError(
      `ssl_shutdown_timeout should be a positive number, got ${describeValue(shutdownTimeout)}`,
    );
  }
  return { handshakeTimeout, shutdownTimeout };
}

/** @internal The checked TLS settings of a client connection. */
export interface TlsClientSettings {
  readonly ssl: SSLOption;
  readonly serverHostname: string | null;
  readonly handshakeTimeout: number;
  readonly shutdownTimeout: number;
}

interface TlsClientOptionBag {
  readonly ssl?: SSLOption | null | false;
  readonly serverHostname?: string | null;
  readonly sslHandshakeTimeout?: number | null;
  readonly sslShutdownTimeout?: number | null;
}

/**
 * @internal Checks the TLS options of a client connection as asyncio does, and returns the settings, or
 * null without `ssl`.
 */
export function checkTlsClientOptions(
  options: TlsClientOptionBag,
  host: string | null,
  method: string,
): TlsClientSettings | null {
  const ssl = options.ssl ?? null;
  const serverHostname = options.serverHostname ?? null;
  if (ssl === null || ssl === false) {
    if (serverHostname !== null) {
      throw new RangeError("server_hostname is only meaningful with ssl");
    }
    if ((options.sslHandshakeTimeout ?? null) !== null) {
      throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
    }
    if ((options.sslShutdownTimeout ?? null) !== null) {
      throw new RangeError("ssl_shutdown_timeout is only meaningful with ssl");
    }
    return null;
  }
  if (ssl !== true && (typeof ssl !== "object" || ssl === null)) {
    throw new TypeError(
      `${method} ssl must be true, TLS options or a tls.SecureContext, got ${describeValue(ssl)}`,
    );
  }
  if (serverHostname === null && host === null) {
    throw new RangeError("You must set server_hostname when using ssl without a host");
  }
  return { ssl, serverHostname: serverHostname ?? host, ...checkTimeouts(options) };
}

/** @internal Runs a client handshake over `socket`; the secured socket once it succeeded. */
export async function tlsClient(
  loop: EventLoop,
  socket: Socket,
  settings: TlsClientSettings,
): Promise<tls.TLSSocket> {
  const { ssl, serverHostname } = settings;
  const options: tls.ConnectionOptions =
    ssl === true ? {} : isSecureContext(ssl) ? { secureContext: ssl } : { ...ssl };
  if (serverHostname !== null && options.servername === undefined && isIP(serverHostname) === 0) {
    options.servername = serverHostname;
  }
  const secure = scopeStorage.run(loop, () =>
    tls.connect({
      ...options,
      socket,
      checkServerIdentity: (host, cert) => tls.checkServerIdentity(serverHostname ?? host, cert),
    }),
  );
  return handshake(loop, secure, "secureConnect", settings, serverHostname);
}

/** @internal Waits for `event` (the end of the handshake) on `secure`, within `timeout` seconds. */
export async function handshake(
  loop: EventLoop,
  secure: tls.TLSSocket,
  event: "secureConnect" | "secure",
  timeouts: { readonly handshakeTimeout: number; readonly shutdownTimeout: number },
  peer: string | null,
): Promise<tls.TLSSocket> {
  const timeout = timeouts.handshakeTimeout;
  shutdownTimeouts.set(secure, timeouts.shutdownTimeout);
  const hold = loop.inFlight(`TLS handshake${peer === null ? "" : ` with ${peer}`}`);
  const done = createLoopFuture<void>(loop);
  secure.once(event, () => {
    if (done._state === PENDING) done._resolve(undefined);
  });
  const onError = (error: Error): void => {
    if (done._state === PENDING) done._reject(fromTlsError(error));
  };
  const onClose = (): void => {
    if (done._state !== PENDING) return;
    done._reject(new ConnectionResetError("Connection lost before the TLS handshake was complete"));
  };
  secure.on("error", onError);
  secure.once("close", onClose);
  const timer = loop.callLater(timeout, () => {
    if (done._state !== PENDING) return;
    done._reject(
      new ConnectionAbortedError(
        `SSL handshake is taking longer than ${timeout} seconds: aborting the connection`,
      ),
    );
  });
  try {
    await done;
  } catch (error) {
    secure.destroy();
    throw error;
  } finally {
    timer.cancel();
    hold.release();
    secure.off("close", onClose);
  }
  holdErrorsForTransport(secure, onError);
  return secure;
}

/** Whether `value` came from `tls.createSecureContext()` (a class Node's types do not export). */
function isSecureContext(value: unknown): value is tls.SecureContext {
  const SecureContext = (tls as unknown as { SecureContext: abstract new () => unknown })
    .SecureContext;
  return value instanceof SecureContext;
}

/** The `ssl` option of a server: Node's TLS options (with `key` and `cert`) or a `tls.SecureContext`. */
export type SSLServerOption = tls.SecureContext | tls.TlsOptions;

/** @internal The checked TLS settings of a server. */
export interface TlsServerSettings {
  readonly context: tls.SecureContext;
  readonly options: tls.TlsOptions;
  readonly handshakeTimeout: number;
  readonly shutdownTimeout: number;
}

interface TlsServerOptionBag {
  readonly ssl?: SSLServerOption | null;
  readonly sslHandshakeTimeout?: number | null;
  readonly sslShutdownTimeout?: number | null;
}

/** @internal Checks the TLS options of a server as asyncio does; null without `ssl`. */
export function checkTlsServerOptions(
  options: TlsServerOptionBag,
  method: string,
): TlsServerSettings | null {
  const ssl = options.ssl ?? null;
  if (ssl === null) {
    if ((options.sslHandshakeTimeout ?? null) !== null) {
      throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
    }
    if ((options.sslShutdownTimeout ?? null) !== null) {
      throw new RangeError("ssl_shutdown_timeout is only meaningful with ssl");
    }
    return null;
  }
  if (typeof ssl !== "object") {
    throw new TypeError(
      `${method} ssl must be TLS options or a tls.SecureContext, got ${describeValue(ssl)}`,
    );
  }
  const timeouts = checkTimeouts(options);
  if (isSecureContext(ssl)) return { context: ssl, options: {}, ...timeouts };
  return { context: tls.createSecureContext(ssl), options: ssl, ...timeouts };
}

/** @internal Runs a server handshake over an accepted `socket`; the secured socket once it succeeded. */
export async function tlsServer(
  loop: EventLoop,
  socket: Socket,
  settings: TlsServerSettings,
): Promise<tls.TLSSocket> {
  const secure = scopeStorage.run(
    loop,
    () =>
      new tls.TLSSocket(socket, {
        ...settings.options,
        isServer: true,
        secureContext: settings.context,
      }),
  );
  return handshake(loop, secure, "secure", settings, null);
}
