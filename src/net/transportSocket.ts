/**
 * `TransportSocket`: the socket behind a transport or a listening server, as asyncio's
 * `trsock.TransportSocket` — a view that reads addresses and sets options, but cannot read,
 * write or close behind the transport's back.
 */
import type { Socket as UdpSocket } from "node:dgram";
import type { AddressInfo, Server as NetServer, Socket as NetSocket } from "node:net";
import { inspectAsToString } from "../core/display.js";
import { OSError } from "../core/osErrors.js";
import type { SocketAddress } from "./transport.js";

/** The address family of a socket. */
export type SocketFamily = "IPv4" | "IPv6" | "unix";

/** @internal What a socket view reads from. */
type Source =
  | { kind: "stream"; socket: NetSocket; path: string | null }
  | { kind: "listener"; server: NetServer }
  | { kind: "datagram"; socket: UdpSocket };

/** @internal A Node address as `[host, port]`, or the path of a Unix socket. */
export function toSocketAddress(address: AddressInfo | string | null | undefined): SocketAddress {
  if (address === null || address === undefined) return "";
  if (typeof address === "string") return address;
  return [address.address, address.port];
}

function familyOf(address: AddressInfo | string | null | undefined): SocketFamily {
  if (address === null || address === undefined || typeof address === "string") return "unix";
  return address.family === "IPv6" ? "IPv6" : "IPv4";
}

/**
 * The socket of a transport (`transport.getExtraInfo("socket")`) or of a server
 * (`server.sockets`).
 *
 * @example
 * const [host, port] = server.sockets[0].getsockname() as [string, number];
 */
export class TransportSocket {
  readonly #source: Source;

  /** @internal Made by transports and servers. */
  constructor(source: Source) {
    this.#source = source;
  }

  /** `"IPv4"`, `"IPv6"` or `"unix"`. */
  get family(): SocketFamily {
    const source = this.#source;
    if (source.kind === "stream" && source.path !== null) return "unix";
    return familyOf(this.#localAddress());
  }

  /** The local address: `[host, port]`, or the path of a Unix socket. */
  getsockname(): SocketAddress {
    const source = this.#source;
    if (source.kind === "stream" && source.path !== null) return source.path;
    return toSocketAddress(this.#localAddress());
  }

  /**
   * The peer's address.
   *
   * @throws OSError (`ENOTCONN`) for a listening socket or an unconnected UDP endpoint.
   */
  getpeername(): SocketAddress {
    const source = this.#source;
    if (source.kind === "stream") {
      if (source.path !== null) return source.path;
      const { remoteAddress, remotePort } = source.socket;
      if (remoteAddress !== undefined && remotePort !== undefined) {
        return [remoteAddress, remotePort];
      }
    } else if (source.kind === "datagram") {
      try {
        return toSocketAddress(source.socket.remoteAddress());
      } catch {
        // Not connected: fall through.
      }
    }
    throw new OSError("Transport endpoint is not connected", {
      code: "ENOTCONN",
      syscall: "getpeername",
    });
  }

  /**
   * Turns Nagle's algorithm off (`true`, what transports do from the start, as asyncio) or on,
   * for a TCP connection (Python's `setsockopt(IPPROTO_TCP, TCP_NODELAY, …)`).
   */
  setNoDelay(noDelay = true): void {
    if (this.#source.kind === "stream") this.#source.socket.setNoDelay(noDelay);
  }

  /**
   * Turns TCP keep-alive probes on or off for a connection; `initialDelay` is in seconds
   * (Python's `setsockopt(SOL_SOCKET, SO_KEEPALIVE, …)`).
   */
  setKeepAlive(enable = true, initialDelay = 0): void {
    if (this.#source.kind === "stream") {
      this.#source.socket.setKeepAlive(enable, Math.round(initialDelay * 1000));
    }
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const kind = this.#source.kind === "datagram" ? "dgram" : "stream";
    let local: string;
    try {
      local = JSON.stringify(this.getsockname());
    } catch {
      local = "closed";
    }
    return `<TransportSocket family=${this.family} type=${kind} laddr=${local}>`;
  }

  #localAddress(): AddressInfo | string | null | undefined {
    const source = this.#source;
    switch (source.kind) {
      case "stream": {
        const { localAddress, localPort, localFamily } = source.socket;
        if (localAddress === undefined || localPort === undefined) return null;
        return { address: localAddress, port: localPort, family: localFamily ?? "IPv4" };
      }
      case "listener":
        return source.server.address();
      case "datagram":
        try {
          return source.socket.address();
        } catch {
          return null;
        }
    }
  }
}
inspectAsToString(TransportSocket);
