/**
 * @internal How the library's objects show themselves: `console.log(lock)` prints the same
 * text as `String(lock)`, as Python's `repr`.
 */
import { inspect } from "node:util";

function inspectAsText(this: object): string {
  return String(this);
}

/** @internal Makes `util.inspect` (and so `console.log`) show instances of `cls` as `toString()`. */
export function inspectAsToString(cls: abstract new (...args: never[]) => object): void {
  Object.defineProperty(cls.prototype, inspect.custom, {
    value: inspectAsText,
    writable: true,
    configurable: true,
  });
}
