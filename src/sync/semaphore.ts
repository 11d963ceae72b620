/**
 * `Semaphore` and `BoundedSemaphore`, as asyncio's: a counter of permits handed to waiters in
 * FIFO order.
 *
 * Invariants (CPython's): `#value` never goes below zero; every Waiter that was woken (result
 * set, not cancelled) already took one permit off `#value` for its task, and a woken task that
 * is cancelled before it runs gives that permit back and wakes the next waiter; a newcomer
 * takes a permit at once only if no live waiter is in line; whenever permits are free and
 * live waiters are in line, as many waiters as there are permits have been woken.
 */
import { inspectAsToString } from "../core/display.js";
import { CancelledError } from "../core/errors.js";
import { ParkingLot } from "../core/parkingLot.js";
import { requireInteger } from "../core/validate.js";
import { Acquirable } from "./acquirable.js";

/** What `Semaphore.statistics()` returns. */
export interface SemaphoreStatistics {
  /** The free permits. */
  readonly value: number;
  /** The tasks in line for a permit: blocked in `acquire()`, or woken and not yet resumed. */
  readonly tasksWaiting: number;
}

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
export class Semaphore extends Acquirable {
  #value: number;
  /** The most permits there may be: the initial value for a BoundedSemaphore. */
  readonly #bound: number;
  readonly #lot = new ParkingLot(this);

  /**
   * `value` is the initial number of permits (default 1).
   *
   * @throws TypeError if `value` is not an integer; RangeError if it is negative.
   */
  constructor(value = 1) {
    super();
    requireInteger(value, `${new.target.name} value`, 0);
    this.#value = value;
    this.#bound = this instanceof BoundedSemaphore ? value : Number.POSITIVE_INFINITY;
  }

  /**
   * Whether `acquire()` would have to wait: no permit is free, or tasks that came earlier
   * are still in line for one.
   */
  locked(): boolean {
    return this.#value === 0 || this.#lot.hasLiveWaiter();
  }

  /**
   * Gives a permit back, waking the first waiting task if any.
   *
   * @throws RangeError (Python's `ValueError`) for a BoundedSemaphore released more times than
   * it was acquired; the semaphore is left unchanged.
   */
  release(): void {
    if (this.#value >= this.#bound) {
      throw new RangeError(`${this.constructor.name} released too many times`);
    }
    this.#value++;
    this.#wakeUpNext();
  }

  /** The free permits and how many tasks wait for one. */
  statistics(): SemaphoreStatistics {
    return { value: this.#value, tasksWaiting: this.#lot.tasksWaiting() };
  }

  override toString(): string {
    const state = this.locked() ? "locked" : `unlocked, value:${this.#value}`;
    return this.#lot.describe(this.constructor.name, state);
  }

  /** @internal The fast path: a free permit nobody (alive) waits for. */
  _tryAcquire(): boolean {
    if (this.locked()) return false;
    this.#value--;
    return true;
  }

  /** @internal CPython's `acquire` after its fast path, with its `finally` blocks. */
  _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void {
    this.#lot.park(
      `${this.constructor.name}.acquire()`,
      () => {
        this.#wakeUpWhileFree();
        onAcquired();
      },
      (error, woken) => {
        // The permit was handed to us (`#wakeUpNext` took it off `#value`), but we are not
        // taking it: give it back, for the loop below to pass on.
        if (error instanceof CancelledError && woken) this.#value++;
        this.#wakeUpWhileFree();
        onFailed(error);
      },
    );
  }

  /**
   * Waiters that arrived while permits were free had to queue up behind us (FIFO): wake as
   * many as there are permits.
   */
  #wakeUpWhileFree(): void {
    while (this.#value > 0) {
      if (!this.#wakeUpNext()) break;
    }
  }

  /** Hands a permit to the first waiter not woken yet; false if there is none. */
  #wakeUpNext(): boolean {
    if (this.#lot.unpark(1) === 0) return false;
    this.#value--;
    return true;
  }
}
inspectAsToString(Semaphore);

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
export class BoundedSemaphore extends Semaphore {}
