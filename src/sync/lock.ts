/**
 * `Lock`, as asyncio's: a mutual-exclusion lock not owned by any task, handed to waiters in
 * FIFO order.
 *
 * Invariants (CPython's): `_locked` says whether some task holds the lock; `_waiters` holds
 * one Future per task blocked in `acquire()`, in arrival order, each removed by its own task
 * when it wakes up. A free lock is taken at once only if no waiter is in line (or all of them
 * are cancelled): a released lock never goes to a newcomer ahead of a waiter already woken.
 * Whenever the lock is free and a live waiter is in line, the first one has been woken.
 */
import { inspect } from "node:util";
import { CancelledError, RuntimeError } from "../core/errors.js";
import type { Future } from "../core/future.js";
import { setResultUnlessDone } from "../core/future.js";
import type { Hold } from "./hold.js";
import { acquireHold, runHolding } from "./hold.js";
import { allCancelled, RESOLVED_TRUE } from "./loopBound.js";
import { WaitingLine } from "./waitingLine.js";

/**
 * A mutual-exclusion lock for tasks. `acquire()` waits until the lock is free, then takes it;
 * `release()` frees it and lets the longest-waiting task take it next.
 *
 * It can be created outside any loop; it binds to the loop of the first task that has to wait
 * on it.
 *
 * @example
 * const lock = new asyncio.Lock();
 * // Python: async with lock: ...
 * await lock.with(async () => {
 *   await writeRecord();
 * });
 * // or, with explicit resource management:
 * {
 *   await using _ = await lock.hold();
 *   await writeRecord();
 * }
 */
export class Lock extends WaitingLine {
  /** @internal */
  _locked = false;

  /** Whether the lock is held. */
  locked(): boolean {
    return this._locked;
  }

  /**
   * Waits until the lock is free, takes it and resolves with `true`. A free lock with nobody
   * waiting is taken at once, without yielding to the loop. If the task is cancelled while
   * waiting, it leaves the line and the lock is passed on to the next waiter.
   */
  acquire(): Promise<true> {
    return this._tryAcquire() ? RESOLVED_TRUE : this._acquireSlow();
  }

  /**
   * Frees the lock; the first waiting task, if any, takes it next.
   *
   * @throws RuntimeError if the lock is not held.
   */
  release(): void {
    if (!this._locked) throw new RuntimeError("Lock is not acquired.");
    this._locked = false;
    this.#wakeUpFirst();
  }

  /**
   * Runs `fn` holding the lock and releases it however `fn` ends (Python's `async with lock`);
   * resolves with `fn`'s result. A `fn` that returns no promise runs and releases the lock in
   * one synchronous step.
   *
   * @example
   * const total = await lock.with(async () => {
   *   balance += await fetchDeposit();
   *   return balance;
   * });
   */
  with<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return runHolding(this, fn, "Lock.with()");
  }

  /**
   * Acquires the lock and resolves with a {@link Hold} that releases it when disposed: the form
   * of `async with lock` for `await using`.
   *
   * @example
   * {
   *   await using _ = await lock.hold();
   *   await writeRecord();
   * } // released here, even if writeRecord() threw
   */
  hold(): Promise<Hold> {
    return acquireHold(this);
  }

  override toString(): string {
    const waiters = this._waiters?.length ?? 0;
    const state = this._locked ? "locked" : "unlocked";
    return `<Lock [${waiters > 0 ? `${state}, waiters:${waiters}` : state}]>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** @internal The fast path: a free lock nobody (alive) waits for. */
  _tryAcquire(): boolean {
    if (this._locked) return false;
    const waiters = this._waiters;
    if (waiters !== null && waiters.length > 0 && !allCancelled(waiters)) return false;
    this._locked = true;
    return true;
  }

  /** @internal The waiter was woken: leave the line (CPython's `finally`) and take the lock. */
  _acquired(fut: Future<true>): void {
    this._waiters?.remove(fut);
    this._locked = true;
  }

  /** @internal The wait failed: leave the line, and pass the wake-up on if it may have been ours. */
  _leaveAfterFailure(fut: Future<true>, error: unknown): void {
    this._waiters?.remove(fut);
    // Keep the invariant: if the lock is free (we did not take it), the first waiter in line
    // must be woken, since we may have consumed the wake-up meant for it.
    if (error instanceof CancelledError && !this._locked) this.#wakeUpFirst();
  }

  /** Wakes the first waiter unless it was already woken (or cancelled). */
  #wakeUpFirst(): void {
    const first = this._waiters?.peek();
    if (first !== undefined) setResultUnlessDone(first, true);
  }
}
