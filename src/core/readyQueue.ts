/**
 * The loop's ready queue: a FIFO of things to run in the next iteration.
 *
 * Invariants: a ring buffer whose capacity is a power of two; `#head` indexes the oldest
 * item, `#size` counts the items; slots outside the live range hold `undefined` so nothing
 * is kept alive after it ran. push and shift are O(1) amortized and allocate only when the
 * buffer doubles.
 */

/** Something the ready queue can run: a Handle, a Task's first step, a waiter's wake-up. */
export interface Runnable {
  _run(): void;
}

export class ReadyQueue {
  #items: (Runnable | undefined)[] = new Array(1024);
  #mask = 1023;
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  push(item: Runnable): void {
    if (this.#size === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the oldest item; the queue must not be empty. */
  shift(): Runnable {
    const item = this.#items[this.#head] as Runnable;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  clear(): void {
    this.#items = new Array(1024);
    this.#mask = 1023;
    this.#head = 0;
    this.#size = 0;
  }

  #grow(): void {
    const old = this.#items;
    const items: (Runnable | undefined)[] = new Array(old.length * 2);
    for (let i = 0; i < this.#size; i++) items[i] = old[(this.#head + i) & this.#mask];
    this.#items = items;
    this.#mask = items.length - 1;
    this.#head = 0;
  }
}
