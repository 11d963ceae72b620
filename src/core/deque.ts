/**
 * @internal A double-ended queue: the loop's ready queue, the waiters of every primitive (as
 * CPython's `collections.deque` of futures) and the items of a FIFO `Queue`.
 *
 * Invariants: a ring buffer whose capacity is a power of two; `#head` indexes the oldest item
 * and `#size` counts the items; slots outside the live range hold `undefined`, so nothing
 * taken out is kept alive. `push`/`shift` are O(1) amortised and allocate only when the buffer
 * doubles; `remove` is O(distance from the front), which is O(1) for the usual case of a
 * waiter that was woken first and removes itself.
 */
export class Deque<T> {
  #items: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  constructor(capacity = 4) {
    this.#items = new Array(capacity);
    this.#mask = capacity - 1;
  }

  /** The number of items. */
  get length(): number {
    return this.#size;
  }

  /** Appends `item` at the back. */
  push(item: T): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the front item; the deque must not be empty. */
  shift(): T {
    const items = this.#items;
    const head = this.#head;
    const item = items[head] as T;
    items[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** The front item, or `undefined` when empty. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** The item at position `index` from the front (0 is the front); `index` must be in range. */
  at(index: number): T {
    return this.#items[(this.#head + index) & this.#mask] as T;
  }

  /** Removes the first occurrence of `item`; returns whether it was there. */
  remove(item: T): boolean {
    const size = this.#size;
    for (let i = 0; i < size; i++) {
      if (this.at(i) !== item) continue;
      if (i === 0) {
        this.shift();
        return true;
      }
      // Close the gap by moving the items behind it one slot forward.
      const items = this.#items;
      const mask = this.#mask;
      const head = this.#head;
      for (let j = i; j < size - 1; j++) {
        items[(head + j) & mask] = items[(head + j + 1) & mask];
      }
      items[(head + size - 1) & mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** Removes every item. */
  clear(): void {
    this.#items.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  /** The items from front to back, as a new array. */
  toArray(): T[] {
    const result: T[] = new Array(this.#size);
    for (let i = 0; i < this.#size; i++) result[i] = this.at(i);
    return result;
  }

  #grow(): void {
    const old = this.#items;
    const items: (T | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#mask = items.length - 1;
    this.#head = 0;
  }
}
