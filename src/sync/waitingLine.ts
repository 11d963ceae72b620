/**
 * @internal What Lock and Semaphore share: a line of waiter Futures and the waiting path of
 * `acquire()`, CPython's `acquire` after its fast path — enqueue a Future and wait; when woken,
 * leave the line and take the resource (its `finally`); when the wait fails, leave the line and
 * pass the wake-up on (its `except CancelledError`). Each subclass says what taking the resource
 * and passing the wake-up on mean for it.
 */

import { Deque } from "../core/deque.js";
import type { Future } from "../core/future.js";
import type { Acquirable } from "./hold.js";
import { LoopBound } from "./loopBound.js";

export abstract class WaitingLine extends LoopBound implements Acquirable {
  /** @internal The Futures of the tasks blocked in `acquire()`, created on first contention. */
  _waiters: Deque<Future<true>> | null = null;

  /** The fast path of `acquire()`: takes the resource if that needs no wait. */
  abstract _tryAcquire(): boolean;

  /** Gives the resource back. */
  abstract release(): void;

  /** @internal The waiter `fut` was woken: leave the line and take the resource. */
  abstract _acquired(fut: Future<true>): void;

  /** @internal The wait on `fut` failed with `error`: leave the line, pass the wake-up on. */
  abstract _leaveAfterFailure(fut: Future<true>, error: unknown): void;

  /** @internal The waiting path of `acquire()`; resolves with `true` holding the resource. */
  _acquireSlow(): Promise<true> {
    return new Promise<true>((resolve, reject) => {
      this._acquireWaiting(() => resolve(true), reject);
    });
  }

  /**
   * @internal The waiting path of `acquire()` for another primitive's wake-up handler
   * (`Condition.wait` re-acquiring, `hold()`): calls `onAcquired` (holding the resource) or
   * `onFailed` from the wake-up itself, so the caller's own promise settles without extra
   * microtasks. Must run in the waiting task's scope; throws if the primitive is bound to
   * another loop.
   */
  _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void {
    const fut = this._newWaiter<true>(`${this.constructor.name}.acquire()`);
    if (this._waiters === null) this._waiters = new Deque();
    this._waiters.push(fut);
    fut.then(
      () => {
        this._acquired(fut);
        onAcquired();
      },
      (error: unknown) => {
        this._leaveAfterFailure(fut, error);
        onFailed(error);
      },
    );
  }
}
