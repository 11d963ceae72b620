/**
 * `LifoQueue`, as asyncio's: a Queue that returns the most recently added item first.
 */
import type { ItemStore, QueueOptions } from "./queue.js";
import { Queue } from "./queue.js";

/** The items of a LIFO queue: a stack. */
class LifoStore<T> implements ItemStore<T> {
  readonly #items: T[] = [];

  get length(): number {
    return this.#items.length;
  }

  put(item: T): void {
    this.#items.push(item);
  }

  get(): T {
    return this.#items.pop() as T;
  }

  clear(): void {
    this.#items.length = 0;
  }

  toArray(): T[] {
    return this.#items.slice().reverse();
  }
}

/**
 * A last-in, first-out queue (a stack): `get()` returns the newest item. Everything else is
 * as in {@link Queue}.
 *
 * @example
 * const stack = new asyncio.LifoQueue<number>();
 * for (const n of [1, 3, 2]) stack.putNowait(n);
 * console.log(await stack.get(), await stack.get(), await stack.get()); // 2 3 1
 */
export class LifoQueue<T = unknown> extends Queue<T> {
  /** @internal */
  override _init(_options: QueueOptions): ItemStore<T> {
    return new LifoStore<T>();
  }
}
