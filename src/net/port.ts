/**
 * @internal Port numbers as the network functions take them: one check for connections,
 * servers, UDP endpoints and name lookups.
 */
import { describeValue } from "../core/validate.js";

/**
 * `port` checked: an integer in 0..65535.
 *
 * @throws TypeError for a non-integer; RangeError outside 0..65535.
 */
export function requirePort(port: unknown, what: string): number {
  if (typeof port !== "number" || !Number.isInteger(port)) {
    throw new TypeError(`${what} must be an integer, got ${describeValue(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`${what} must be in 0..65535, got ${port}`);
  return port;
}

/** A port from a number or a numeric string (as getaddrinfo takes a service), checked. */
export function toPort(port: unknown, what: string): number {
  return requirePort(typeof port === "string" && /^\d+$/.test(port) ? Number(port) : port, what);
}
