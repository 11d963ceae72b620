/**
 * `Barrier`, as asyncio's: a fixed number of tasks wait for each other, then all go on.
 *
 * Built, as CPython's, on one Condition notified at every change of state. States:
 * FILLING (tasks arrive; `#count` of them wait), DRAINING (the last one arrived: the waiting
 * tasks leave; newcomers block until the last has left), RESETTING (`reset()` while tasks
 * were inside: they leave with BrokenBarrierError; newcomers block until the last has left),
 * BROKEN (`abort()`: every `wait()` fails until `reset()`). Invariant: `#count` is the number
 * of tasks inside `wait()` past the entry block; when it drops to zero, DRAINING and
 * RESETTING turn back into FILLING.
 */
import { inspectAsToString } from "../core/display.js";
import { named } from "../core/errors.js";
import { currentScope } from "../core/scope.js";
import { requireInteger } from "../core/validate.js";
import type { ConditionStatistics } from "./condition.js";
import { Condition } from "./condition.js";

/** The state of a Barrier (see `Barrier.statistics()`). */
export type BarrierState = "filling" | "draining" | "resetting" | "broken";

const FILLING: BarrierState = "filling";
const DRAINING: BarrierState = "draining";
const RESETTING: BarrierState = "resetting";
const BROKEN: BarrierState = "broken";

/** What `Barrier.statistics()` returns. */
export interface BarrierStatistics {
  /** The number of tasks required to pass the barrier. */
  readonly parties: number;
  /**
   * `filling` (tasks arrive), `draining` (the last one arrived, the waiting ones leave),
   * `resetting` (`reset()` while tasks were inside), or `broken` (`abort()`).
   */
  readonly state: BarrierState;
  /** The tasks inside `wait()` past its entry: waiting while it fills, or leaving. */
  readonly tasksInside: number;
  /**
   * The barrier's own Condition (as CPython's, the barrier is built on one): every task in
   * `wait()`, at the entry or inside, waits on it.
   */
  readonly conditionStatistics: ConditionStatistics;
}

/** Raised by `Barrier.wait()` when the barrier is broken or reset while waiting. */
export class BrokenBarrierError extends Error {}
named(BrokenBarrierError, "BrokenBarrierError");

/**
 * A barrier for `parties` tasks: each `wait()` blocks until `parties` tasks are waiting, then
 * all of them are released at once, each with a distinct index from 0 to `parties - 1`.
 *
 * @example
 * const barrier = new asyncio.Barrier(3);
 * for (let i = 0; i < 3; i++) {
 *   asyncio.createTask(async () => {
 *     await prepare(i);
 *     const index = await barrier.wait(); // all three go on together
 *     if (index === 0) console.log("everyone is ready");
 *   });
 * }
 */
export class Barrier {
  /** Notified at every change of state. */
  readonly #cond = new Condition();
  readonly #parties: number;
  #state: BarrierState = FILLING;
  /** The number of tasks inside `wait()` past the entry block. */
  #count = 0;

  /**
   * `parties` is the number of tasks that must wait before all are released.
   *
   * @throws TypeError if `parties` is not an integer; RangeError if it is below 1.
   */
  constructor(parties: number) {
    requireInteger(parties, "Barrier parties", 1);
    this.#parties = parties;
  }

  /** The number of tasks required to pass the barrier. */
  get parties(): number {
    return this.#parties;
  }

  /** The number of tasks waiting at the barrier while it fills (0 in the other states). */
  get nWaiting(): number {
    return this.#state === FILLING ? this.#count : 0;
  }

  /** Whether the barrier is broken (`abort()` was called and no `reset()` since). */
  get broken(): boolean {
    return this.#state === BROKEN;
  }

  /**
   * Waits until `parties` tasks wait, then resolves with this task's index, from 0 to
   * `parties - 1` in order of arrival (the last to arrive gets `parties - 1`). As in asyncio,
   * a waiting task that is cancelled gives its place up, and the next arrival takes the
   * current count as its index, so the indices of one passage are distinct unless a waiter was
   * cancelled meanwhile. This is also the form of Python's `async with barrier as index`.
   *
   * @throws BrokenBarrierError (rejects) if the barrier is broken, or is reset or aborted
   * while the task waits.
   */
  wait(): Promise<number> {
    const scope = currentScope();
    const cond = this.#cond;
    return new Promise<number>((resolve, reject) => {
      // CPython's `async with self._cond:` body, continued from callbacks so that it runs in
      // one step whenever nothing has to wait (and from the wake-up when something had to).
      // Both ends hold the lock and leave through the `async with` exit: release, settle.
      const succeed = (index: number): void => {
        cond.release();
        resolve(index);
      };
      const fail = (error: unknown): void => {
        cond.release();
        reject(error);
      };
      const pass = (): void => {
        if (this.#state === BROKEN) {
          fail(new BrokenBarrierError("Barrier aborted"));
          return;
        }
        const index = this.#count;
        this.#count++;
        if (index + 1 === this.#parties) {
          this.#release();
          this.#leave();
          succeed(index);
          return;
        }
        // CPython's `_wait()`: wait until the barrier stops filling.
        cond._waitForThen(
          scope,
          () => this.#state !== FILLING,
          () => {
            const broken = this.#state === BROKEN || this.#state === RESETTING;
            this.#leave();
            if (broken) fail(new BrokenBarrierError("Abort or reset of barrier"));
            else succeed(index);
          },
          (error) => {
            this.#leave();
            fail(error);
          },
        );
      };
      // CPython's `_block()`: wait while the barrier drains or resets.
      const enter = (): void => {
        cond._waitForThen(
          scope,
          () => this.#state !== DRAINING && this.#state !== RESETTING,
          pass,
          fail,
        );
      };
      if (cond._tryAcquire()) enter();
      else cond._acquireWaiting(enter, reject);
    });
  }

  /**
   * Returns the barrier to its initial, empty state; tasks waiting at it get a
   * BrokenBarrierError. Also repairs a broken barrier.
   */
  reset(): Promise<void> {
    return this.#cond.with(() => {
      if (this.#count > 0) {
        // Wake the waiting tasks; newcomers block until they have left.
        this.#state = RESETTING;
      } else {
        this.#state = FILLING;
      }
      this.#cond.notifyAll();
    });
  }

  /**
   * Breaks the barrier: tasks waiting at it, and every later `wait()`, get a
   * BrokenBarrierError until `reset()`.
   */
  abort(): Promise<void> {
    return this.#cond.with(() => {
      this.#state = BROKEN;
      this.#cond.notifyAll();
    });
  }

  /** The barrier's state and how many tasks are inside it (a record, for tests and debugging). */
  statistics(): BarrierStatistics {
    return {
      parties: this.#parties,
      state: this.#state,
      tasksInside: this.#count,
      conditionStatistics: this.#cond.statistics(),
    };
  }

  /** A description for logs and the REPL, as Python's `repr()`. */
  toString(): string {
    const waiting = this.#state === BROKEN ? "" : `, waiters:${this.nWaiting}/${this.#parties}`;
    return `<Barrier [${this.#state}${waiting}]>`;
  }

  /** The last task arrived: release the waiting ones. */
  #release(): void {
    this.#state = DRAINING;
    this.#cond.notifyAll();
  }

  /**
   * A task leaves (CPython's `finally: self._count -= 1; self._exit()`): the last one ends
   * draining or resetting, and wakes the tasks blocked at entry.
   */
  #leave(): void {
    this.#count--;
    if (this.#count === 0) {
      if (this.#state === RESETTING || this.#state === DRAINING) this.#state = FILLING;
      this.#cond.notifyAll();
    }
  }
}
inspectAsToString(Barrier);
