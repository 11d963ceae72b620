/**
 * `waitFor(aw, timeout)`: await with a deadline, as asyncio's `wait_for` since Python 3.12,
 * which is `timeout()` around the await.
 *
 * A coroutine function runs in the current task (as 3.12 awaits the coroutine directly), so
 * the deadline cancels it at its own awaits; a Task or Future is awaited, and cancelled with
 * the waiting when the deadline passes. Because the deadline is a `timeout()`, a result that
 * arrives as the deadline fires is not lost and a task that suppresses the cancellation and
 * returns a value gives that value, as in CPython.
 */
import type { AwaitableLike } from "../core/awaitable.js";
import { ensureFuture, wrap } from "../core/awaitable.js";
import type { Duration } from "../core/durations.js";
import { toSecondsOrNull } from "../core/durations.js";
import { CancelledError, TimeoutError } from "../core/errors.js";
import type { Future } from "../core/future.js";
import { setResultUnlessDone } from "../core/future.js";
import { getRunningLoop } from "../core/scope.js";
import { parkOn } from "../core/wakeup.js";
import { isAwaitableLike, notAwaitableError } from "./internal.js";
import { timeout as runWithTimeout } from "./timeout.js";

/**
 * Waits for `aw` (a Task, a Future, a promise, or a coroutine function run in the current
 * task) for at most `timeout` seconds (or a duration string; `null`: no limit). On timeout,
 * `aw` is cancelled and the call rejects with a `TimeoutError` (its `cause` is the
 * `CancelledError`). A timeout of zero or less cancels `aw` at once unless it is already done.
 * To keep `aw` running past the timeout, pass `asyncio.shield(task)`.
 *
 * @example
 * try {
 *   const data = await asyncio.waitFor(() => fetchData(), 5);
 * } catch (err) {
 *   if (err instanceof asyncio.TimeoutError) console.log("gave up after 5 s");
 * }
 */
export async function waitFor<T>(aw: AwaitableLike<T>, timeout: Duration | null): Promise<T> {
  if (!isAwaitableLike(aw)) throw notAwaitableError(aw, "waitFor() awaitable");
  const seconds = toSecondsOrNull(timeout, "waitFor() timeout");
  if (seconds !== null && seconds <= 0) {
    // No time at all: a coroutine function is not even started (its Task is cancelled first).
    const future = ensureFuture(aw);
    if (future.done()) return future.result();
    await cancelAndWait(future);
    try {
      return future.result();
    } catch (error) {
      if (error instanceof CancelledError) throw new TimeoutError(undefined, { cause: error });
      throw error;
    }
  }
  return runWithTimeout(seconds, () => (typeof aw === "function" ? aw() : wrap(aw)));
}

/**
 * Cancels `future` and waits until it is done. The wait parks on a Future of its own, so
 * that cancelling the waiting task does not cancel `future` a second time.
 */
async function cancelAndWait(future: Future<unknown>): Promise<void> {
  const waiter = getRunningLoop().createFuture<void>();
  const release = (): void => setResultUnlessDone(waiter, undefined);
  future.addDoneCallback(release);
  try {
    future.cancel();
    await parkOn(waiter);
  } finally {
    future.removeDoneCallback(release);
  }
}
