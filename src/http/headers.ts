/**
 * Headers: the case-insensitive, read-only view of a response's headers (aiohttp's
 * `CIMultiDictProxy`), and the merging of a request's headers.
 */
import { describeValue } from "../core/validate.js";
import type { ReadonlyHeaders } from "./errors.js";

/** The headers a request takes: an object, pairs, or a `Headers`. */
export type HeadersInit =
  | Readonly<Record<string, string | number | readonly string[]>>
  | Iterable<readonly [string, string]>;

/**
 * A response's headers, read-only and case-insensitive: `get(name)` gives the value (several
 * values of one name joined with `", "`, as `fetch`'s `Headers` does), `getAll(name)` each one.
 *
 * @example
 * response.headers.get("Content-Type"); // "text/html; charset=utf-8"
 * for (const [name, value] of response.headers) console.log(name, value);
 */
export class ResponseHeaders implements ReadonlyHeaders {
  readonly #map: Readonly<Record<string, string | string[] | undefined>>;

  /** @internal From undici's headers (lower-case names). */
  constructor(map: Readonly<Record<string, string | string[] | undefined>>) {
    this.#map = map;
  }

  /** The value of `name` (any case), or null; several values joined by `", "`. */
  get(name: string): string | null {
    const value = this.#map[lower(name)];
    if (value === undefined) return null;
    return typeof value === "string" ? value : value.join(", ");
  }

  /** Every value of `name` (any case), in order; empty when there is none. */
  getAll(name: string): string[] {
    const value = this.#map[lower(name)];
    if (value === undefined) return [];
    return typeof value === "string" ? [value] : [...value];
  }

  /** Whether the response has the header `name` (any case). */
  has(name: string): boolean {
    return this.#map[lower(name)] !== undefined;
  }

  /** The names (lower case). */
  keys(): string[] {
    return Object.keys(this.#map).filter((k) => this.#map[k] !== undefined);
  }

  /** Each `[name, value]`, a repeated header once per value. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [name, value] of Object.entries(this.#map)) {
      if (value === undefined) continue;
      if (typeof value === "string") yield [name, value];
      else for (const item of value) yield [name, item];
    }
  }

  /** A plain object of the headers, several values joined by `", "`. */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.keys()) out[name] = this.get(name) as string;
    return out;
  }

  toString(): string {
    return `<ResponseHeaders ${JSON.stringify(this.toJSON())}>`;
  }
}

function lower(name: string): string {
  if (typeof name !== "string") {
    throw new TypeError(`a header name must be a string, got ${describeValue(name)}`);
  }
  return name.toLowerCase();
}

/**
 * @internal Adds `init` to `into` (lower-case names; a later value replaces an earlier one of the
 * same name). `what` names the argument in errors.
 */
export function mergeHeaders(into: Record<string, string>, init: unknown, what: string): void {
  if (init === undefined || init === null) return;
  if (typeof init !== "object") {
    throw new TypeError(
      `${what} must be an object or [name, value] pairs, got ${describeValue(init)}`,
    );
  }
  if (Symbol.iterator in init) {
    for (const pair of init as Iterable<unknown>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError(`${what} pairs must be [name, value], got ${describeValue(pair)}`);
      }
      setHeader(into, pair[0], pair[1], what);
    }
    return;
  }
  for (const name of Object.keys(init)) {
    const value = (init as Record<string, unknown>)[name];
    if (value === undefined) continue;
    setHeader(into, name, value, what);
  }
}

function setHeader(
  into: Record<string, string>,
  name: unknown,
  value: unknown,
  what: string,
): void {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${what} names must be non-empty strings, got ${describeValue(name)}`);
  }
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number") text = String(value);
  else if (Array.isArray(value)) text = value.map(String).join(", ");
  else
    throw new TypeError(`${what} value of ${name} must be a string, got ${describeValue(value)}`);
  into[name.toLowerCase()] = text;
}
