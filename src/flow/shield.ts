/**
 * `shield(aw)`: await something without letting a cancellation of the awaiting task reach it,
 * as asyncio's `shield`.
 *
 * The awaiting code gets an outer Future that mirrors the inner one; cancelling the outer
 * Future (which is what cancelling the awaiting task does) leaves the inner one running.
 */
import type { AwaitableLike } from "../core/awaitable.js";
import { ensureFuture } from "../core/awaitable.js";
import type { Future } from "../core/future.js";
import { futureAddToAwaitedBy, futureDiscardFromAwaitedBy, REJECTED } from "../core/future.js";
import { getRunningLoop, scopeStorage } from "../core/scope.js";
import { isAwaitableLike, notAwaitableError } from "./internal.js";

/**
 * A Future that settles as `aw` does, but whose cancellation does not cancel `aw`. A
 * coroutine function is started as a Task. If `aw` is cancelled by other means, the result
 * is cancelled too. An awaitable that is already done is returned as it is.
 *
 * @example
 * const save = asyncio.createTask(() => saveToDisk(data));
 * try {
 *   await asyncio.shield(save); // a cancellation of this task does not stop the save
 * } catch (err) {
 *   if (err instanceof asyncio.CancelledError) await save; // let it finish, then go
 *   throw err;
 * }
 */
export function shield<T>(aw: AwaitableLike<T>): Future<T> {
  if (!isAwaitableLike(aw)) {
    const failed = getRunningLoop().createFuture<T>();
    failed.setException(notAwaitableError(aw, "shield() argument"));
    return failed;
  }
  const inner = ensureFuture(aw);
  if (inner.done()) return inner;
  const loop = inner.getLoop();
  const outer = loop.createFuture<T>();
  // The calling task awaits `inner` until it is done (the call graph), as in asyncio 3.14.
  const scope = scopeStorage.getStore();
  const caller = scope !== undefined && scope._loop === loop ? scope._currentTask() : null;
  if (caller !== null) {
    futureAddToAwaitedBy(inner, caller);
    inner.addDoneCallback(() => futureDiscardFromAwaitedBy(inner, caller));
  }
  const onInnerDone = (): void => {
    if (outer.cancelled()) {
      // Nobody awaits the result any more; it counts as retrieved.
      if (!inner.cancelled()) inner.exception();
      return;
    }
    if (inner.cancelled()) {
      outer.cancel();
      return;
    }
    if (inner._state === REJECTED) {
      inner._retrieved();
      outer._reject(inner._result);
    } else {
      outer._resolve(inner._result);
    }
  };
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(() => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  });
  return outer;
}
