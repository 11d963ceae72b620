/** The iterator `QueueExecutor.map()` returns: results in the order of the items. */
import type { Future } from "../core/future.js";
import type { EventLoop } from "../core/loop.js";
import { waitFor } from "../flow/waitFor.js";

/** @internal Yields each Future's result in order; leaving early cancels the Futures left. */
export async function* resultsInOrder(
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
