/**
 * The loop's timers: one binary min-heap ordered by deadline, then by insertion order, so
 * timers with equal deadlines fire first-in first-out.
 *
 * Cancelled timers are removed lazily, as CPython's loop does (`_timer_cancelled_count`): a
 * removal only marks the entry (O(1)), the top is cleared of marked entries whenever it is
 * read, and the heap is rebuilt without them once it holds more than MIN_SCHEDULED entries
 * and they are more than half of them (CPython's `_MIN_SCHEDULED_TIMER_HANDLES` and
 * `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`). Cancelling
 * many sleeping tasks at once then costs no sift per task (bench/cancel.bench.ts).
 *
 * Invariants: `#heap[0]`, once `peek()` has cleared the top, is the earliest live entry; an
 * entry's `_heapState` is IN_HEAP while it is live in the heap, REMOVED while it is marked but
 * still held, OUT otherwise; `#removed` counts the REMOVED entries, which are at most half of
 * the heap once it holds more than MIN_SCHEDULED entries.
 */

/** @internal Not in the heap. */
export const OUT = 0;
const IN_HEAP = 1;
const REMOVED = 2;

/** The heap is rebuilt without its marked entries only when it holds more than this many. */
const MIN_SCHEDULED = 100;

/** What the heap orders: a deadline in loop seconds and an insertion number. */
export interface TimerEntry {
  /** @internal */
  readonly _when: number;
  /** @internal */
  _seq: number;
  /** @internal OUT, IN_HEAP or REMOVED. */
  _heapState: number;
}

export class TimerHeap<E extends TimerEntry> {
  #heap: E[] = [];
  #seq = 0;
  #removed = 0;

  /** The live entries. */
  get size(): number {
    return this.#heap.length - this.#removed;
  }

  /** The earliest live entry, or undefined. */
  peek(): E | undefined {
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as E)._heapState === REMOVED) {
      this.#removed--;
      (this.#popTop() as E)._heapState = OUT;
    }
    return heap[0];
  }

  push(entry: E): void {
    entry._seq = this.#seq++;
    entry._heapState = IN_HEAP;
    this.#heap.push(entry);
    this.#siftUp(this.#heap.length - 1);
  }

  /** Removes and returns the earliest live entry; call `peek()` first: it must exist. */
  pop(): E {
    const top = this.#popTop();
    top._heapState = OUT;
    return top;
  }

  /** Removes `entry` if it is still live in the heap. */
  remove(entry: E): void {
    if (entry._heapState !== IN_HEAP) return;
    entry._heapState = REMOVED;
    this.#removed++;
    const length = this.#heap.length;
    if (length > MIN_SCHEDULED && this.#removed * 2 > length) this.#compact();
  }

  clear(): void {
    for (const entry of this.#heap) entry._heapState = OUT;
    this.#heap = [];
    this.#removed = 0;
  }

  /** Drops every marked entry and restores the heap order (Floyd's heapify, O(n)). */
  #compact(): void {
    const live: E[] = [];
    for (const entry of this.#heap) {
      if (entry._heapState === IN_HEAP) live.push(entry);
      else entry._heapState = OUT;
    }
    this.#heap = live;
    this.#removed = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.#siftDown(i);
  }

  #popTop(): E {
    const heap = this.#heap;
    const top = heap[0] as E;
    const last = heap.pop() as E;
    if (heap.length > 0) {
      heap[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  #less(a: E, b: E): boolean {
    return a._when < b._when || (a._when === b._when && a._seq < b._seq);
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as E;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as E;
      if (!this.#less(entry, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = entry;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[index] as E;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && this.#less(heap[right] as E, heap[left] as E)) child = right;
      const smallest = heap[child] as E;
      if (!this.#less(smallest, entry)) break;
      heap[index] = smallest;
      index = child;
    }
    heap[index] = entry;
  }
}
