/**
 * @internal The wake-up protocol: how code that awaits a Future resumes.
 *
 * Awaiting a pending Future from a Task records it as the Task's `_futWaiter`, so
 * `task.cancel()` cancels it. When the Future completes, the waiting code resumes through the
 * loop one iteration later, exactly when asyncio's `Task.__wakeup` would resume it: a
 * `Reaction` (or the Task itself, for the one wait it parks on as its own wake-up, see
 * `parkOn`) runs and settles the awaiting promise with the Future's outcome, unless the task
 * was cancelled meanwhile, in which case it delivers that cancellation instead (`wakeFrom`).
 */
import { CancelledError } from "./errors.js";
import type { Future } from "./future.js";
import { CANCELLED, PENDING, REJECTED, RESOLVED } from "./future.js";
import type { OnFulfilled, OnRejected, Settle } from "./resolvers.js";
import {
  capturedReject,
  capturedResolve,
  captureResolvers,
  releaseResolvers,
} from "./resolvers.js";
import type { Runnable } from "./runnable.js";
import { scopeStorage } from "./scope.js";
import type { Task } from "./task.js";

/**
 * @internal The wake-up of code awaiting a Future. It runs through the loop when the Future
 * completes and settles the awaiting promise with the outcome, unless the awaiting Task was
 * cancelled meanwhile, in which case it delivers that cancellation instead.
 */
export class Reaction implements Runnable {
  readonly future: Future<unknown>;
  task: Task<unknown> | null;
  readonly #resolve: Settle;
  readonly #reject: Settle;
  readonly #onFulfilled: OnFulfilled<unknown, unknown>;
  readonly #onRejected: OnRejected<unknown>;

  constructor(
    future: Future<unknown>,
    task: Task<unknown> | null,
    resolve: Settle,
    reject: Settle,
    onFulfilled: OnFulfilled<never, unknown>,
    onRejected: OnRejected<unknown>,
  ) {
    this.future = future;
    this.task = task;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#onFulfilled = onFulfilled as OnFulfilled<unknown, unknown>;
    this.#onRejected = onRejected;
  }

  _run(): void {
    const fulfilled = wakeFrom(this.task, this.future);
    this._settle(fulfilled, wakeOutcome.value);
  }

  /** Settles the awaiting promise, through the `then` handlers when there are any. */
  _settle(fulfilled: boolean, value: unknown): void {
    const handler = fulfilled ? this.#onFulfilled : this.#onRejected;
    if (typeof handler !== "function") {
      (fulfilled ? this.#resolve : this.#reject)(value);
      return;
    }
    try {
      this.#resolve(handler(value));
    } catch (error) {
      this.#reject(error);
    }
  }

  toString(): string {
    return this.task === null ? `wake-up of ${this.future}` : `step of ${this.task}`;
  }
}

/** @internal Where `wakeFrom` leaves the value or error a wait delivers. */
export const wakeOutcome: { value: unknown } = { value: undefined };

/**
 * @internal What code that waited on `future` (null: a `sleep(0)` yield) receives when it
 * resumes: the future's result or error, or the awaiting `task`'s CancelledError when the task
 * was cancelled meanwhile (asyncio's `__wakeup` then `__step`). Returns whether the wait
 * fulfils; the value or error is left in `wakeOutcome.value`.
 */
export function wakeFrom(task: Task<unknown> | null, future: Future<unknown> | null): boolean {
  if (task !== null) task._loop._wokenTask = task;
  if (future === null) {
    if (task?._endWait(null, false)) {
      wakeOutcome.value = task._makeCancelledError();
      return false;
    }
    wakeOutcome.value = undefined;
    return true;
  }
  const state = future._state;
  const outcomeIsCancel =
    state === CANCELLED || (state === REJECTED && future._result instanceof CancelledError);
  if (task?._endWait(future, outcomeIsCancel) && !outcomeIsCancel) {
    wakeOutcome.value = task._makeCancelledError();
    return false;
  }
  switch (state) {
    case RESOLVED:
      wakeOutcome.value = future._result;
      return true;
    case REJECTED:
      future._retrieved();
      wakeOutcome.value = future._result;
      return false;
    default:
      wakeOutcome.value = future._makeCancelledError();
      return false;
  }
}

/**
 * @internal Awaits `future` from library code: the same parking as `await future`, without
 * the intermediate promise `then` must return. A task that is not already waiting on
 * something else is its own wake-up (no Reaction is allocated).
 */
export function parkOn<T>(future: Future<T>): Promise<T> {
  if (future._state !== PENDING) return future._settledPromise() as Promise<T>;
  const promise = new Promise<T>(captureResolvers<T>);
  const task = scopeStorage.getStore()?._currentTask() ?? null;
  if (task !== null && task._waitResolve === null && task !== (future as Future<unknown>)) {
    task._park(future, capturedResolve, capturedReject);
  } else {
    future._await(new Reaction(future, null, capturedResolve, capturedReject, null, null));
  }
  releaseResolvers();
  return promise;
}
