/**
 * Turning the awaitables JavaScript has into Futures: `wrap(promise)` and `ensureFuture(aw)`.
 */
import { Future, PENDING } from "./future.js";
import type { EventLoop } from "./loop.js";
import { getRunningLoop } from "./scope.js";
import type { CoroutineFunction } from "./task.js";
import { createTask } from "./task.js";
import { describeValue, isPromiseLike } from "./validate.js";

/**
 * What the combinators accept: a Task, a Future, any promise, or a coroutine function (which
 * is started as its own Task).
 */
export type AwaitableLike<T> = PromiseLike<T> | CoroutineFunction<T>;

/** The value an {@link AwaitableLike} resolves to. */
export type AwaitedResult<A> =
  A extends CoroutineFunction<infer T> ? T : A extends PromiseLike<infer T> ? T : never;

/**
 * A Future that settles as `promise` does, making any promise a cancellation point: awaiting
 * it from a task can be cancelled (the promise itself runs on, as a thread would under
 * `runInExecutor`). While it is pending the loop counts it as an operation in flight, so a
 * virtual clock waits for it instead of jumping ahead.
 *
 * @example
 * const body = await asyncio.wrap(fs.promises.readFile(path, "utf8"));
 */
export function wrap<T>(promise: PromiseLike<T>): Future<T> {
  if (promise instanceof Future) return promise;
  if (!isPromiseLike(promise)) {
    throw new TypeError(`wrap() expects a promise, got ${describeValue(promise)}`);
  }
  return wrapOn(getRunningLoop(), promise);
}

/**
 * @internal `wrap(promise)` on `loop`, running or not (`loop.runUntilComplete(promise)`); the
 * caller checked that `promise` is a thenable and not a Future. `description` names the hold.
 */
export function wrapOn<T>(
  loop: EventLoop,
  promise: PromiseLike<T>,
  description = "wrap() of a promise",
): Future<T> {
  const future = loop.createFuture<T>();
  const hold = loop.inFlight(description);
  const settle = (fulfilled: boolean, outcome: unknown): void => {
    hold.release();
    if (future._state !== PENDING || loop.isClosed()) return;
    if (fulfilled) future._resolve(outcome);
    else future._reject(outcome);
  };
  Promise.resolve(promise).then(
    (value) => settle(true, value),
    (error) => settle(false, error),
  );
  // Cancelled (or settled) first: the promise runs on, but the loop no longer waits for it.
  future.addDoneCallback(() => hold.release());
  return future;
}

/**
 * `aw` as a Future: a Future or Task as is, a coroutine function started as a Task, a promise
 * wrapped with `wrap()`.
 *
 * @example
 * const future = asyncio.ensureFuture(async () => 42); // a Task
 */
export function ensureFuture<T>(aw: AwaitableLike<T>): Future<T> {
  if (aw instanceof Future) return aw;
  if (typeof aw === "function") return createTask(aw);
  if (isPromiseLike(aw)) return wrap(aw);
  throw new TypeError(
    `expected a Future, a Task, a promise or a coroutine function, got ${describeValue(aw)}`,
  );
}
