/**
 * `asCompleted(aws, { timeout })`: the awaitables in the order they complete, as asyncio's
 * `as_completed` in Python 3.13.
 *
 * `for await` yields the Tasks and Futures themselves (a Task created for a coroutine
 * function, a Future made for a promise), each one done (typed as `CompletedFuture`). A plain `for` yields, for each
 * awaitable, a promise of the next result to arrive; like the coroutines CPython yields, it
 * starts waiting only when awaited, so the first one awaited gets the first result. Both forms
 * share one count, so an iteration left with `break` can be resumed. When the timeout passes
 * first, the next step rejects with `TimeoutError`.
 *
 * Invariants: `#todo` holds the awaitables not completed yet (emptied by the timeout);
 * `#done` holds, in completion order, the completed ones not handed out yet and one `null`
 * per awaitable the timeout cut off; `#left` counts the steps still to hand out.
 */
import type { AwaitableLike } from "../core/awaitable.js";
import { ensureFuture } from "../core/awaitable.js";
import type { Duration } from "../core/durations.js";
import { toSecondsOrNull } from "../core/durations.js";
import { TimeoutError } from "../core/errors.js";
import type { Future } from "../core/future.js";
import type { TimerHandle } from "../core/handle.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { describeValue, requireOptions } from "../core/validate.js";
import { parkOn } from "../core/wakeup.js";
import { isAwaitableLike, notAwaitableError } from "./internal.js";

/** Options of `asCompleted`. */
export interface AsCompletedOptions {
  /** Seconds (or a duration string) until the iteration gives up; `null`: no limit. */
  timeout?: Duration | null;
}

/**
 * A done Task or Future as `for await` over `asCompleted()` yields it: the very object passed
 * in (compare it with your tasks; read it with `result()`), typed without `then` because
 * TypeScript types the variable of a `for await` loop as the awaited value of a thenable.
 *
 * @example
 * for await (const task of asyncio.asCompleted(tasks)) {
 *   if (task === tasks[0]) console.log("the first task finished:", task.result());
 * }
 */
export type CompletedFuture<T> = Omit<Future<T>, "then">;

/** A promise of the result of the next awaitable to complete; it waits only once awaited. */
class NextResult<T> implements PromiseLike<T> {
  readonly #source: AsCompletedIterator<T>;
  #promise: Promise<T> | null = null;

  constructor(source: AsCompletedIterator<T>) {
    this.#source = source;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaitable by design, like a coroutine.
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#promise ??= this.#source._nextResult();
    return this.#promise.then(onFulfilled, onRejected);
  }
}

/**
 * What `asCompleted` returns: iterate it with `for await` (done Tasks and Futures) or with
 * `for` (promises of the results in completion order).
 *
 * @example
 * for (const next of asyncio.asCompleted([() => fetchA(), () => fetchB()])) {
 *   console.log(await next); // the first result to arrive, then the second
 * }
 */
export class AsCompletedIterator<T>
  implements AsyncIterable<CompletedFuture<T>>, Iterable<PromiseLike<T>>
{
  readonly #loop: EventLoop;
  readonly #todo: Set<Future<T>>;
  readonly #done: (Future<T> | null)[] = [];
  /** Wake-ups of the steps waiting for `#done` to fill, oldest first. */
  readonly #waiting: Future<void>[] = [];
  #left: number;
  #timer: TimerHandle | null = null;

  /** @internal Use `asCompleted()`. */
  constructor(loop: EventLoop, todo: Set<Future<T>>, timeout: number | null) {
    this.#loop = loop;
    this.#todo = todo;
    this.#left = todo.size;
    for (const future of todo) future.addDoneCallback(this.#onCompletion);
    if (todo.size > 0 && timeout !== null && timeout !== Infinity) {
      this.#timer = loop.callLater(timeout, this.#onTimeout);
    }
  }

  /** Done Tasks and Futures, in completion order. */
  [Symbol.asyncIterator](): AsyncIterator<CompletedFuture<T>> {
    return { next: () => this.#nextAsync() };
  }

  /** Promises of the results, in completion order. */
  [Symbol.iterator](): Iterator<PromiseLike<T>> {
    return {
      next: (): IteratorResult<PromiseLike<T>> => {
        if (this.#left === 0) return { done: true, value: undefined };
        this.#left--;
        return { done: false, value: new NextResult(this) };
      },
    };
  }

  /** @internal The result of the next awaitable to complete. */
  async _nextResult(): Promise<T> {
    return (await this.#nextCompleted()).value.result();
  }

  #nextAsync(): Promise<IteratorResult<CompletedFuture<T>>> {
    if (this.#left === 0) return Promise.resolve({ done: true, value: undefined });
    this.#left--;
    return this.#nextCompleted();
  }

  /**
   * The next completed awaitable, waited for with the shape of `Queue.get` (fast path, park,
   * pass the wake-up on when cancelled). It comes in an iterator result: an async function
   * cannot return a Future, it would be awaited.
   */
  async #nextCompleted(): Promise<IteratorYieldResult<Future<T>>> {
    while (this.#done.length === 0) {
      const wakeUp = this.#loop.createFuture<void>();
      this.#waiting.push(wakeUp);
      try {
        await parkOn(wakeUp);
      } catch (error) {
        wakeUp.cancel();
        const index = this.#waiting.indexOf(wakeUp);
        if (index !== -1) this.#waiting.splice(index, 1);
        // Woken but cancelled before running: pass the wake-up on so nothing is lost.
        if (this.#done.length > 0 && !wakeUp.cancelled()) this.#wakeNext();
        throw error;
      }
    }
    const next = this.#done.shift() as Future<T> | null;
    if (next === null) throw new TimeoutError();
    return { done: false, value: next };
  }

  #push(item: Future<T> | null): void {
    this.#done.push(item);
    this.#wakeNext();
  }

  #wakeNext(): void {
    while (this.#waiting.length > 0) {
      const wakeUp = this.#waiting.shift() as Future<void>;
      if (!wakeUp.done()) {
        wakeUp.setResult(undefined);
        return;
      }
    }
  }

  readonly #onCompletion = (future: Future<T>): void => {
    if (this.#todo.size === 0) return; // the timeout came first
    this.#todo.delete(future);
    this.#push(future);
    if (this.#todo.size === 0) this.#timer?.cancel();
  };

  readonly #onTimeout = (): void => {
    for (const future of this.#todo) {
      future.removeDoneCallback(this.#onCompletion);
      this.#push(null);
    }
    this.#todo.clear();
  };
}

/**
 * Iterates over `aws` (Tasks, Futures, promises, coroutine functions — started as Tasks) in
 * completion order. `for await` yields the done Tasks and Futures themselves; `for` yields
 * promises of the results. With `timeout`, the step that would wait past it rejects with
 * `TimeoutError`.
 *
 * @example
 * const tasks = urls.map((url) => asyncio.createTask(() => download(url)));
 * for await (const task of asyncio.asCompleted(tasks, { timeout: 30 })) {
 *   console.log("done first:", task.getName(), task.result());
 * }
 */
export function asCompleted<T>(
  aws: Iterable<AwaitableLike<T>>,
  options?: AsCompletedOptions,
): AsCompletedIterator<T> {
  if (isAwaitableLike(aws)) {
    throw new TypeError(
      `asCompleted() expects an iterable of awaitables, not ${describeValue(aws)}: write asCompleted([aw])`,
    );
  }
  if (typeof (aws as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== "function") {
    throw new TypeError(
      `asCompleted() expects an iterable of awaitables, got ${describeValue(aws)}`,
    );
  }
  requireOptions(options, "asCompleted() options");
  const timeout = toSecondsOrNull(options?.timeout, "asCompleted() timeout");
  const loop = getRunningLoop();
  const awaitables = [...aws];
  awaitables.forEach((aw, index) => {
    if (!isAwaitableLike(aw)) throw notAwaitableError(aw, `asCompleted() awaitable ${index}`);
  });
  // The same Future or promise twice is one awaitable; each coroutine function is its own Task.
  const todo = new Set<Future<T>>();
  const seen = new Map<unknown, Future<T>>();
  for (const aw of awaitables) {
    if (typeof aw === "function") {
      todo.add(loop.createTask(aw));
    } else if (!seen.has(aw)) {
      const future = ensureFuture(aw);
      seen.set(aw, future);
      todo.add(future);
    }
  }
  return new AsCompletedIterator(loop, todo, timeout);
}
