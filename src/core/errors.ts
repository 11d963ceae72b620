/**
 * The error classes asyncio-ts raises, named as asyncio names them.
 *
 * Every class extends `Error`, so stacks print and `instanceof Error` holds. The `name` of each
 * lives on its prototype (not on every instance): cancellation errors are created often.
 */

/** @internal Puts `name` on the prototype of the error class `cls` (errors are created often). */
export function named<T extends abstract new (...args: never[]) => Error>(cls: T, name: string): T {
  Object.defineProperty(cls.prototype, "name", {
    value: name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return cls;
}

/**
 * Raised at a task's await when the task (or what it awaits) is cancelled.
 *
 * Catch it only to clean up, then rethrow: a task that swallows it is not cancelled, and
 * `TaskGroup` and `timeout` count on seeing it.
 *
 * @example
 * try {
 *   await asyncio.sleep(10);
 * } catch (err) {
 *   if (err instanceof asyncio.CancelledError) console.log("cleaning up");
 *   throw err;
 * }
 */
export class CancelledError extends Error {}
named(CancelledError, "CancelledError");

/**
 * @internal A `CancelledError` made by the loop (delivered at an await, or standing for a
 * cancelled Future's outcome), made without capturing a stack trace: such a stack would show
 * only the loop's own frames, never the awaits the error goes through, and capturing it was a
 * third of the time of cancelling sleeping tasks (bench/cancel.bench.ts). Its `stack` is its
 * first line, `CancelledError: message`. A `new CancelledError()` in user code keeps its stack.
 */
export function loopCancelledError(message: string | undefined): CancelledError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new CancelledError(message);
  Error.stackTraceLimit = limit;
  return error;
}

/** Raised when an operation exceeds its deadline (`timeout`, `waitFor`, `asCompleted`). */
export class TimeoutError extends Error {}
named(TimeoutError, "TimeoutError");

/** Raised when an operation is not allowed in the current state (e.g. `result()` of a pending Future). */
export class InvalidStateError extends Error {}
named(InvalidStateError, "InvalidStateError");

/**
 * Raised for misuse that asyncio reports as Python's `RuntimeError`: `run()` inside a running
 * loop, a task awaiting itself, a primitive used from two loops, no running loop.
 */
export class RuntimeError extends Error {}
named(RuntimeError, "RuntimeError");

/**
 * Raised by `run()` when its main task was cancelled because the process received SIGINT
 * (Ctrl-C), as Python raises `KeyboardInterrupt`.
 */
export class KeyboardInterrupt extends Error {}
named(KeyboardInterrupt, "KeyboardInterrupt");

/** Raised by `ContextVar.get()` when the variable has no value and no default, as Python's `LookupError`. */
export class LookupError extends Error {}
named(LookupError, "LookupError");
