/**
 * The public shape of transports (asyncio's `BaseTransport`, `Transport`,
 * `DatagramTransport`): what protocols and stream writers are given. The library makes them;
 * programs never construct one.
 */
import type { PeerCertificate } from "node:tls";
import type { BaseProtocol } from "./protocols.js";
import type { TransportSocket } from "./transportSocket.js";

/** Bytes to send: a `Uint8Array` (a `Buffer` is one), or a string sent as UTF-8. */
export type Data = Uint8Array | string;

/** A socket address: `[host, port]` for TCP and UDP, the path for a Unix socket. */
export type SocketAddress = [host: string, port: number] | string;

/** The names `getExtraInfo()` knows, and what each gives. */
export interface ExtraInfo {
  /** The peer's address. */
  peername: SocketAddress;
  /** The local address. */
  sockname: SocketAddress;
  /** The socket (a view that cannot disturb the transport). */
  socket: TransportSocket;
  /** Over TLS: the peer's certificate, as Node's `getPeerCertificate()` (null if none). */
  peercert: PeerCertificate | null;
  /** Over TLS: `[name, protocol version, secret bits]`, as Python's `SSLSocket.cipher()`. */
  cipher: [name: string, version: string, bits: number];
  /** Over TLS: always null (TLS compression is off in Node, as in modern OpenSSL). */
  compression: null;
}

/** What every transport has. */
export interface BaseTransport {
  /**
   * Information about the connection, or `defaultValue` when there is none: `"peername"`,
   * `"sockname"` (`[host, port]`, or a path for Unix sockets), `"socket"` (a
   * `TransportSocket`), and over TLS `"peercert"`, `"cipher"`, `"compression"` (see
   * `ExtraInfo`).
   */
  getExtraInfo<K extends keyof ExtraInfo>(name: K): ExtraInfo[K] | undefined;
  /** A known name, or `defaultValue` when the connection has no such information. */
  getExtraInfo<K extends keyof ExtraInfo, V>(name: K, defaultValue: V): ExtraInfo[K] | V;
  /** Any other name: `defaultValue` (`undefined` when not given). */
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  /** Whether `close()` or `abort()` was called, or the connection was lost. */
  isClosing(): boolean;
  /**
   * Closes the connection once the data buffered are sent; the protocol's `connectionLost(null)`
   * follows. Data that arrive meanwhile are dropped. Later calls do nothing.
   */
  close(): void;
  /** Replaces the protocol the transport calls. */
  setProtocol(protocol: BaseProtocol<never>): void;
  /** The protocol the transport calls. */
  getProtocol(): BaseProtocol<never>;
}

/** A stream transport: TCP, TLS or a Unix socket. */
export interface Transport extends BaseTransport {
  /** Whether data are delivered to the protocol (not paused, not closing). */
  isReading(): boolean;
  /** Stops delivering data until `resumeReading()`; the peer is then slowed down by TCP. */
  pauseReading(): void;
  /** Delivers data again after `pauseReading()`. */
  resumeReading(): void;
  /**
   * Sends `data` (a string is sent as UTF-8) without waiting: what the socket does not take at
   * once is buffered. When the buffer goes over the high-water mark the protocol's
   * `pauseWriting()` is called. After the connection is lost or closed, data are dropped.
   *
   * @throws TypeError for data that are not a Uint8Array or string; RuntimeError after
   *   `writeEof()`.
   */
  write(data: Data): void;
  /** Writes each item of `chunks` (see `write`). */
  writelines(chunks: Iterable<Data>): void;
  /** Sends end of file once the buffer is flushed; reading goes on. */
  writeEof(): void;
  /** Whether `writeEof()` is supported (not over TLS, as asyncio). */
  canWriteEof(): boolean;
  /** Closes at once, dropping the buffer; the protocol's `connectionLost(null)` follows. */
  abort(): void;
  /** How many bytes wait in the write buffer. */
  getWriteBufferSize(): number;
  /** The `[low, high]` water marks of the write buffer, in bytes. */
  getWriteBufferLimits(): [number, number];
  /**
   * Sets the water marks: `high` defaults to 64 KiB (or 4 × `low`), `low` to `high / 4`.
   *
   * @throws RangeError (Python's `ValueError`) unless `high >= low >= 0`.
   */
  setWriteBufferLimits(high?: number | null, low?: number | null): void;
}

/** A UDP endpoint. */
export interface DatagramTransport extends BaseTransport {
  /**
   * Sends one datagram to `address` (`[host, port]`), or to the remote address the endpoint
   * was connected to.
   */
  sendto(data: Data, address?: readonly [string, number] | null): void;
  /** Closes at once; the protocol's `connectionLost(null)` follows. */
  abort(): void;
  /** How many bytes wait to be sent. */
  getWriteBufferSize(): number;
}
