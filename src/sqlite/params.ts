/** Checking the parameters of a statement before they travel to the connection's thread. */

import { isPlainObject } from "../core/validate.js";
import { ProgrammingError } from "./errors.js";
import type { WireParams } from "./protocol.js";

/** A value SQLite stores: `null`, a number, a bigint, a string or bytes. */
export type SqlValue = number | bigint | string | Uint8Array | null;

/**
 * The parameters of a statement: an array for `?` placeholders, an object for `:name` ones.
 * Booleans are bound as 1 and 0 (as Python binds `True`), `undefined` as NULL.
 */
export type Parameters =
  | readonly (SqlValue | boolean | undefined)[]
  | { readonly [name: string]: SqlValue | boolean | undefined };

/** `params` as they travel, or a `ProgrammingError` for what SQLite cannot bind. */
export function checkParams(params: unknown): WireParams {
  if (params === undefined || params === null) return null;
  if (Array.isArray(params)) {
    for (let i = 0; i < params.length; i++) {
      if (!isBindable(params[i])) throw unsupported(String(i + 1), params[i]);
    }
    return params;
  }
  if (typeof params === "object" && isPlainObject(params)) {
    for (const [name, value] of Object.entries(params)) {
      if (!isBindable(value)) throw unsupported(`:${name}`, value);
    }
    return params as Record<string, unknown>;
  }
  throw new ProgrammingError("parameters are of unsupported type");
}

function isBindable(value: unknown): boolean {
  switch (typeof value) {
    case "number":
    case "string":
    case "bigint":
    case "boolean":
    case "undefined":
      return true;
    case "object":
      return value === null || value instanceof Uint8Array;
    default:
      return false;
  }
}

function unsupported(where: string, value: unknown): ProgrammingError {
  const type =
    typeof value === "object" && value !== null
      ? ((value as { constructor?: { name?: string } }).constructor?.name ?? "object")
      : typeof value;
  return new ProgrammingError(`Error binding parameter ${where}: type '${type}' is not supported`);
}
