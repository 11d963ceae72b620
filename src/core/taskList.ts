/**
 * The pending tasks of a loop, linked through the tasks themselves: adding and removing a
 * task allocates nothing and costs O(1), which matters when a million tasks come and go.
 *
 * Invariants: each item is linked at most once (the caller adds a task when it is created and
 * deletes it once, when it completes); `_prev`/`_next` of an unlinked item are null; `#size`
 * counts linked items; iteration goes oldest first.
 */

/** What the list links: fields owned by the list, untouched by anyone else. */
export interface Linkable {
  /** @internal */
  _prev: Linkable | null;
  /** @internal */
  _next: Linkable | null;
}

export class TaskList<T extends Linkable> implements Iterable<T> {
  #head: T | null = null;
  #tail: T | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(item: T): void {
    item._prev = this.#tail;
    item._next = null;
    if (this.#tail === null) this.#head = item;
    else this.#tail._next = item;
    this.#tail = item;
    this.#size++;
  }

  delete(item: T): void {
    const prev = item._prev as T | null;
    const next = item._next as T | null;
    if (prev === null) this.#head = next;
    else prev._next = next;
    if (next === null) this.#tail = prev;
    else next._prev = prev;
    item._prev = null;
    item._next = null;
    this.#size--;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let item = this.#head; item !== null; item = item._next as T | null) yield item;
  }
}
