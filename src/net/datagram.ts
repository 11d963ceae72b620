/**
 * UDP endpoints: `loop.createDatagramEndpoint()` and its transport, on `node:dgram`, as
 * CPython's `base_events.create_datagram_endpoint` and `_SelectorDatagramTransport`.
 *
 * Call order, as asyncio: `connectionMade` (soon after the endpoint is made, before the
 * creation's Future resolves), then `datagramReceived`/`errorReceived` any number of times, then
 * `connectionLost` once. Datagrams that arrive before `connectionMade` ran wait for it.
 *
 * Holds: an `"operation"` hold while addresses are resolved and the socket bound or connected;
 * an `"outside"` hold from then until the socket is closed. When the loop closes, an endpoint
 * still open is closed with it (without `connectionLost`: no callback runs on a closed loop).
 */
import type { RemoteInfo, SocketOptions, Socket as UdpSocket } from "node:dgram";
import { createSocket } from "node:dgram";
import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import { inspectAsToString } from "../core/display.js";
import type { Future } from "../core/future.js";
import { PENDING } from "../core/future.js";
import type { InFlight } from "../core/inFlight.js";
import type { EventLoop } from "../core/loop.js";
import { fromNodeError, GaiError, OSError } from "../core/osErrors.js";
import { scopeStorage } from "../core/scope.js";
import { describeValue, requireFunction, requireOptions } from "../core/validate.js";
import { resourceClosed, watchIfDebug } from "../debug/resourceWarnings.js";
import { type AddressFamily, toNodeFamily } from "./family.js";
import { type LoopResource, trackOnLoop, untrackOnLoop } from "./loopResources.js";
import { requirePort } from "./port.js";
import type { BaseProtocol, DatagramProtocol } from "./protocols.js";
import { requireReusePort } from "./reusePort.js";
import type { Data, DatagramTransport, ExtraInfo, SocketAddress } from "./transport.js";
import { TransportSocket } from "./transportSocket.js";

/**
 * Options of `loop.createDatagramEndpoint()`, as asyncio's keyword arguments.
 *
 * @example
 * const options: asyncio.DatagramEndpointOptions = { localAddr: ["127.0.0.1", 0] };
 * const [transport, protocol] = await loop.createDatagramEndpoint(() => new MyProtocol(), options);
 */
export interface DatagramEndpointOptions {
  /** `[host, port]` to bind to (port 0: any free port). */
  localAddr?: readonly [host: string, port: number] | null;
  /** `[host, port]` to connect to: `sendto()` then needs no address, and only its datagrams arrive. */
  remoteAddr?: readonly [host: string, port: number] | null;
  /**
   * `"IPv4"` or `"IPv6"` (or `AF_INET`/`AF_INET6`); inferred from the addresses when not given.
   * Required when neither address is.
   */
  family?: AddressFamily | null;
  /**
   * Lets several endpoints bind the same address (`SO_REUSEPORT`), the kernel spreading the
   * datagrams among them. Needs Node.js 22.12+ or 23.1+, on Linux.
   */
  reusePort?: boolean | null;
  /** Allows sending to broadcast addresses (`SO_BROADCAST`); the endpoint is then not connected. */
  allowBroadcast?: boolean | null;
}

/** Datagrams dropped after close before a warning, as asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

type Family = 4 | 6;
type Address = [host: string, port: number];

function checkAddress(value: unknown, what: string): Address | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TypeError(`${what} must be a [host, port] array, got ${describeValue(value)}`);
  }
  const [host, port] = value as unknown[];
  if (typeof host !== "string") {
    throw new TypeError(`${what} host must be a string, got ${describeValue(host)}`);
  }
  return [host, requirePort(port, `${what} port`)];
}

function checkFlag(value: unknown, what: string): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== "boolean") {
    throw new TypeError(`${what} must be a boolean, got ${describeValue(value)}`);
  }
  return value;
}

/** The addresses of `[host, port]` per family, as asyncio's `_ensure_resolved` (SOCK_DGRAM). */
async function resolveAddress(address: Address, family: Family | 0): Promise<[Family, Address][]> {
  const [host, port] = address;
  const literal = isIP(host);
  if (literal !== 0) {
    if (family !== 0 && family !== literal) {
      throw new GaiError("Address family for hostname not supported", {
        code: "EAI_ADDRFAMILY",
        errno: -9,
        syscall: "getaddrinfo",
      });
    }
    return [[literal as Family, [host, port]]];
  }
  try {
    const found = await dnsPromises.lookup(host, { all: true, family, verbatim: true });
    return found.map(({ address, family: f }) => [f as Family, [address, port]]);
  } catch (error) {
    throw fromNodeError(error);
  }
}

/**
 * @internal `loop.createDatagramEndpoint()`: checks the arguments now, then resolves, binds and
 * connects, as asyncio.
 */
export function createDatagramEndpoint<P extends DatagramProtocol>(
  loop: EventLoop,
  protocolFactory: () => P,
  options: DatagramEndpointOptions | undefined,
): Future<[DatagramTransport, P]> {
  requireFunction(protocolFactory, "createDatagramEndpoint() protocolFactory");
  requireOptions(options, "createDatagramEndpoint() options");
  if (options !== undefined && "reuseAddress" in options) {
    const reuse = (options as { reuseAddress?: unknown }).reuseAddress;
    if (reuse !== undefined && reuse !== null && reuse !== false) {
      throw new RangeError(
        "Passing `reuseAddress: true` is no longer supported, as the usage of SO_REUSEPORT in " +
          "UDP poses a significant security concern.",
      );
    }
  }
  const localAddr = checkAddress(options?.localAddr, "localAddr");
  const remoteAddr = checkAddress(options?.remoteAddr, "remoteAddr");
  const family = toNodeFamily(options?.family ?? 0, "createDatagramEndpoint() family");
  const reusePort = checkFlag(options?.reusePort, "reusePort");
  const allowBroadcast = checkFlag(options?.allowBroadcast, "allowBroadcast");
  if (localAddr === null && remoteAddr === null && family === 0) {
    throw new RangeError("unexpected address family");
  }
  if (reusePort) requireReusePort();

  const future = loop.createFuture<[DatagramTransport, P]>();
  const shown = remoteAddr ?? localAddr;
  const target = shown === null ? `IPv${family}` : `${shown[0]}:${shown[1]}`;
  const hold = loop.inFlight(`udp endpoint ${target}: lookup and bind`);
  future.addDoneCallback(() => hold.release());
  openSocket(localAddr, remoteAddr, family, reusePort, allowBroadcast).then(
    ([socket, connectedTo, remote]) => {
      hold.release();
      if (future._state !== PENDING || loop.isClosed()) {
        socket.close();
        return;
      }
      scopeStorage.run(loop, () => {
        let protocol: P;
        try {
          protocol = protocolFactory();
        } catch (error) {
          socket.close();
          future._reject(error);
          return;
        }
        const transport = new DatagramEndpointTransport(
          loop,
          socket,
          protocol,
          remote,
          connectedTo,
        );
        // asyncio's waiter: set once connectionMade ran; cancelled meanwhile, the endpoint closes.
        loop.callSoon(() => {
          if (future._state === PENDING) future._resolve([transport, protocol]);
          else transport.close();
        });
      });
    },
    (error: unknown) => {
      hold.release();
      if (future._state === PENDING && !loop.isClosed()) future._reject(error);
    },
  );
  return future;
}

/**
 * Resolves the addresses, then, for each family both resolve in (in order), tries a socket:
 * bind, then connect; the first to succeed is kept, else the first error is thrown (asyncio).
 */
async function openSocket(
  localAddr: Address | null,
  remoteAddr: Address | null,
  family: Family | 0,
  reusePort: boolean,
  allowBroadcast: boolean,
): Promise<[UdpSocket, Address | null, Address | null]> {
  let pairs: [Family, Address | null, Address | null][];
  if (localAddr === null && remoteAddr === null) {
    pairs = [[family as Family, null, null]];
  } else {
    const byFamily = new Map<Family, [Address | null, Address | null]>();
    for (const [index, address] of [localAddr, remoteAddr].entries()) {
      if (address === null) continue;
      const infos = await resolveAddress(address, family);
      if (infos.length === 0) throw new OSError("getaddrinfo() returned empty list");
      for (const [f, resolved] of infos) {
        let pair = byFamily.get(f);
        if (pair === undefined) {
          pair = [null, null];
          byFamily.set(f, pair);
        }
        pair[index] = resolved;
      }
    }
    pairs = [...byFamily]
      .filter(
        ([, [local, remote]]) =>
          !(localAddr !== null && local === null) && !(remoteAddr !== null && remote === null),
      )
      .map(([f, [local, remote]]) => [f, local, remote]);
    if (pairs.length === 0) throw new RangeError("can not get address information");
  }
  const errors: unknown[] = [];
  for (const [f, local, remote] of pairs) {
    const socketOptions: SocketOptions & { reusePort?: boolean } = {
      type: f === 6 ? "udp6" : "udp4",
    };
    if (reusePort) socketOptions.reusePort = true;
    const socket = createSocket(socketOptions);
    try {
      await bindSocket(socket, local ?? [f === 6 ? "::" : "0.0.0.0", 0]);
      if (allowBroadcast) socket.setBroadcast(true);
      if (remote !== null && !allowBroadcast) await connectSocket(socket, remote);
      return [socket, remote !== null && !allowBroadcast ? remote : null, remote];
    } catch (error) {
      socket.close();
      errors.push(fromNodeError(error));
    }
  }
  throw errors[0];
}

function bindSocket(socket: UdpSocket, [host, port]: Address): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once("error", onError);
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve();
    });
  });
}

function connectSocket(socket: UdpSocket, [host, port]: Address): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    socket.once("error", onError);
    socket.connect(port, host, () => {
      socket.off("error", onError);
      resolve();
    });
  });
}

/**
 * @internal The transport of a UDP endpoint (asyncio's `_SelectorDatagramTransport`).
 */
export class DatagramEndpointTransport implements DatagramTransport, LoopResource {
  readonly #loop: EventLoop;
  readonly #socket: UdpSocket;
  #protocol: DatagramProtocol;
  /** The remote address given (resolved), or null: `sendto()` may only send there. */
  readonly #address: Address | null;
  readonly #connected: boolean;
  readonly #extra: Partial<ExtraInfo>;
  readonly #hold: InFlight;
  #made = false;
  #early: [Buffer, Address][] = [];
  #closing = false;
  #lost = false;
  #socketClosed = false;
  #pendingSends = 0;
  #pendingBytes = 0;
  #connLost = 0;

  constructor(
    loop: EventLoop,
    socket: UdpSocket,
    protocol: DatagramProtocol,
    remote: Address | null,
    connectedTo: Address | null,
  ) {
    this.#loop = loop;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#address = remote;
    this.#connected = connectedTo !== null;
    const view = new TransportSocket({ kind: "datagram", socket });
    this.#extra = { socket: view, sockname: view.getsockname() };
    if (this.#connected) this.#extra.peername = view.getpeername();
    const local = this.#extra.sockname as [string, number];
    const shown = connectedTo === null ? "" : ` to ${connectedTo[0]}:${connectedTo[1]}`;
    this.#hold = loop.inFlight(`udp endpoint ${local[0]}:${local[1]}${shown}`, {
      kind: "outside",
    });
    trackOnLoop(loop, this);
    watchIfDebug(loop, this, "transport");
    socket.on("message", this.#onMessage);
    socket.on("error", this.#onError);
    loop.callSoon(this.#connectionMade);
  }

  readonly #connectionMade = (): void => {
    if (this.#lost) return;
    this.#call("connectionMade", () => this.#protocol.connectionMade(this));
    this.#made = true;
    const early = this.#early;
    this.#early = [];
    for (const [data, address] of early) {
      if (this.#closing) break;
      this.#call("datagramReceived", () => this.#protocol.datagramReceived(data, address));
    }
  };

  readonly #onMessage = (data: Buffer, info: RemoteInfo): void => {
    if (this.#closing) return;
    const address: Address = [info.address, info.port];
    if (!this.#made) {
      this.#early.push([data, address]);
      return;
    }
    scopeStorage.run(this.#loop, () =>
      this.#call("datagramReceived", () => this.#protocol.datagramReceived(data, address)),
    );
  };

  readonly #onError = (error: Error): void => {
    if (this.#lost) return;
    this.#errorReceived(fromNodeError(error) as Error);
  };

  #errorReceived(error: Error): void {
    scopeStorage.run(this.#loop, () =>
      this.#call("errorReceived", () => this.#protocol.errorReceived(error)),
    );
  }

  /** Calls a protocol method; what it throws goes to the loop's exception handler. */
  #call(method: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#loop.callExceptionHandler({
        message: `Exception in protocol.${method}() of a datagram transport`,
        exception: error,
        transport: this,
        protocol: this.#protocol,
      });
    }
  }

  sendto(data: Data, address?: readonly [string, number] | null): void {
    let bytes: Uint8Array;
    if (typeof data === "string") bytes = Buffer.from(data, "utf8");
    else if (data instanceof Uint8Array) bytes = data;
    else {
      throw new TypeError(
        `data argument must be a Uint8Array or a string, got ${describeValue(data)}`,
      );
    }
    let target: Address | null = null;
    if (address !== null && address !== undefined)
      target = checkAddress(address, "sendto() address");
    if (this.#address !== null) {
      if (target !== null && (target[0] !== this.#address[0] || target[1] !== this.#address[1])) {
        throw new RangeError(
          `Invalid address: must be null or ${JSON.stringify(this.#address)}, got ${JSON.stringify(target)}`,
        );
      }
      target = this.#address;
    } else if (target === null) {
      throw new RangeError("sendto() needs an address: the endpoint has no remote address");
    }
    if (this.#closing || this.#lost) {
      this.#connLost++;
      if (this.#connLost === LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        process.emitWarning(
          "datagrams are being sent on a closed datagram transport; they are dropped",
          "RuntimeWarning",
        );
      }
      return;
    }
    const size = bytes.byteLength;
    this.#pendingSends++;
    this.#pendingBytes += size;
    const onSent = (error: Error | null): void => {
      this.#pendingSends--;
      this.#pendingBytes -= size;
      if (error !== null && !this.#lost) this.#errorReceived(fromNodeError(error) as Error);
      if (this.#closing && this.#pendingSends === 0) this.#finishClose(null);
    };
    try {
      if (this.#connected) this.#socket.send(bytes, onSent);
      else this.#socket.send(bytes, target[1], target[0], onSent);
    } catch (error) {
      this.#pendingSends--;
      this.#pendingBytes -= size;
      this.#errorReceived(fromNodeError(error) as Error);
    }
  }

  getWriteBufferSize(): number {
    if (this.#socketClosed) return 0;
    // Node >= 18.8: the bytes libuv still queues; else those whose send has not completed.
    const socket = this.#socket as { getSendQueueSize?: () => number };
    return typeof socket.getSendQueueSize === "function"
      ? socket.getSendQueueSize()
      : this.#pendingBytes;
  }

  isClosing(): boolean {
    return this.#closing;
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#early = [];
    if (this.#pendingSends === 0) this.#finishClose(null);
  }

  abort(): void {
    this.#closing = true;
    this.#early = [];
    this.#finishClose(null);
  }

  /** Closes the socket and schedules `connectionLost` once. */
  #finishClose(error: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#closeSocket();
    if (this.#loop.isClosed()) return;
    this.#loop.callSoon(() => {
      this.#call("connectionLost", () => this.#protocol.connectionLost(error));
    });
  }

  #closeSocket(): void {
    if (this.#socketClosed) return;
    this.#socketClosed = true;
    untrackOnLoop(this.#loop, this);
    resourceClosed(this);
    this.#socket.off("message", this.#onMessage);
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
    this.#hold.release();
  }

  /** @internal The loop closes with the endpoint left open: a ResourceWarning. */
  _unclosedWarning(): string | null {
    return this.#closing ? null : `unclosed transport ${this}`;
  }

  /** @internal The loop closes: the socket closes with it, no callback runs. */
  _closeWithLoop(): void {
    this.#closing = true;
    this.#lost = true;
    this.#closeSocket();
  }

  getExtraInfo<K extends keyof ExtraInfo>(name: K): ExtraInfo[K] | undefined;
  getExtraInfo<K extends keyof ExtraInfo, V>(name: K, defaultValue: V): ExtraInfo[K] | V;
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    const value = (this.#extra as Record<string, unknown>)[name];
    return value === undefined ? defaultValue : value;
  }

  setProtocol(protocol: BaseProtocol<never>): void {
    if (protocol === null || typeof protocol !== "object") {
      throw new TypeError(`protocol must be a protocol object, got ${describeValue(protocol)}`);
    }
    this.#protocol = protocol as unknown as DatagramProtocol;
  }

  getProtocol(): BaseProtocol<never> {
    return this.#protocol as unknown as BaseProtocol<never>;
  }

  toString(): string {
    const state = this.#lost ? "closed" : this.#closing ? "closing" : "open";
    const sockname = this.#extra.sockname as SocketAddress;
    return `<DatagramTransport ${state} sockname=${JSON.stringify(sockname)}>`;
  }
}
inspectAsToString(DatagramEndpointTransport);
