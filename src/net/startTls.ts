/**
 * `loop.startTls()`, as asyncio's: upgrade an open connection to TLS (STARTTLS). The
 * transport stops reading, its socket is wrapped in a `TLSSocket`, the handshake runs, and the
 * same transport goes on over the secured socket.
 */
import type { EventLoop } from "../core/loop.js";
import { describeValue, requireOptions } from "../core/validate.js";
import type { BaseProtocol } from "./protocols.js";
import { SocketTransport } from "./socketTransport.js";
import {
  checkTlsClientOptions,
  checkTlsServerOptions,
  type SSLOption,
  type SSLServerOption,
  tlsClient,
  tlsServer,
} from "./tls.js";
import type { Transport } from "./transport.js";

/** Options of `loop.startTls()`. */
export interface LoopStartTlsOptions {
  /** Run the server side of the handshake (default: the client side). */
  readonly serverSide?: boolean;
  /** Client side: the name the server's certificate must match (default: the peer's host). */
  readonly serverHostname?: string | null;
  /** Seconds the handshake may take (default 60). */
  readonly sslHandshakeTimeout?: number | null;
  /** Seconds a TLS close may take to flush before the connection is aborted (default 30). */
  readonly sslShutdownTimeout?: number | null;
}

/** @internal `loop.startTls()` (see `EventLoop.startTls`). */
export async function startTls(
  loop: EventLoop,
  transport: Transport,
  protocol: BaseProtocol<never> | object,
  ssl: SSLOption | SSLServerOption,
  options: LoopStartTlsOptions = {},
): Promise<Transport> {
  if (!(transport instanceof SocketTransport)) {
    throw new TypeError(
      `startTls() transport must be a stream transport, got ${describeValue(transport)}`,
    );
  }
  requireOptions(options, "startTls() options");
  if (ssl === null || typeof ssl !== "object") {
    throw new TypeError(
      `startTls() ssl must be TLS options or a tls.SecureContext, got ${describeValue(ssl)}`,
    );
  }
  const server =
    options.serverSide === true
      ? checkTlsServerOptions({ ...options, ssl: ssl as SSLServerOption }, "startTls()")
      : null;
  const client =
    server === null
      ? checkTlsClientOptions(
          { ...options, ssl: ssl as SSLOption },
          peerHost(transport),
          "startTls()",
        )
      : null;
  const plain = transport._detachSocket();
  try {
    const secure =
      server !== null
        ? await tlsServer(loop, plain, server)
        : await tlsClient(loop, plain, client as NonNullable<typeof client>);
    transport._replaceSocket(secure);
  } catch (error) {
    transport._replaceSocket(plain);
    transport.abort();
    throw error;
  }
  transport.setProtocol(protocol as BaseProtocol<never>);
  // asyncio's start_tls hands back a new transport, which reads: reading paused on the plain
  // connection (bytes then wait in its buffer, and the handshake reads them) does not carry over.
  transport.resumeReading();
  return transport;
}

function peerHost(transport: Transport): string | null {
  const peer = transport.getExtraInfo("peername");
  return Array.isArray(peer) ? peer[0] : null;
}
