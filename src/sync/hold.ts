/**
 * The forms of `async with` for the primitives that are acquired and released (Lock,
 * Semaphore, BoundedSemaphore, Condition): `with(fn)`, which runs `fn` holding the primitive
 * and releases it however `fn` ends, and `hold()`, whose result releases it at the end of an
 * `await using` block.
 */
import { describeValue, isPromiseLike } from "../core/validate.js";

/** @internal What `with()` and `hold()` work on. */
export interface Acquirable {
  /** The fast path of `acquire()`: takes the primitive if that needs no wait. */
  _tryAcquire(): boolean;
  /** The waiting path of `acquire()`. */
  _acquireSlow(): Promise<true>;
  /** The waiting path, calling back from the wake-up itself (see `Lock._acquireWaiting`). */
  _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void;
  release(): void;
}

/**
 * Proof of an acquisition, returned by `hold()`: disposing of it (at the end of an
 * `await using` or `using` block) releases the primitive once; `release()` does it earlier.
 *
 * @example
 * const lock = new asyncio.Lock();
 * {
 *   await using _ = await lock.hold();
 *   // ... the lock is held here ...
 * } // released here, even if the block threw
 */
export class Hold {
  #owner: Acquirable | null;

  /** @internal */
  constructor(owner: Acquirable) {
    this.#owner = owner;
  }

  /** Whether this hold was already released. */
  get released(): boolean {
    return this.#owner === null;
  }

  /** Releases the primitive now; later calls (and the disposal) do nothing. */
  release(): void {
    const owner = this.#owner;
    if (owner === null) return;
    this.#owner = null;
    owner.release();
  }

  /** `using`: releases the primitive (see `release()`). */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `await using`: releases the primitive (see `release()`); releasing never waits. */
  [Symbol.asyncDispose](): Promise<void> {
    try {
      this.release();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** @internal `primitive.hold()`: the caller resumes one microtask after the acquisition. */
export function acquireHold(primitive: Acquirable): Promise<Hold> {
  return new Promise<Hold>((resolve, reject) => {
    if (primitive._tryAcquire()) resolve(new Hold(primitive));
    else primitive._acquireWaiting(() => resolve(new Hold(primitive)), reject);
  });
}

/**
 * @internal `primitive.with(fn)`: acquires, runs `fn`, releases however `fn` ends. On the
 * fast path `fn` starts at once, and a `fn` that returns no promise runs and releases within
 * the same synchronous step, so such a critical section is never interleaved with anything.
 */
export function runHolding<T>(
  primitive: Acquirable,
  fn: () => T | PromiseLike<T>,
  where: string,
): Promise<T> {
  if (typeof fn !== "function") {
    return Promise.reject(
      new TypeError(
        `${where} expects a function to run while holding it, got ${describeValue(fn)}`,
      ),
    );
  }
  if (primitive._tryAcquire()) return runAcquired(primitive, fn);
  return primitive._acquireSlow().then(() => runAcquired(primitive, fn));
}

function runAcquired<T>(primitive: Acquirable, fn: () => T | PromiseLike<T>): Promise<T> {
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
        primitive.release();
        return value;
      },
      (error: unknown) => {
        primitive.release();
        throw error;
      },
    );
  }
  try {
    // An error of release() replaces fn's outcome, as one raised by __aexit__ does.
    primitive.release();
  } catch (error) {
    return Promise.reject(error);
  }
  return threw ? Promise.reject(outcome) : Promise.resolve(outcome as T);
}
