/**
 * `Condition`, as asyncio's: tasks wait, holding a shared Lock, until another task notifies
 * them.
 *
 * Invariants (CPython's): `wait()` returns or throws only once it holds the lock again, even
 * when cancelled (it keeps re-acquiring through cancellations, then raises the last one);
 * each task blocked in `wait()` has one Future in `_waiters`, removed by the task itself; a
 * notification is never lost: a waiter that leaves `wait()` with an error after it may have
 * been notified passes a notification on.
 */
import { inspect } from "node:util";
import { Deque } from "../core/deque.js";
import { CancelledError, RuntimeError } from "../core/errors.js";
import type { Future } from "../core/future.js";
import { setResultUnlessDone } from "../core/future.js";
import type { Scope } from "../core/scope.js";
import { describeValue, requireInteger } from "../core/validate.js";
import type { Acquirable, Hold } from "./hold.js";
import { acquireHold, runHolding } from "./hold.js";
import { Lock } from "./lock.js";
import { currentScope, LoopBound, runInScope } from "./loopBound.js";

/**
 * A condition variable: `wait()` releases the lock, blocks until `notify()`/`notifyAll()`, then
 * re-acquires the lock. Several conditions may share one Lock (`new Condition(lock)`).
 *
 * @example
 * const cond = new asyncio.Condition();
 * const items: string[] = [];
 * // consumer
 * const item = await cond.with(async () => {
 *   await cond.waitFor(() => items.length > 0);
 *   return items.shift();
 * });
 * // producer
 * await cond.with(() => {
 *   items.push("pão");
 *   cond.notify();
 * });
 */
export class Condition extends LoopBound implements Acquirable {
  /** @internal The underlying lock. */
  readonly _lock: Lock;
  /** @internal The Futures of the tasks blocked in `wait()`. */
  readonly _waiters: Deque<Future<boolean>> = new Deque();

  /** `lock` is the Lock to use (a new one by default). */
  constructor(lock?: Lock) {
    super();
    if (lock === undefined) {
      this._lock = new Lock();
    } else if (lock instanceof Lock) {
      this._lock = lock;
    } else {
      throw new TypeError(`Condition lock must be a Lock, got ${describeValue(lock)}`);
    }
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this._lock.locked();
  }

  /** Acquires the underlying lock (see `Lock.acquire()`). */
  acquire(): Promise<true> {
    return this._lock.acquire();
  }

  /**
   * Releases the underlying lock (see `Lock.release()`).
   *
   * @throws RuntimeError if the lock is not held.
   */
  release(): void {
    this._lock.release();
  }

  /**
   * Runs `fn` holding the underlying lock and releases it however `fn` ends (Python's
   * `async with cond`); resolves with `fn`'s result.
   */
  with<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return runHolding(this, fn, "Condition.with()");
  }

  /** Acquires the underlying lock; the {@link Hold} releases it when disposed (`await using`). */
  hold(): Promise<Hold> {
    return acquireHold(this);
  }

  /**
   * Releases the lock, waits until notified, re-acquires the lock and resolves with `true`.
   * The lock is held again when it returns or throws, even if the task is cancelled. As in
   * asyncio, a wake-up may be spurious: check the state again (or use `waitFor`).
   *
   * @throws RuntimeError (rejects) if the lock is not held.
   */
  wait(): Promise<true> {
    const scope = currentScope();
    return new Promise<true>((resolve, reject) => {
      this.#startWait(scope, () => resolve(true), reject);
    });
  }

  /**
   * Waits until `predicate()` is truthy and resolves with its value: checks it first, then
   * after each wake-up. The lock must be held (unless the predicate is already true).
   *
   * @example
   * await cond.waitFor(() => queue.length > 0);
   */
  waitFor<T>(predicate: () => T): Promise<T> {
    if (typeof predicate !== "function") {
      return Promise.reject(
        new TypeError(`waitFor() predicate must be a function, got ${describeValue(predicate)}`),
      );
    }
    const scope = currentScope();
    return new Promise<T>((resolve, reject) => {
      this._waitForThen(scope, predicate, resolve, reject);
    });
  }

  /**
   * Wakes up to `n` (default 1) tasks waiting on this condition. They return from `wait()`
   * only once they re-acquire the lock, so the caller should release it.
   *
   * @throws RuntimeError if the lock is not held.
   */
  notify(n = 1): void {
    requireInteger(n, "notify() n", 0);
    if (!this.locked()) throw new RuntimeError("cannot notify on un-acquired lock");
    this._notify(n);
  }

  /**
   * Wakes every task waiting on this condition.
   *
   * @throws RuntimeError if the lock is not held.
   */
  notifyAll(): void {
    this.notify(this._waiters.length);
  }

  override toString(): string {
    const waiters = this._waiters.length;
    const state = this.locked() ? "locked" : "unlocked";
    return `<Condition [${waiters > 0 ? `${state}, waiters:${waiters}` : state}]>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** @internal */
  _tryAcquire(): boolean {
    return this._lock._tryAcquire();
  }

  /** @internal */
  _acquireSlow(): Promise<true> {
    return this._lock._acquireSlow();
  }

  /** @internal */
  _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void {
    this._lock._acquireWaiting(onAcquired, onFailed);
  }

  /**
   * @internal `waitFor` for code that continues from callbacks (Barrier): CPython's
   * `result = predicate(); while not result: await self.wait(); result = predicate()`, each
   * check made in `scope` (the waiting task's) and, after a wait, from the wake-up itself, so
   * `onDone` runs without extra microtasks. `onDone` may be called before this returns.
   */
  _waitForThen<T>(
    scope: Scope | undefined,
    predicate: () => T,
    onDone: (result: T) => void,
    onFailed: (error: unknown) => void,
  ): void {
    const recheck = (): void => {
      let result: T;
      try {
        result = runInScope(scope, () => {
          const value = predicate();
          if (!value) this.#startWait(scope, recheck, onFailed);
          return value;
        });
      } catch (error) {
        onFailed(error);
        return;
      }
      if (result) onDone(result);
    };
    recheck();
  }

  /** @internal Wakes the first `n` waiters not woken yet. */
  _notify(n: number): void {
    const waiters = this._waiters;
    let woken = 0;
    for (let i = 0; i < waiters.length && woken < n; i++) {
      const fut = waiters.at(i);
      if (!fut.done()) {
        woken++;
        setResultUnlessDone(fut, false);
      }
    }
  }

  /**
   * CPython's `wait()` up to its `await fut`: `onDone` or `onFailed` is called from the
   * wake-up once the lock is held again. Runs in the waiting task's scope.
   *
   * @throws RuntimeError if the lock is not held, or the condition is bound to another loop.
   */
  #startWait(
    scope: Scope | undefined,
    onDone: () => void,
    onFailed: (error: unknown) => void,
  ): void {
    if (!this.locked()) throw new RuntimeError("cannot wait on un-acquired lock");
    const fut = this._newWaiter<boolean>("Condition.wait()");
    this.release();
    this._waiters.push(fut);
    const woken = (failed: boolean, error: unknown): void => {
      this._waiters.remove(fut); // CPython's inner `finally`
      this.#reacquire(scope, failed, error, onDone, onFailed);
    };
    fut.then(
      () => woken(false, undefined),
      (error: unknown) => woken(true, error),
    );
  }

  /**
   * CPython's `finally` and `except` blocks of `wait()`, run from the wake-up: re-acquire the
   * lock whatever happened (at once when it is free), retrying through cancellations, of which
   * the last replaces the wait's outcome; then settle, passing a notification on after an
   * error, since this task may have been notified before it.
   */
  #reacquire(
    scope: Scope | undefined,
    failed: boolean,
    error: unknown,
    onDone: () => void,
    onFailed: (error: unknown) => void,
  ): void {
    const settle = (): void => {
      if (!failed) {
        onDone();
        return;
      }
      this._notify(1);
      onFailed(error);
    };
    if (this._tryAcquire()) {
      settle();
      return;
    }
    const acquireFailed = (acquireError: unknown): void => {
      if (acquireError instanceof CancelledError) {
        // Keep trying; this cancellation is raised once the lock is held again.
        this.#reacquire(scope, true, acquireError, onDone, onFailed);
        return;
      }
      // Only CancelledError is retried, so that no other error can make this spin.
      this._notify(1);
      onFailed(acquireError);
    };
    try {
      runInScope(scope, () => this._lock._acquireWaiting(settle, acquireFailed));
    } catch (acquireError) {
      acquireFailed(acquireError);
    }
  }
}
