/**
 * The protocol classes of asyncio: objects a transport calls as data arrives and as the
 * connection changes state. Extend one and override what you need; every method has a default
 * that does nothing, as asyncio's base classes.
 *
 * Call order, kept by every transport (asyncio's documented state machine): `connectionMade`
 * once, then `dataReceived` (or `getBuffer`/`bufferUpdated`) any number of times, then at most
 * one `eofReceived`, then `connectionLost` once. `pauseWriting`/`resumeWriting` alternate,
 * starting with a pause, between `connectionMade` and `connectionLost`.
 */
import type { DatagramTransport, Transport } from "./transport.js";

/**
 * What every protocol has (asyncio's `BaseProtocol`).
 *
 * @typeParam T - the transport type that calls it.
 */
export class BaseProtocol<T = Transport> {
  /** The connection is made; `transport` is the connection. */
  connectionMade(_transport: T): void {}
  /**
   * The connection is closed: `error` is what broke it, or `null` for a regular end of
   * file, a `close()` or an `abort()`.
   */
  connectionLost(_error: Error | null): void {}
  /** The transport's write buffer went over its high-water mark: stop writing. */
  pauseWriting(): void {}
  /** The transport's write buffer drained to its low-water mark: writing may go on. */
  resumeWriting(): void {}
}

/**
 * A stream protocol (asyncio's `Protocol`): data arrive as `Buffer`s.
 *
 * @example
 * class Echo extends asyncio.Protocol {
 *   transport!: asyncio.Transport;
 *   override connectionMade(transport: asyncio.Transport) { this.transport = transport; }
 *   override dataReceived(data: Buffer) { this.transport.write(data); }
 * }
 * const server = await loop.createServer(() => new Echo(), "127.0.0.1", 8888);
 */
export class Protocol extends BaseProtocol<Transport> {
  /** Some data arrived. */
  dataReceived(_data: Buffer): void {}
  /**
   * The peer sent end of file. Return `true` to keep the connection open for writing;
   * anything else closes the transport.
   */
  eofReceived(): unknown {
    return undefined;
  }
}

/**
 * A stream protocol that receives data into buffers of its own (asyncio's `BufferedProtocol`),
 * saving a copy when the data are parsed in place.
 */
export class BufferedProtocol extends BaseProtocol<Transport> {
  /**
   * The buffer the next data go to; `sizeHint` is how much is waiting (a hint, 0 or more). It
   * must not be empty.
   */
  getBuffer(_sizeHint: number): Uint8Array {
    throw new Error("BufferedProtocol.getBuffer() is not implemented");
  }
  /** `nbytes` bytes were written at the start of the buffer `getBuffer()` returned. */
  bufferUpdated(_nbytes: number): void {}
  /** As `Protocol.eofReceived()`. */
  eofReceived(): unknown {
    return undefined;
  }
}

/** A UDP protocol (asyncio's `DatagramProtocol`). */
export class DatagramProtocol extends BaseProtocol<DatagramTransport> {
  /** A datagram arrived from `address` (`[host, port]`). */
  datagramReceived(_data: Buffer, _address: [string, number]): void {}
  /** A send or receive failed (for example, ICMP port unreachable on a connected endpoint). */
  errorReceived(_error: Error): void {}
}

/**
 * What the loop's connection methods take from a protocol factory: a `Protocol` or
 * `BufferedProtocol` (subclass), or any object with some of their methods.
 */
export type StreamProtocol = Partial<Protocol> | Partial<BufferedProtocol>;
