/**
 * `Event`, as asyncio's: a flag that tasks can wait for.
 *
 * Invariants (CPython's): while the flag is set, no waiter is parked (`set()` woke them all);
 * each task blocked in `wait()` has one Waiter in the parking lot and leaves it itself when it
 * wakes up, whether woken or cancelled.
 */
import { inspectAsToString } from "../core/display.js";
import { ParkingLot } from "../core/parkingLot.js";
import { RESOLVED_TRUE } from "../core/resolvers.js";

/** What `Event.statistics()` returns. */
export interface EventStatistics {
  /** Whether the flag is set. */
  readonly isSet: boolean;
  /** The tasks blocked in `wait()` (or woken and not yet resumed). */
  readonly tasksWaiting: number;
}

/**
 * A flag, initially false: `set()` makes it true and wakes every task blocked in `wait()`;
 * `clear()` makes it false again.
 *
 * @example
 * const ready = new asyncio.Event();
 * asyncio.createTask(async () => {
 *   await ready.wait();
 *   console.log("... got it!");
 * });
 * await asyncio.sleep(1);
 * ready.set();
 */
export class Event {
  #value = false;
  readonly #lot = new ParkingLot(this);

  /** Whether the flag is set (Python's `is_set()`). */
  isSet(): boolean {
    return this.#value;
  }

  /** Sets the flag and wakes every waiting task; later `wait()` calls return at once. */
  set(): void {
    if (this.#value) return;
    this.#value = true;
    this.#lot.unparkAll();
  }

  /** Clears the flag: later `wait()` calls block until `set()` is called again. */
  clear(): void {
    this.#value = false;
  }

  /**
   * Resolves with `true` once the flag is set: at once (without yielding to the loop) if it
   * already is.
   */
  wait(): Promise<true> {
    if (this.#value) return RESOLVED_TRUE;
    try {
      return this.#lot.park("Event.wait()", returnTrue, rethrow);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Whether the flag is set and how many tasks wait for it. */
  statistics(): EventStatistics {
    return { isSet: this.#value, tasksWaiting: this.#lot.tasksWaiting() };
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    return this.#lot.describe("Event", this.#value ? "set" : "unset");
  }
}
inspectAsToString(Event);

function returnTrue(): true {
  return true;
}

function rethrow(error: unknown): never {
  throw error;
}
