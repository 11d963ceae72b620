/**
 * Argument checks shared by the combinators that take awaitables (`gather`, `shield`,
 * `waitFor`, `asCompleted`).
 */
import type { AwaitableLike } from "../core/awaitable.js";
import { Future } from "../core/future.js";
import { describeValue, isPromiseLike } from "../core/validate.js";

/** Whether `value` is a Task, a Future, a promise or a coroutine function. */
export function isAwaitableLike(value: unknown): value is AwaitableLike<unknown> {
  return value instanceof Future || typeof value === "function" || isPromiseLike(value);
}

/** The TypeError for a value `what` (e.g. "shield() argument") that is not an awaitable. */
export function notAwaitableError(value: unknown, what: string): TypeError {
  return new TypeError(
    `${what} must be a Task, a Future, a promise or a coroutine function, got ${describeValue(value)}`,
  );
}
