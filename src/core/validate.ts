/**
 * Argument checks for the public surface: each throws a `TypeError`/`RangeError` whose message
 * names the parameter, what was expected and what arrived.
 */

/** A short description of a value for error messages: `string "soon"`, `a function`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return `string ${JSON.stringify(value)}`;
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "object") {
    if (typeof (value as { then?: unknown }).then === "function") return "a promise";
    const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
    return ctor ? `an instance of ${ctor}` : "an object";
  }
  return `${typeof value} ${String(value)}`;
}

/** `value` must be a function. */
export function requireFunction(
  value: unknown,
  what: string,
): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") {
    throw new TypeError(`${what} must be a function, got ${describeValue(value)}`);
  }
}

/** `value` must be an integer >= `min`. */
export function requireInteger(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${what} must be an integer, got ${describeValue(value)}`);
  }
  if (value < min) {
    throw new RangeError(`${what} must be >= ${min}, got ${value}`);
  }
}

/** `value` must be `undefined` or a plain options object. */
export function requireOptions(value: unknown, what: string): void {
  if (value !== undefined && (value === null || typeof value !== "object")) {
    throw new TypeError(`${what} must be an options object, got ${describeValue(value)}`);
  }
}

/** True for an object made by `{ ... }` (or with a null prototype), not a class instance. */
export function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True when `value` has a callable `then`. */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** The message of a `cancel(msg)` call: a string or nothing. */
export function requireCancelMessage(msg: unknown): asserts msg is string | undefined {
  if (msg !== undefined && typeof msg !== "string") {
    throw new TypeError(`cancel() message must be a string, got ${describeValue(msg)}`);
  }
}
