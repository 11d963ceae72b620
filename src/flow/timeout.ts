/**
 * `timeout(delay, fn)` and `timeoutAt(when, fn)`: run `fn` in the current task with a
 * deadline, as asyncio's `async with timeout(delay) as cm:`.
 *
 * When the deadline passes, the task is cancelled; if the resulting `CancelledError` comes
 * out of `fn`, and no other cancellation of the task is pending, it becomes a `TimeoutError`
 * (its `cause` is the `CancelledError`). The check uses the task's `cancelling()` count taken
 * at entry and `uncancel()` at exit, exactly as CPython does, so nested timeouts, task groups
 * and a cancellation from outside each see their own cancellation.
 *
 * States, as `timeouts._State`: created → active → (expiring → expired | finished). A Timeout
 * is entered once, by the function that creates it, so "already entered" cannot happen.
 */

import type { Duration } from "../core/durations.js";
import { toLoopTime, toSecondsOrNull } from "../core/durations.js";
import { CancelledError, RuntimeError, TimeoutError } from "../core/errors.js";
import type { Handle } from "../core/handle.js";
import { getRunningLoop } from "../core/scope.js";
import type { Task } from "../core/task.js";
import { currentTask } from "../core/task.js";
import { describeValue } from "../core/validate.js";

const CREATED = "created";
const ACTIVE = "active";
const EXPIRING = "expiring";
const EXPIRED = "expired";
const FINISHED = "finished";
type State = typeof CREATED | typeof ACTIVE | typeof EXPIRING | typeof EXPIRED | typeof FINISHED;

/** Only `timeout()` and `timeoutAt()` hold it: a Timeout is never made outside them. */
const CREATE_TOKEN: unique symbol = Symbol("Timeout");

/**
 * The deadline of a `timeout()`/`timeoutAt()` block, handed to its callback: read it with
 * `when()`, move it with `reschedule()`, ask `expired()` afterwards.
 *
 * @example
 * await asyncio.timeout(10, async (cm) => {
 *   cm.reschedule(asyncio.getRunningLoop().time() + 20); // extend
 *   await work();
 * });
 */
export class Timeout {
  #state: State = CREATED;
  #when: number | null;
  #handle: Handle | null = null;
  #task: Task<unknown> | null = null;
  #cancellingAtEntry = 0;

  /** @internal Made by `timeout()` and `timeoutAt()` only. */
  constructor(when: number | null, token: typeof CREATE_TOKEN) {
    if (token !== CREATE_TOKEN) {
      throw new TypeError(
        "Timeout cannot be constructed directly: use asyncio.timeout(delay, async (cm) => ...) " +
          "or asyncio.timeoutAt(when, async (cm) => ...)",
      );
    }
    this.#when = when;
  }

  /** The deadline in loop time (seconds), or `null` for none. */
  when(): number | null {
    return this.#when;
  }

  /**
   * Moves the deadline to loop time `when` (`null`: no deadline). Only while the block runs
   * and before the deadline passed: a `RuntimeError` otherwise.
   */
  reschedule(when: number | null): void {
    const deadline = when === null ? null : toLoopTime(when, "reschedule() when");
    if (this.#state !== ACTIVE) {
      throw new RuntimeError(
        this.#state === CREATED
          ? "Timeout has not been entered"
          : `Cannot change state of ${this.#state} Timeout`,
      );
    }
    this.#schedule(deadline);
  }

  /** Whether the deadline passed while the block ran. */
  expired(): boolean {
    return this.#state === EXPIRING || this.#state === EXPIRED;
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    if (this.#state !== ACTIVE) return `<Timeout [${this.#state}]>`;
    const when = this.#when === null ? "null" : String(Math.round(this.#when * 1000) / 1000);
    return `<Timeout [${this.#state}] when=${when}>`;
  }

  /** @internal Enters the block on behalf of the current task. */
  _enter(): void {
    const task = currentTask();
    if (task === null) throw new RuntimeError("Timeout should be used inside a task");
    this.#state = ACTIVE;
    this.#task = task;
    this.#cancellingAtEntry = task.cancelling();
    this.#schedule(this.#when);
  }

  /**
   * @internal Leaves the block, which ended with `error` if `failed`. Throws the
   * `TimeoutError` when the block's own expiry is what interrupted it.
   */
  _exit(failed: boolean, error: unknown): void {
    this.#handle?.cancel();
    this.#handle = null;
    if (this.#state === ACTIVE) {
      this.#state = FINISHED;
      return;
    }
    this.#state = EXPIRED;
    const task = this.#task as Task<unknown>;
    // No other cancellation was requested since entry: the one that ended the block is ours.
    if (task.uncancel() <= this.#cancellingAtEntry && failed && error instanceof CancelledError) {
      throw new TimeoutError(undefined, { cause: error });
    }
  }

  #schedule(when: number | null): void {
    this.#when = when;
    this.#handle?.cancel();
    this.#handle = null;
    // A deadline at Infinity never comes: no timer is kept for it.
    if (when === null || when === Infinity) return;
    const loop = getRunningLoop();
    this.#handle =
      when <= loop.time() ? loop.callSoon(this.#onTimeout) : loop.callAt(when, this.#onTimeout);
  }

  readonly #onTimeout = (): void => {
    (this.#task as Task<unknown>).cancel();
    this.#state = EXPIRING;
    this.#handle = null;
  };
}

/** Runs `fn(cm)` inside the Timeout `cm`, in the current task. */
async function runWithin<T>(cm: Timeout, fn: (cm: Timeout) => T | PromiseLike<T>): Promise<T> {
  cm._enter();
  let result: T;
  try {
    result = await fn(cm);
  } catch (error) {
    cm._exit(true, error);
    throw error;
  }
  cm._exit(false, undefined);
  return result;
}

function requireCallback(fn: unknown, what: string): void {
  if (typeof fn !== "function") {
    throw new TypeError(
      `${what} must be a function such as async (cm) => { ... }, got ${describeValue(fn)}`,
    );
  }
}

/**
 * Runs `fn` in the current task and cancels it if it is still running after `delay` seconds
 * (or a duration string; `null`: no deadline). Resolves with `fn`'s value; if the deadline
 * interrupted it, rejects with a `TimeoutError` whose `cause` is the `CancelledError`. `fn`
 * receives the `Timeout`, to read or move the deadline.
 *
 * @example
 * try {
 *   const page = await asyncio.timeout(2, () => download(url));
 * } catch (err) {
 *   if (err instanceof asyncio.TimeoutError) console.log("too slow");
 * }
 */
export async function timeout<T>(
  delay: Duration | null,
  fn: (cm: Timeout) => T | PromiseLike<T>,
): Promise<T> {
  const seconds = toSecondsOrNull(delay, "timeout() delay");
  requireCallback(fn, "timeout() callback");
  const when = seconds === null ? null : getRunningLoop().time() + seconds;
  return runWithin(new Timeout(when, CREATE_TOKEN), fn);
}

/**
 * Like `timeout()`, with the deadline given as a loop time (`loop.time()` seconds; `null`: no
 * deadline).
 *
 * @example
 * const loop = asyncio.getRunningLoop();
 * await asyncio.timeoutAt(loop.time() + 10, async () => {
 *   await work();
 * });
 */
export async function timeoutAt<T>(
  when: number | null,
  fn: (cm: Timeout) => T | PromiseLike<T>,
): Promise<T> {
  const deadline = when === null ? null : toLoopTime(when, "timeoutAt() when");
  requireCallback(fn, "timeoutAt() callback");
  return runWithin(new Timeout(deadline, CREATE_TOKEN), fn);
}
