/**
 * `Lock`, as asyncio's: a mutual-exclusion lock not owned by any task, handed to waiters in
 * FIFO order.
 *
 * Invariants (CPython's): `#locked` says whether some task holds the lock; the parking lot
 * holds one Waiter per task blocked in `acquire()`, in arrival order, each leaving it when its
 * task wakes up. A free lock is taken at once only if no live waiter is in line: a released
 * lock never goes to a newcomer ahead of a waiter already woken. Whenever the lock is free and
 * a live waiter is in line, the first one has been woken.
 */
import { inspectAsToString } from "../core/display.js";
import { CancelledError, RuntimeError } from "../core/errors.js";
import { ParkingLot } from "../core/parkingLot.js";
import { Acquirable } from "./acquirable.js";

/** What `Lock.statistics()` returns. */
export interface LockStatistics {
  /** Whether the lock is held. */
  readonly locked: boolean;
  /** The tasks in line for it (not cancelled): blocked in `acquire()`, or woken and not yet resumed. */
  readonly tasksWaiting: number;
}

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
export class Lock extends Acquirable {
  #locked = false;
  readonly #lot = new ParkingLot(this);

  /** Whether the lock is held. */
  locked(): boolean {
    return this.#locked;
  }

  /**
   * Frees the lock; the first waiting task, if any, takes it next.
   *
   * @throws RuntimeError if the lock is not held.
   */
  release(): void {
    if (!this.#locked) throw new RuntimeError("Lock is not acquired.");
    this.#locked = false;
    this.#lot.unparkFirst();
  }

  /** Whether the lock is held and how many tasks wait for it. */
  statistics(): LockStatistics {
    return { locked: this.#locked, tasksWaiting: this.#lot.tasksWaiting() };
  }

  override toString(): string {
    return this.#lot.describe("Lock", this.#locked ? "locked" : "unlocked");
  }

  /** @internal The fast path: a free lock nobody (alive) waits for. */
  _tryAcquire(): boolean {
    if (this.#locked || this.#lot.hasLiveWaiter()) return false;
    this.#locked = true;
    return true;
  }

  /** @internal CPython's `acquire` after its fast path. */
  _acquireWaiting(onAcquired: () => void, onFailed: (error: unknown) => void): void {
    this.#lot.park(
      "Lock.acquire()",
      () => {
        this.#locked = true;
        onAcquired();
      },
      (error) => {
        // Keep the invariant: if the lock is free (we did not take it), the first waiter in
        // line must be woken, since we may have consumed the wake-up meant for it.
        if (error instanceof CancelledError && !this.#locked) this.#lot.unparkFirst();
        onFailed(error);
      },
    );
  }
}
inspectAsToString(Lock);
