/**
 * `Condition`, as asyncio's: tasks wait, holding a shared Lock, until another task notifies
 * them.
 *
 * Invariants (CPython's): `wait()` returns or throws only once it holds the lock again, even
 * when cancelled (it keeps re-acquiring through cancellations, then raises the last one);
 * each task blocked in `wait()` has one Waiter in the condition's parking lot, which it leaves
 * itself; a notification is never lost: a waiter that leaves `wait()` with an error after it
 * may have been notified passes a notification on.
 *
 * A notified waiter goes back into the lock's line when it runs, not when it is notified (no
 * Trio-style `repark`): a task that takes the free lock in between goes first, as in CPython
 * (test "a newcomer takes the lock before a notified waiter", checked against CPython).
 */
import { inspectAsToString } from "../core/display.js";
import { CancelledError, RuntimeError } from "../core/errors.js";
import { ParkingLot } from "../core/parkingLot.js";
import type { Scope } from "../core/scope.js";
import { currentScope, runInScope } from "../core/scope.js";
import { describeValue, requireInteger } from "../core/validate.js";
import { Acquirable } from "./acquirable.js";
import type { LockStatistics } from "./lock.js";
import { Lock } from "./lock.js";

/** What `Condition.statistics()` returns. */
export interface ConditionStatistics {
  /** The tasks blocked in `wait()` (or notified and not yet resumed). */
  readonly tasksWaiting: number;
  /** The statistics of the underlying lock. */
  readonly lockStatistics: LockStatistics;
}

export class Condition extends Acquirable {
  readonly #lock: Lock;
  readonly #lot = new ParkingLot(this);

  /** `lock` is the Lock to use (a new one by default). */
  constructor(lock?: Lock) {
    super();
    if (lock === undefined) {
      this.#lock = new Lock();
    } else if (lock instanceof Lock) {
      this.#lock = lock;
    } else {
      throw new TypeError(`Condition lock must be a Lock, got ${describeValue(lock)}`);
    }
  }

  /** Whether the underlying lock is held. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Releases the underlying lock (see `Lock.release()`).
   *
   * @throws RuntimeError if the lock is not held.
   */
  release(): void {
    this.#lock.release();
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
    this.#lot.unpark(n);
  }

  /**
   * Wakes every task waiting on this condition.
   *
   * @throws RuntimeError if the lock is not held.
   */
  notifyAll(): void {
    this.notify(this.#lot.size);
  }

  /** How many tasks wait to be notified, and the statistics of the underlying lock. */
  statistics(): ConditionStatistics {
    return { tasksWaiting: this.#lot.tasksWaiting(), lockStatistics: this.#lock.statistics() };
  }

  override toString(): string {
    return this.#lot.describe("Condition", this.locked() ? "locked" : "unlocked");
  }

  /** @internal */
  _tryAcquire(): boolean {
    return this.#lock._tryAcquire();
  }

  /** @internal */
  _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void {
    this.#lock._acquireWaiting(onAcquired, onFailed);
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
    this.#lot.bind(); // refuse another loop while the lock is still held
    this.release();
    // The lot's cleanup is CPython's inner `finally`; the handlers go on with its outer one.
    this.#lot.park(
      "Condition.wait()",
      () => this.#reacquire(scope, false, undefined, onDone, onFailed),
      (error) => this.#reacquire(scope, true, error, onDone, onFailed),
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
      this.#lot.unpark(1);
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
      this.#lot.unpark(1);
      onFailed(acquireError);
    };
    try {
      runInScope(scope, () => this.#lock._acquireWaiting(settle, acquireFailed));
    } catch (acquireError) {
      acquireFailed(acquireError);
    }
  }
}
inspectAsToString(Condition);
