/**
 * `loop.getaddrinfo()` and `loop.getnameinfo()`: asyncio's name resolution, on Node's
 * `dns.lookup()` (the system's getaddrinfo: the hosts file, then DNS) and `dns.lookupService()`.
 * Records and constants are numbered as Python's socket module numbers them on Linux.
 */
import { ADDRCONFIG, ALL, promises as dnsPromises, V4MAPPED } from "node:dns";
import { isIP } from "node:net";
import { wrapOn } from "../core/awaitable.js";
import type { Future } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { GaiError, OSError } from "../core/osErrors.js";
import { describeValue, requireInteger, requireOptions } from "../core/validate.js";
import { requirePort } from "./port.js";

/**
 * Any address family (Python's `socket.AF_UNSPEC`).
 *
 * @example
 * const infos = await loop.getaddrinfo("localhost", 80, { family: asyncio.AF_UNSPEC });
 */
export const AF_UNSPEC = 0;
/**
 * IPv4 (Python's `socket.AF_INET`).
 *
 * @example
 * const infos = await loop.getaddrinfo("localhost", 80, { family: asyncio.AF_INET });
 */
export const AF_INET = 2;
/**
 * IPv6 (Python's `socket.AF_INET6`, 10 on Linux).
 *
 * @example
 * const infos = await loop.getaddrinfo("::1", 80, { family: asyncio.AF_INET6 });
 */
export const AF_INET6 = 10;
/**
 * A stream socket: TCP (Python's `socket.SOCK_STREAM`).
 *
 * @example
 * const infos = await loop.getaddrinfo("localhost", 80, { type: asyncio.SOCK_STREAM });
 */
export const SOCK_STREAM = 1;
/**
 * A datagram socket: UDP (Python's `socket.SOCK_DGRAM`).
 *
 * @example
 * const infos = await loop.getaddrinfo("localhost", 53, { type: asyncio.SOCK_DGRAM });
 */
export const SOCK_DGRAM = 2;
/**
 * A raw socket (Python's `socket.SOCK_RAW`); getaddrinfo lists it when no type is asked for.
 *
 * @example
 * const raw = infos.filter(([, type]) => type === asyncio.SOCK_RAW);
 */
export const SOCK_RAW = 3;
/**
 * TCP (Python's `socket.IPPROTO_TCP`).
 *
 * @example
 * const infos = await loop.getaddrinfo("localhost", 80, { proto: asyncio.IPPROTO_TCP });
 */
export const IPPROTO_TCP = 6;
/**
 * UDP (Python's `socket.IPPROTO_UDP`).
 *
 * @example
 * const infos = await loop.getaddrinfo("localhost", 53, { proto: asyncio.IPPROTO_UDP });
 */
export const IPPROTO_UDP = 17;
/**
 * getaddrinfo flag: with no host, the wildcard addresses (to bind) instead of loopback.
 *
 * @example
 * const [[, , , , [host]]] = await loop.getaddrinfo(null, 8080, { flags: asyncio.AI_PASSIVE }); // "0.0.0.0"
 */
export const AI_PASSIVE = 1;
/**
 * getaddrinfo flag: the first record carries the host's canonical name.
 *
 * @example
 * const [[, , , canonname]] = await loop.getaddrinfo("localhost", 80, { flags: asyncio.AI_CANONNAME });
 */
export const AI_CANONNAME = 2;
/**
 * getaddrinfo flag: the host must be a numeric address; no lookup is made.
 *
 * @example
 * await loop.getaddrinfo("127.0.0.1", 80, { flags: asyncio.AI_NUMERICHOST });
 */
export const AI_NUMERICHOST = 4;
/**
 * getaddrinfo flag: with `AF_INET6` and no IPv6 address, IPv4-mapped IPv6 addresses.
 *
 * @example
 * await loop.getaddrinfo("localhost", 80, { family: asyncio.AF_INET6, flags: asyncio.AI_V4MAPPED });
 */
export const AI_V4MAPPED = 8;
/**
 * getaddrinfo flag: with `AI_V4MAPPED`, both IPv6 and IPv4-mapped addresses.
 *
 * @example
 * await loop.getaddrinfo("localhost", 80, { family: asyncio.AF_INET6, flags: asyncio.AI_V4MAPPED | asyncio.AI_ALL });
 */
export const AI_ALL = 16;
/**
 * getaddrinfo flag: only the families the machine has an address of.
 *
 * @example
 * await loop.getaddrinfo("example.com", 443, { flags: asyncio.AI_ADDRCONFIG });
 */
export const AI_ADDRCONFIG = 32;
/**
 * getaddrinfo flag: the port must be numeric (it always is here).
 *
 * @example
 * await loop.getaddrinfo("localhost", "80", { flags: asyncio.AI_NUMERICSERV });
 */
export const AI_NUMERICSERV = 1024;
/**
 * getnameinfo flag: the host as a numeric address, not a name.
 *
 * @example
 * await loop.getnameinfo(["127.0.0.1", 80], asyncio.NI_NUMERICHOST); // ["127.0.0.1", "http"]
 */
export const NI_NUMERICHOST = 1;
/**
 * getnameinfo flag: the port as a number, not a service name.
 *
 * @example
 * await loop.getnameinfo(["127.0.0.1", 80], asyncio.NI_NUMERICSERV); // ["localhost", "80"]
 */
export const NI_NUMERICSERV = 2;
/**
 * getnameinfo flag: only the host part of a local name (accepted; Node has no equivalent).
 *
 * @example
 * await loop.getnameinfo(["127.0.0.1", 80], asyncio.NI_NOFQDN);
 */
export const NI_NOFQDN = 4;
/**
 * getnameinfo flag: fail when the address has no name.
 *
 * @example
 * await loop.getnameinfo(["192.0.2.1", 80], asyncio.NI_NAMEREQD); // rejects: GaiError
 */
export const NI_NAMEREQD = 8;
/**
 * getnameinfo flag: the service is a UDP one (accepted; Node has no equivalent).
 *
 * @example
 * await loop.getnameinfo(["127.0.0.1", 53], asyncio.NI_DGRAM);
 */
export const NI_DGRAM = 16;

/**
 * One record of `loop.getaddrinfo()`, as Python's: `[family, type, proto, canonname,
 * [host, port]]`.
 *
 * @example
 * const [family, type, proto, canonname, [host, port]]: asyncio.AddrInfo = infos[0];
 */
export type AddrInfo = [
  family: number,
  type: number,
  proto: number,
  canonname: string,
  address: [host: string, port: number],
];

/**
 * Options of `loop.getaddrinfo()`, as Python's keyword arguments (all default to 0).
 *
 * @example
 * const options: asyncio.GetaddrinfoOptions = { family: asyncio.AF_INET, type: asyncio.SOCK_STREAM };
 */
export interface GetaddrinfoOptions {
  /** `AF_INET`, `AF_INET6` or `AF_UNSPEC` (both). */
  family?: number;
  /** `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_RAW`, or 0 for each of them. */
  type?: number;
  /** `IPPROTO_TCP`, `IPPROTO_UDP`, or 0 for the type's own. */
  proto?: number;
  /** `AI_*` flags, or-ed. */
  flags?: number;
}

const GAI_ERRNO: Record<string, number> = {
  EAI_NONAME: -2,
  EAI_AGAIN: -3,
  EAI_FAIL: -4,
  EAI_FAMILY: -6,
  EAI_SOCKTYPE: -7,
  EAI_SERVICE: -8,
  EAI_ADDRFAMILY: -9,
};

/** `requireInteger`'s bound for arguments with no range of their own (flags, constants). */
const ANY_INTEGER = Number.NEGATIVE_INFINITY;

function gaiError(code: string, message: string, syscall = "getaddrinfo"): GaiError {
  return new GaiError(message, { code, errno: GAI_ERRNO[code], syscall });
}

/** A Node lookup error as a GaiError (every failure of a lookup is one, as in Python). */
function lookupError(error: unknown, syscall: string): unknown {
  if (!(error instanceof Error) || error instanceof OSError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error;
  const errno = (error as { errno?: unknown }).errno;
  return new GaiError(error.message, {
    code,
    errno: typeof errno === "number" ? errno : GAI_ERRNO[code],
    syscall,
    cause: error,
  });
}

/** A port as a number: an integer, a numeric string, or null/undefined for 0. */
function parsePort(port: unknown, what: string): number | string {
  if (port === null || port === undefined) return 0;
  if (typeof port === "string") {
    // Service names ("http") are not looked up: Node has no getservbyname.
    return /^\d+$/.test(port) ? Number(port) : port;
  }
  if (typeof port !== "number") {
    throw new TypeError(
      `${what} must be an integer, a numeric string or null, got ${describeValue(port)}`,
    );
  }
  return requirePort(port, what);
}

const TYPE_PROTO: [type: number, proto: number][] = [
  [SOCK_STREAM, IPPROTO_TCP],
  [SOCK_DGRAM, IPPROTO_UDP],
  [SOCK_RAW, 0],
];

/** The (type, proto) pairs glibc lists for each address, given the asked type and proto. */
function socketKinds(type: number, proto: number): [number, number][] | null {
  const kinds = TYPE_PROTO.filter(
    ([t, p]) => (type === 0 || type === t) && (proto === 0 || t === SOCK_RAW || p === proto),
  ).map(([t, p]): [number, number] => [t, t === SOCK_RAW ? proto : p]);
  // With no type asked, a protocol picks its own type only (glibc lists no RAW then).
  if (type === 0 && proto !== 0) return kinds.filter(([t]) => t !== SOCK_RAW);
  return kinds.length === 0 ? null : kinds;
}

/**
 * @internal `loop.getaddrinfo()`: checks the arguments, then resolves on libuv's thread pool.
 */
export function getaddrinfo(
  loop: EventLoop,
  host: unknown,
  port: unknown,
  options: GetaddrinfoOptions | undefined,
): Future<AddrInfo[]> {
  if (host !== null && host !== undefined && typeof host !== "string") {
    throw new TypeError(`getaddrinfo() host must be a string or null, got ${describeValue(host)}`);
  }
  const portValue = parsePort(port, "getaddrinfo() port");
  requireOptions(options, "getaddrinfo() options");
  const family = options?.family ?? 0;
  const type = options?.type ?? 0;
  const proto = options?.proto ?? 0;
  const flags = options?.flags ?? 0;
  requireInteger(family, "getaddrinfo() family", ANY_INTEGER);
  requireInteger(type, "getaddrinfo() type", ANY_INTEGER);
  requireInteger(proto, "getaddrinfo() proto", ANY_INTEGER);
  requireInteger(flags, "getaddrinfo() flags", ANY_INTEGER);
  const description = `getaddrinfo ${host ?? "null"}:${String(portValue)}`;
  return wrapOn(loop, resolve(host ?? null, portValue, family, type, proto, flags), description);
}

async function resolve(
  host: string | null,
  port: number | string,
  family: number,
  type: number,
  proto: number,
  flags: number,
): Promise<AddrInfo[]> {
  if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) {
    throw gaiError("EAI_FAMILY", "ai_family not supported");
  }
  const kinds = socketKinds(type, proto);
  if (kinds === null) throw gaiError("EAI_SOCKTYPE", "ai_socktype not supported");
  if (typeof port === "string") {
    throw gaiError("EAI_SERVICE", "Servname not supported for ai_socktype");
  }
  let addresses: { address: string; family: number }[];
  if (host === null) {
    const passive = (flags & AI_PASSIVE) !== 0;
    addresses = [
      { address: passive ? "0.0.0.0" : "127.0.0.1", family: 4 },
      { address: passive ? "::" : "::1", family: 6 },
    ];
  } else if (host === "" || ((flags & AI_NUMERICHOST) !== 0 && isIP(host) === 0)) {
    throw gaiError("EAI_NONAME", "Name or service not known");
  } else {
    const literal = isIP(host);
    if (literal !== 0) {
      addresses = [{ address: host, family: literal }];
    } else {
      let hints = 0;
      if ((flags & AI_ADDRCONFIG) !== 0) hints |= ADDRCONFIG;
      if ((flags & AI_V4MAPPED) !== 0) hints |= V4MAPPED;
      if ((flags & AI_ALL) !== 0) hints |= ALL;
      try {
        addresses = await dnsPromises.lookup(host, {
          all: true,
          family: family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0,
          hints,
          verbatim: true,
        });
      } catch (error) {
        throw lookupError(error, "getaddrinfo");
      }
    }
  }
  const wanted = family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0;
  const matching = addresses.filter((a) => wanted === 0 || a.family === wanted);
  if (matching.length === 0) {
    throw gaiError("EAI_ADDRFAMILY", "Address family for hostname not supported");
  }
  const records: AddrInfo[] = [];
  for (const { address, family: version } of matching) {
    for (const [t, p] of kinds) {
      records.push([version === 6 ? AF_INET6 : AF_INET, t, p, "", [address, port]]);
    }
  }
  if ((flags & AI_CANONNAME) !== 0 && records[0] !== undefined) {
    // Node does not return the canonical name: the name asked for stands in for it.
    records[0][3] = host ?? "";
  }
  return records;
}

/**
 * @internal `loop.getnameinfo()`: `[host, service]` for an address `[host, port]`.
 */
export function getnameinfo(
  loop: EventLoop,
  sockaddr: unknown,
  flags: unknown,
): Future<[host: string, service: string]> {
  if (
    !Array.isArray(sockaddr) ||
    sockaddr.length < 2 ||
    sockaddr.length > 4 ||
    typeof sockaddr[0] !== "string"
  ) {
    throw new TypeError(
      `getnameinfo() sockaddr must be a [host, port] array, got ${describeValue(sockaddr)}`,
    );
  }
  const [host, rawPort] = sockaddr as [string, unknown];
  const port = requirePort(rawPort, "getnameinfo() port");
  const flagBits = flags ?? 0;
  requireInteger(flagBits, "getnameinfo() flags", ANY_INTEGER);
  return wrapOn(loop, nameOf(host, port, flagBits), `getnameinfo ${host}:${port}`);
}

async function nameOf(host: string, port: number, flags: number): Promise<[string, string]> {
  let address = host;
  if (isIP(host) === 0) {
    // As Python: a name is resolved first, and must give exactly one address.
    let found: { address: string }[];
    try {
      found = await dnsPromises.lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw lookupError(error, "getnameinfo");
    }
    if (found.length !== 1) {
      throw new OSError("sockaddr resolved to multiple addresses", { syscall: "getnameinfo" });
    }
    address = (found[0] as { address: string }).address;
  }
  const numericHost = (flags & NI_NUMERICHOST) !== 0;
  const numericService = (flags & NI_NUMERICSERV) !== 0;
  if (numericHost && numericService) return [address, String(port)];
  let name: { hostname: string; service: string };
  try {
    name = await dnsPromises.lookupService(address, port);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ENOTFOUND" || (flags & NI_NAMEREQD) !== 0) {
      throw lookupError(error, "getnameinfo");
    }
    // No name for the address: its numeric form, as getnameinfo gives without NI_NAMEREQD.
    name = { hostname: address, service: String(port) };
  }
  return [numericHost ? address : name.hostname, numericService ? String(port) : name.service];
}
