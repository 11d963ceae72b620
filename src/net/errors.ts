/**
 * The errors of the stream layer, named as asyncio names them.
 */
import { named } from "../core/errors.js";

/**
 * Raised by `StreamReader.readexactly()`/`readuntil()` when the stream ends first.
 * `partial` holds the bytes read before the end; `expected` is how many were wanted
 * (`null` when reading until a separator).
 */
export class IncompleteReadError extends Error {
  readonly partial: Uint8Array;
  readonly expected: number | null;

  constructor(partial: Uint8Array, expected: number | null) {
    const wanted = expected === null ? "undefined" : String(expected);
    super(`${partial.length} bytes read on a total of ${wanted} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}
named(IncompleteReadError, "IncompleteReadError");

/**
 * Raised by `StreamReader.readuntil()`/`readline()` when the buffer limit is reached before the
 * separator is found. `consumed` is the number of bytes to skip to make progress.
 */
export class LimitOverrunError extends Error {
  readonly consumed: number;

  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}
named(LimitOverrunError, "LimitOverrunError");
