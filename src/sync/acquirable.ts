/**
 * `Acquirable`: what Lock, Semaphore, BoundedSemaphore and Condition share — `acquire()`, and
 * the two forms of Python's `async with`: `with(fn)`, which runs `fn` holding the primitive and
 * releases it however `fn` ends, and `hold()`, whose result releases it at the end of an
 * `await using` block. Each primitive says how it is taken at once (`_tryAcquire`) and how a
 * task waits for it (`_acquireWaiting`, on the primitive's parking lot).
 */
import { RESOLVED_TRUE } from "../core/resolvers.js";
import { describeValue, isPromiseLike } from "../core/validate.js";
import { Hold } from "./hold.js";

/** A primitive that is acquired and released: Lock, Semaphore, BoundedSemaphore, Condition. */
export abstract class Acquirable {
  /** Whether `acquire()` would have to wait. */
  abstract locked(): boolean;

  /** Gives the primitive back, letting the first waiting task take it. */
  abstract release(): void;

  /** @internal The fast path of `acquire()`: takes the primitive if that needs no wait. */
  abstract _tryAcquire(): boolean;

  /**
   * @internal The waiting path of `acquire()`: parks the current task and calls `onAcquired`
   * (holding the primitive) or `onFailed` from the wake-up itself, so that a caller continuing
   * from callbacks (`Condition.wait` re-acquiring, `Barrier.wait`, `hold()`) settles without
   * extra microtasks.
   *
   * @throws RuntimeError (synchronously) if the primitive is bound to another loop.
   */
  abstract _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void;

  /**
   * Takes the primitive and resolves with `true`, waiting in FIFO order while it cannot be
   * taken. When it can be taken and nobody waits ahead, it is taken at once, without yielding
   * to the loop. A task cancelled while waiting leaves the line, and whatever was handed to it
   * meanwhile goes to the next waiter.
   */
  acquire(): Promise<true> {
    return this._tryAcquire() ? RESOLVED_TRUE : this.#acquireWaiting();
  }

  /**
   * Runs `fn` holding the primitive and releases it however `fn` ends (Python's `async with`);
   * resolves with `fn`'s result. When the primitive is free, `fn` starts at once, and a `fn`
   * that returns no promise runs and releases within the same synchronous step, so such a
   * critical section is never interleaved with anything.
   *
   * @example
   * const total = await lock.with(async () => {
   *   balance += await fetchDeposit();
   *   return balance;
   * });
   */
  with<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    if (typeof fn !== "function") {
      return Promise.reject(
        new TypeError(
          `${this.constructor.name}.with() expects a function to run while holding it, ` +
            `got ${describeValue(fn)}`,
        ),
      );
    }
    if (this._tryAcquire()) return this.#runAcquired(fn);
    return this.#acquireWaiting().then(() => this.#runAcquired(fn));
  }

  /**
   * Takes the primitive and resolves with a {@link Hold} that releases it when disposed: the
   * form of `async with` for `await using`. The caller resumes one microtask after the
   * acquisition, as after `await acquire()`.
   *
   * @example
   * {
   *   await using _ = await lock.hold();
   *   await writeRecord();
   * } // released here, even if writeRecord() threw
   */
  hold(): Promise<Hold> {
    return new Promise<Hold>((resolve, reject) => {
      if (this._tryAcquire()) resolve(new Hold(this));
      else this._acquireWaiting(() => resolve(new Hold(this)), reject);
    });
  }

  #acquireWaiting(): Promise<true> {
    return new Promise<true>((resolve, reject) => {
      this._acquireWaiting(() => resolve(true), reject);
    });
  }

  #runAcquired<T>(fn: () => T | PromiseLike<T>): Promise<T> {
    let outcome: unknown;
    let threw = false;
    try {
      outcome = fn();
    } catch (error) {
      threw = true;
      outcome = error;
    }
    if (!threw && isPromiseLike(outcome)) {
      return Promise.resolve(outcome as PromiseLike<T>).then(
        (value) => {
          this.release();
          return value;
        },
        (error: unknown) => {
          this.release();
          throw error;
        },
      );
    }
    try {
      // An error of release() replaces fn's outcome, as one raised by __aexit__ does.
      this.release();
    } catch (error) {
      return Promise.reject(error);
    }
    return threw ? Promise.reject(outcome) : Promise.resolve(outcome as T);
  }
}
