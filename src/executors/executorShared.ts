/**
 * What every executor does the same way — the local pools and the distributed queue executor:
 * `map()`'s validation, submission and in-order results; `shutdown()`'s options and the wait it
 * returns; the warning for an executor collected without a shutdown.
 */
import { wrapOn } from "../core/awaitable.js";
import type { Future } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { currentScope, getRunningLoop } from "../core/scope.js";
import { describeValue, requireOptions } from "../core/validate.js";
import { debugFromEnvironment, watchUnclosed } from "../debug/resourceWarnings.js";
import { waitFor } from "../flow/waitFor.js";
import type { ExecutorShutdownOptions, MapOptions } from "./executor.js";

/**
 * `Executor.map()`: checks `items` and `options`, submits one job per item at once with
 * `submit` (cancelling those submitted if one submission throws), and yields the results in
 * the order of the items.
 */
export function mapJobs(
  items: Iterable<unknown>,
  options: MapOptions | undefined,
  submit: (loop: EventLoop, item: unknown) => Future<unknown>,
): AsyncIterableIterator<unknown> {
  requireOptions(options, "map() options");
  const timeout = options?.timeout ?? null;
  if (timeout !== null && (typeof timeout !== "number" || Number.isNaN(timeout))) {
    throw new TypeError(
      `map() timeout must be a number of seconds or null, got ${describeValue(timeout)}`,
    );
  }
  if (
    items === null ||
    typeof (items as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`map() items must be iterable, got ${describeValue(items)}`);
  }
  const loop = getRunningLoop();
  const end = timeout === null ? null : loop.time() + timeout;
  const futures: Future<unknown>[] = [];
  try {
    for (const item of items) futures.push(submit(loop, item));
  } catch (error) {
    for (const future of futures) future.cancel();
    throw error;
  }
  return resultsInOrder(loop, futures, end);
}

/** Yields each Future's result in order; leaving early, an error or the deadline cancels the rest. */
async function* resultsInOrder(
  loop: EventLoop,
  futures: Future<unknown>[],
  end: number | null,
): AsyncGenerator<unknown, void, undefined> {
  let next = 0;
  try {
    for (; next < futures.length; next++) {
      const future = futures[next] as Future<unknown>;
      yield end === null ? await future : await waitFor(future, Math.max(0, end - loop.time()));
    }
  } finally {
    for (let i = next; i < futures.length; i++) (futures[i] as Future<unknown>).cancel();
  }
}

/** `Executor.shutdown()`'s options, checked, with their defaults. */
export function shutdownOptions(options: ExecutorShutdownOptions | undefined): {
  wait: boolean;
  cancelFutures: boolean;
} {
  requireOptions(options, "shutdown() options");
  const wait = options?.wait ?? true;
  const cancelFutures = options?.cancelFutures ?? false;
  if (typeof wait !== "boolean") {
    throw new TypeError(`shutdown() wait must be a boolean, got ${describeValue(wait)}`);
  }
  if (typeof cancelFutures !== "boolean") {
    throw new TypeError(
      `shutdown() cancelFutures must be a boolean, got ${describeValue(cancelFutures)}`,
    );
  }
  return { wait, cancelFutures };
}

/**
 * What `shutdown()` returns for `done`, the promise of its end: in a running loop, a Future of
 * it — a cancellation point (the shutdown goes on), and an operation in flight that virtual time
 * does not jump over.
 */
export function shutdownWait(done: Promise<void>, executorName: string): Promise<void> {
  const loop = currentScope()?._loop;
  if (loop?.isRunning() !== true) return done;
  return wrapOn(loop, done, `shutdown of ${executorName}`);
}

/**
 * In debug mode (of the loop running now, or `ASYNCIO_TS_DEBUG`), a ResourceWarning when
 * `executor` is collected without a shutdown; `describe` (which must not reference the
 * executor) names it in the warning.
 */
export function watchUnshutdown(executor: object, describe: () => string): void {
  const debug = currentScope()?._loop.getDebug() ?? debugFromEnvironment();
  if (debug) {
    watchUnclosed(executor, {
      message: { toString: () => `unclosed executor ${describe()} (never shut down)` },
      debug,
    });
  }
}
