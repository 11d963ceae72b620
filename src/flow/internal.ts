/**
 * What the combinators share: the check of the awaitables they take (`gather`, `shield`,
 * `waitFor`, `asCompleted`) and the light done callback of their children (`gather`,
 * `taskGroup`).
 */
import type { AwaitableLike } from "../core/awaitable.js";
import { Future } from "../core/future.js";
import type { Runnable } from "../core/runnable.js";
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

/** What `watchChild` reports to: a gather or a task group. */
export interface ChildWatcher {
  /** @internal `child` completed. Runs through the loop, one iteration after it, as a done callback. */
  _childDone(child: Future<unknown>): void;
}

/**
 * A done callback of a combinator's child. It waits in the child's callback list like the
 * Handle `addDoneCallback` makes, so it runs at the same moment, but allocates neither a
 * Handle, nor a contextvars Context, nor an argument array: gathers and task groups register
 * one per child, and they may have hundreds of thousands.
 */
class ChildDone implements Runnable {
  readonly #watcher: ChildWatcher;
  readonly #child: Future<unknown>;

  constructor(watcher: ChildWatcher, child: Future<unknown>) {
    this.#watcher = watcher;
    this.#child = child;
  }

  _run(): void {
    this.#watcher._childDone(this.#child);
  }

  toString(): string {
    return `done callback of ${this.#child}`;
  }
}

/**
 * Calls `watcher._childDone(child)` through the loop once `child` completes (soon, if it
 * already has: like `addDoneCallback`, never synchronously).
 */
export function watchChild(child: Future<unknown>, watcher: ChildWatcher): void {
  const callback = new ChildDone(watcher, child);
  if (child.done()) child._loop._schedule(callback);
  else child._addCallback(callback);
}
