/**
 * `sleep(delay, result?)`, as asyncio's: `sleep(0)` gives up exactly one loop iteration; a
 * longer sleep parks the task on a Future that a loop timer completes.
 */
import type { Duration } from "./durations.js";
import { toSeconds } from "./durations.js";
import { Future } from "./future.js";
import type { EventLoop } from "./loop.js";
import type { Settle } from "./resolvers.js";
import {
  capturedReject,
  capturedResolve,
  captureResolvers,
  releaseResolvers,
} from "./resolvers.js";
import type { Runnable } from "./runnable.js";
import { getRunningLoop, scopeStorage } from "./scope.js";
import type { Task } from "./task.js";
import type { TimerEntry } from "./timerHeap.js";
import { OUT } from "./timerHeap.js";
import { parkOn, wakeFrom, wakeOutcome } from "./wakeup.js";

/**
 * The Future a sleep parks on, which is also its own timer: one object per sleep. Cancelling
 * it takes it out of the loop's timer heap at once. It completes with `undefined`; a sleep
 * with a result uses `SleepFutureWithResult`, so the common sleep carries no result field
 * (bench/sleeping-memory.bench.ts).
 */
class SleepFuture<T> extends Future<T> implements TimerEntry, Runnable {
  readonly _when: number;
  _seq = 0;
  _heapState = OUT;

  constructor(loop: EventLoop, when: number) {
    super(loop._futureOptions);
    this._when = when;
  }

  /** The deadline passed: complete, unless cancelled meanwhile. */
  _run(): void {
    if (!this.done()) this._resolve(undefined);
  }

  override _cancel(msg: string | undefined): boolean {
    if (!super._cancel(msg)) return false;
    this._loop._timerCancelled(this);
    return true;
  }
}

/** The Future of `sleep(delay, result)`: completes with `result`. */
class SleepFutureWithResult<T> extends SleepFuture<T> {
  readonly #value: T;

  constructor(loop: EventLoop, when: number, value: T) {
    super(loop, when);
    this.#value = value;
  }

  override _run(): void {
    if (!this.done()) this._resolve(this.#value);
  }
}

/**
 * One loop iteration given up by `sleep(0)`. Like asyncio's bare `yield`, it is not a
 * Future: a cancellation requested meanwhile is delivered when it resumes.
 */
class YieldPoint implements Runnable {
  readonly #task: Task<unknown> | null;
  readonly #resolve: Settle;
  readonly #reject: Settle;
  readonly #value: unknown;

  constructor(task: Task<unknown> | null, resolve: Settle, reject: Settle, value: unknown) {
    this.#task = task;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#value = value;
  }

  _run(): void {
    if (wakeFrom(this.#task, null)) this.#resolve(this.#value);
    else this.#reject(wakeOutcome.value);
  }

  toString(): string {
    return this.#task === null ? "sleep(0) wake-up" : `step of ${this.#task}`;
  }
}

/**
 * Suspends the current task for `delay` seconds (or a duration string such as `"150ms"`),
 * then resolves with `result`. `sleep(0)` lets every other ready task run once.
 *
 * @example
 * await asyncio.sleep(0.5);
 * const value = await asyncio.sleep("2s", "done");
 */
export function sleep(delay: Duration): Promise<undefined>;
export function sleep<T>(delay: Duration, result: T): Promise<T>;
export function sleep<T>(delay: Duration, result?: T): Promise<T | undefined> {
  let seconds: number;
  let loop: EventLoop;
  try {
    seconds = toSeconds(delay, "sleep() delay");
    loop = getRunningLoop();
  } catch (error) {
    return Promise.reject(error);
  }
  if (seconds === 0) {
    const promise = new Promise<T | undefined>(captureResolvers);
    const task = scopeStorage.getStore()?._currentTask() ?? null;
    if (task !== null && task._waitResolve === null && result === undefined) {
      task._park(null, capturedResolve, capturedReject);
    } else {
      loop._schedule(new YieldPoint(task, capturedResolve, capturedReject, result));
    }
    releaseResolvers();
    return promise;
  }
  const when = loop.time() + seconds;
  const future =
    result === undefined
      ? new SleepFuture<undefined>(loop, when)
      : new SleepFutureWithResult(loop, when, result);
  loop._addTimer(future);
  return parkOn(future);
}
