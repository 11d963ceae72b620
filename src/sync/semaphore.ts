/**
 * `Semaphore` and `BoundedSemaphore`, as asyncio's: a counter of permits handed to waiters in
 * FIFO order.
 *
 * Invariants (CPython's): `_value` never goes below zero; every waiter Future that was woken
 * (result set, not cancelled) already took one permit off `_value` for its task, and a woken
 * task that is cancelled before it runs gives that permit back and wakes the next waiter; a
 * newcomer takes a permit at once only if no live waiter is in line; whenever permits are
 * free and live waiters are in line, as many waiters as there are permits have been woken.
 */
import { inspect } from "node:util";
import { CancelledError } from "../core/errors.js";
import type { Future } from "../core/future.js";
import { requireInteger } from "../core/validate.js";
import type { Hold } from "./hold.js";
import { acquireHold, runHolding } from "./hold.js";
import { allCancelled, RESOLVED_TRUE } from "./loopBound.js";
import { WaitingLine } from "./waitingLine.js";

/**
 * A semaphore: `acquire()` takes one of `value` permits, waiting (in FIFO order) while none is
 * free; `release()` gives one back.
 *
 * @example
 * const semaphore = new asyncio.Semaphore(3); // at most three downloads at a time
 * await semaphore.with(async () => {
 *   await download(url);
 * });
 */
export class Semaphore extends WaitingLine {
  /** @internal The free permits. */
  _value: number;

  /**
   * `value` is the initial number of permits (default 1).
   *
   * @throws TypeError if `value` is not an integer; RangeError if it is negative.
   */
  constructor(value = 1) {
    super();
    requireInteger(value, `${new.target.name} value`, 0);
    this._value = value;
  }

  /**
   * Whether `acquire()` would have to wait: no permit is free, or tasks that came earlier
   * are still in line for one.
   */
  locked(): boolean {
    const waiters = this._waiters;
    return this._value === 0 || (waiters !== null && !allCancelled(waiters));
  }

  /**
   * Takes a permit and resolves with `true`, waiting in FIFO order while none is free. A free
   * permit nobody waits for is taken at once, without yielding to the loop. If the task is
   * cancelled once a permit was handed to it, the permit goes to the next waiter.
   */
  acquire(): Promise<true> {
    return this._tryAcquire() ? RESOLVED_TRUE : this._acquireSlow();
  }

  /** Gives a permit back, waking the first waiting task if any. */
  release(): void {
    this._value++;
    this.#wakeUpNext();
  }

  /**
   * Runs `fn` holding a permit and releases it however `fn` ends (Python's
   * `async with semaphore`); resolves with `fn`'s result.
   */
  with<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    return runHolding(this, fn, `${this.constructor.name}.with()`);
  }

  /** Takes a permit; the {@link Hold} gives it back when disposed (`await using`). */
  hold(): Promise<Hold> {
    return acquireHold(this);
  }

  override toString(): string {
    const waiters = this._waiters?.length ?? 0;
    const state = this.locked() ? "locked" : `unlocked, value:${this._value}`;
    return `<${this.constructor.name} [${waiters > 0 ? `${state}, waiters:${waiters}` : state}]>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** @internal The fast path: a free permit nobody (alive) waits for. */
  _tryAcquire(): boolean {
    if (this.locked()) return false;
    this._value--;
    return true;
  }

  /** @internal The waiter was woken with a permit: leave the line (CPython's `finally` blocks). */
  _acquired(fut: Future<true>): void {
    this._waiters?.remove(fut);
    this.#wakeUpWhileFree();
  }

  /** @internal The wait failed: leave the line, giving back a permit handed to us meanwhile. */
  _leaveAfterFailure(fut: Future<true>, error: unknown): void {
    this._waiters?.remove(fut);
    if (error instanceof CancelledError && fut.done() && !fut.cancelled()) {
      // The permit was handed to us (`#wakeUpNext` took it off `_value`), but we are not
      // taking it: give it back, for the loop below to pass on.
      this._value++;
    }
    this.#wakeUpWhileFree();
  }

  /**
   * Waiters that arrived while permits were free had to queue up behind us (FIFO): wake as
   * many as there are permits.
   */
  #wakeUpWhileFree(): void {
    while (this._value > 0) {
      if (!this.#wakeUpNext()) break;
    }
  }

  /** Hands a permit to the first waiter not woken yet; false if there is none. */
  #wakeUpNext(): boolean {
    const waiters = this._waiters;
    if (waiters === null) return false;
    for (let i = 0; i < waiters.length; i++) {
      const fut = waiters.at(i);
      if (!fut.done()) {
        this._value--;
        fut.setResult(true);
        return true;
      }
    }
    return false;
  }
}

/**
 * A semaphore that refuses to be released more times than it was acquired: `release()`
 * beyond the initial value is an error instead of a silent extra permit.
 *
 * @example
 * const pool = new asyncio.BoundedSemaphore(2);
 * await pool.acquire();
 * pool.release();
 * pool.release(); // RangeError: BoundedSemaphore released too many times
 */
export class BoundedSemaphore extends Semaphore {
  /** @internal The initial value, which `_value` may not exceed. */
  readonly _boundValue: number;

  /** `value` is the initial (and maximum) number of permits (default 1). */
  constructor(value = 1) {
    super(value);
    this._boundValue = value;
  }

  /**
   * Gives a permit back.
   *
   * @throws RangeError (Python's `ValueError`) if that would exceed the initial value; the
   * semaphore is left unchanged.
   */
  override release(): void {
    if (this._value >= this._boundValue) {
      throw new RangeError("BoundedSemaphore released too many times");
    }
    super.release();
  }
}
