/**
 * What every executor does the same way with its arguments — the local pools and the
 * distributed queue executor: `map()`'s validation, submission and in-order results, and
 * `shutdown()`'s options.
 */
import type { Future } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { getRunningLoop } from "../core/scope.js";
import { describeValue, requireOptions } from "../core/validate.js";
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
