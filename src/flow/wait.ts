/**
 * `wait(fs, { timeout, returnWhen })`: wait for Tasks and Futures until a condition holds, as
 * asyncio's `wait`; returns `[done, pending]` as Sets of the very objects passed in.
 *
 * Like CPython 3.11+, it takes only Tasks and Futures (a coroutine function or a promise has
 * no identity the caller could find in the result) and refuses an empty collection. It never
 * raises `TimeoutError`: what is not done at the deadline is returned in `pending`.
 */
import type { Duration } from "../core/durations.js";
import { toSecondsOrNull } from "../core/durations.js";
import {
  Future,
  futureAddToAwaitedBy,
  futureDiscardFromAwaitedBy,
  setResultUnlessDone,
} from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop, scopeStorage } from "../core/scope.js";
import { describeValue, isPromiseLike, requireOptions } from "../core/validate.js";
import { parkOn } from "../core/wakeup.js";

/**
 * `returnWhen`: return as soon as any Task or Future is done.
 *
 * @example
 * const [done] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_COMPLETED });
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/**
 * `returnWhen`: return when one fails (or when all are done).
 *
 * @example
 * const [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_EXCEPTION });
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/**
 * `returnWhen`: return when all are done (the default).
 *
 * @example
 * const [done] = await asyncio.wait(tasks, { returnWhen: asyncio.ALL_COMPLETED });
 */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When `wait` returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of `wait`. */
export interface WaitOptions {
  /** Return after this many seconds (or a duration string) at the latest; `null`: no limit. */
  timeout?: Duration | null;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (the default). */
  returnWhen?: ReturnWhen;
}

const RETURN_WHEN: ReadonlySet<unknown> = new Set([
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
]);

/**
 * Waits until the Tasks and Futures of `fs` satisfy `returnWhen` or `timeout` passes, and
 * resolves with `[done, pending]`. Nothing is cancelled: cancel what is pending yourself.
 *
 * @example
 * const tasks = [asyncio.createTask(() => fetch1()), asyncio.createTask(() => fetch2())];
 * const [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_COMPLETED });
 * for (const task of pending) task.cancel();
 */
export async function wait<F extends Future<unknown>>(
  fs: Iterable<F>,
  options?: WaitOptions,
): Promise<[done: Set<F>, pending: Set<F>]> {
  if (fs instanceof Future || isPromiseLike(fs) || typeof fs === "function") {
    throw new TypeError(
      `wait() expects an iterable of Tasks and Futures, not ${describeValue(fs)}: write wait([task])`,
    );
  }
  if (typeof (fs as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== "function") {
    throw new TypeError(
      `wait() expects an iterable of Tasks and Futures, got ${describeValue(fs)}`,
    );
  }
  requireOptions(options, "wait() options");
  const timeout = toSecondsOrNull(options?.timeout, "wait() timeout");
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  const futures = new Set(fs);
  if (futures.size === 0) {
    throw new RangeError("wait() needs at least one Task or Future, got an empty collection");
  }
  if (!RETURN_WHEN.has(returnWhen)) {
    throw new RangeError(
      `wait() returnWhen must be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${describeValue(returnWhen)}`,
    );
  }
  for (const f of futures) {
    if (!(f instanceof Future)) {
      throw new TypeError(
        `wait() takes Tasks and Futures only, got ${describeValue(f)}: start a coroutine ` +
          "function with asyncio.createTask(fn), make a promise a Future with asyncio.wrap(p)",
      );
    }
  }
  return waitUntil(futures, timeout, returnWhen, getRunningLoop());
}

async function waitUntil<F extends Future<unknown>>(
  futures: Set<F>,
  timeout: number | null,
  returnWhen: ReturnWhen,
  loop: EventLoop,
): Promise<[Set<F>, Set<F>]> {
  const waiter = loop.createFuture<void>();
  const release = (): void => setResultUnlessDone(waiter, undefined);
  // A timeout of Infinity never fires: no timer is kept for it.
  const timer = timeout === null || timeout === Infinity ? null : loop.callLater(timeout, release);
  let left = futures.size;
  // The waiting task awaits each future while it waits (the call graph), as in asyncio 3.14.
  const caller = scopeStorage.getStore()?._currentTask() ?? null;
  const onCompletion = (f: Future<unknown>): void => {
    left--;
    if (caller !== null) futureDiscardFromAwaitedBy(f, caller);
    if (
      left <= 0 ||
      returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null)
    ) {
      timer?.cancel();
      release();
    }
  };
  for (const f of futures) {
    f.addDoneCallback(onCompletion);
    if (caller !== null) futureAddToAwaitedBy(f, caller);
  }
  try {
    await parkOn(waiter);
  } finally {
    timer?.cancel();
    for (const f of futures) {
      f.removeDoneCallback(onCompletion);
      // Those still pending are no longer waited for (asyncio 3.14 leaves them registered).
      if (caller !== null) futureDiscardFromAwaitedBy(f, caller);
    }
  }
  const done = new Set<F>();
  const pending = new Set<F>();
  for (const f of futures) (f.done() ? done : pending).add(f);
  return [done, pending];
}
