/**
 * `Event`, as asyncio's: a flag that tasks can wait for.
 *
 * Invariants (CPython's): while the flag is set, no waiter is pending (`set()` woke them
 * all); each task blocked in `wait()` has one Future in `_waiters` and removes it itself when
 * it wakes up, whether woken or cancelled.
 */
import { inspect } from "node:util";
import { Deque } from "../core/deque.js";
import type { Future } from "../core/future.js";
import { setResultUnlessDone } from "../core/future.js";
import { LoopBound, RESOLVED_TRUE } from "./loopBound.js";

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
export class Event extends LoopBound {
  /** @internal The Futures of the tasks blocked in `wait()`. */
  readonly _waiters: Deque<Future<true>> = new Deque();
  /** @internal */
  _value = false;

  /** Whether the flag is set (Python's `is_set()`). */
  isSet(): boolean {
    return this._value;
  }

  /** Sets the flag and wakes every waiting task; later `wait()` calls return at once. */
  set(): void {
    if (this._value) return;
    this._value = true;
    const waiters = this._waiters;
    for (let i = 0; i < waiters.length; i++) setResultUnlessDone(waiters.at(i), true);
  }

  /** Clears the flag: later `wait()` calls block until `set()` is called again. */
  clear(): void {
    this._value = false;
  }

  /**
   * Resolves with `true` once the flag is set: at once (without yielding to the loop) if it
   * already is.
   */
  wait(): Promise<true> {
    return this._value ? RESOLVED_TRUE : this.#waitSlow();
  }

  override toString(): string {
    const waiters = this._waiters.length;
    const state = this._value ? "set" : "unset";
    return `<Event [${waiters > 0 ? `${state}, waiters:${waiters}` : state}]>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  /** CPython's `Event.wait` after its fast path; the wake-up handlers are its `finally`. */
  #waitSlow(): Promise<true> {
    let fut: Future<true>;
    try {
      fut = this._newWaiter<true>("Event.wait()");
    } catch (error) {
      return Promise.reject(error);
    }
    const waiters = this._waiters;
    waiters.push(fut);
    return fut.then(
      () => {
        waiters.remove(fut);
        return true;
      },
      (error: unknown) => {
        waiters.remove(fut);
        throw error;
      },
    );
  }
}
